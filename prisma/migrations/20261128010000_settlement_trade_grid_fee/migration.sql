-- Trades now carry the grid fee the market charged the buyer (cross-zone fills) and the
-- buyer's total cost. Trades recorded before this have neither (NULL): for them the
-- configured grid fee is taken out of the price, as before.
ALTER TABLE "settlement"."energy_trade" ADD COLUMN "grid_fee_micro_per_kwh" BIGINT, ADD COLUMN "buyer_cost_micro" BIGINT;
ALTER TABLE "settlement"."energy_trade" ADD CONSTRAINT "energy_trade_grid_fee_known" CHECK (("grid_fee_micro_per_kwh" IS NULL) = ("buyer_cost_micro" IS NULL) AND ("grid_fee_micro_per_kwh" IS NULL OR "grid_fee_micro_per_kwh" >= 0));
