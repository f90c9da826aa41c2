-- Energy markets: operator-configured areas (zones that share one book per interval, price
-- band, grid fees and transfer capacities between zones, mode), the markets (area, interval)
-- that have opened with the configuration they froze, and the snapshots of their in-memory
-- books. The book itself lives in the energy-market process; its commands are journaled in
-- JetStream (ENERGY_JOURNAL) and `applied_seq` says up to which journal message this database
-- holds their results.

CREATE TABLE "energy"."area" (
    "id" TEXT NOT NULL,
    "interval_minutes" INTEGER NOT NULL,
    "open_ahead_minutes" INTEGER NOT NULL,
    "gate_closure_minutes" INTEGER NOT NULL,
    "closing_call_minutes" INTEGER NOT NULL DEFAULT 0,
    "feed_in_micro_per_kwh" BIGINT NOT NULL,
    "retail_micro_per_kwh" BIGINT NOT NULL,
    "mode" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "area_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "area_interval_known" CHECK ("interval_minutes" IN (5, 15, 30, 60)),
    CONSTRAINT "area_band_ordered" CHECK (0 < "feed_in_micro_per_kwh" AND "feed_in_micro_per_kwh" <= "retail_micro_per_kwh"),
    CONSTRAINT "area_mode_known" CHECK ("mode" IN ('continuous', 'call-auction', 'continuous-then-auction')),
    CONSTRAINT "area_times_positive" CHECK ("open_ahead_minutes" > 0 AND "gate_closure_minutes" >= 0 AND "closing_call_minutes" >= 0)
);

-- A zone belongs to exactly one area.
CREATE TABLE "energy"."zone" (
    "id" TEXT NOT NULL,
    "area_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "zone_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "zone_area_fkey" FOREIGN KEY ("area_id") REFERENCES "energy"."area"("id") ON DELETE CASCADE
);
CREATE INDEX "zone_area_id_idx" ON "energy"."zone"("area_id");

CREATE TABLE "energy"."zone_pair" (
    "area_id" TEXT NOT NULL,
    "from_zone" TEXT NOT NULL,
    "to_zone" TEXT NOT NULL,
    "grid_fee_micro_per_kwh" BIGINT NOT NULL,
    "transfer_capacity_wh" BIGINT,
    CONSTRAINT "zone_pair_pkey" PRIMARY KEY ("area_id", "from_zone", "to_zone"),
    CONSTRAINT "zone_pair_area_fkey" FOREIGN KEY ("area_id") REFERENCES "energy"."area"("id") ON DELETE CASCADE,
    CONSTRAINT "zone_pair_fee_not_negative" CHECK ("grid_fee_micro_per_kwh" >= 0),
    CONSTRAINT "zone_pair_capacity_not_negative" CHECK ("transfer_capacity_wh" IS NULL OR "transfer_capacity_wh" >= 0)
);

-- One market per (area, interval), created before its first command is journaled, with the
-- area's configuration as it was then (`config`, JSON), so a replay builds the same book.
CREATE TABLE "energy"."market" (
    "id" TEXT NOT NULL,
    "area_id" TEXT NOT NULL,
    "interval_start" TIMESTAMPTZ(3) NOT NULL,
    "config" TEXT NOT NULL,
    "call_at" TIMESTAMPTZ(3),
    "gate_closure_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "applied_seq" BIGINT NOT NULL DEFAULT 0,
    "applied_batches" INTEGER NOT NULL DEFAULT 0,
    "clearing" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "market_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "market_status_known" CHECK ("status" IN ('open', 'closed'))
);
CREATE UNIQUE INDEX "market_area_id_interval_start_key" ON "energy"."market"("area_id", "interval_start");
CREATE INDEX "market_open_idx" ON "energy"."market"("gate_closure_at") WHERE "status" = 'open';

-- The latest snapshot of a market's book and engine state, at journal message `seq`.
CREATE TABLE "energy"."book_snapshot" (
    "market_id" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "batches" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "book_snapshot_pkey" PRIMARY KEY ("market_id"),
    CONSTRAINT "book_snapshot_market_fkey" FOREIGN KEY ("market_id") REFERENCES "energy"."market"("id") ON DELETE CASCADE
);

-- Orders: the book moved into the engine, so the partial index that served as one goes.
DROP INDEX IF EXISTS "energy"."order_book_idx";
ALTER TABLE "energy"."order"
    ADD COLUMN "market_id" TEXT,
    ADD COLUMN "time_in_force" TEXT NOT NULL DEFAULT 'GTC',
    ADD COLUMN "min_fill_wh" BIGINT,
    ADD COLUMN "device" TEXT,
    ADD COLUMN "filled_wh" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "filled_cost_micro" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "hold_micro" BIGINT NOT NULL DEFAULT 0,
    ADD CONSTRAINT "order_tif_known" CHECK ("time_in_force" IN ('GTC', 'IOC', 'FOK'));
UPDATE "energy"."order" SET "filled_wh" = "quantity_wh" - "remaining_wh" WHERE "status" IN ('open', 'filled');
CREATE INDEX "order_participant_id_idx" ON "energy"."order"("participant", "id" DESC);

-- Trades carry both zones and the grid fee; `trade_seq` orders a market's tape.
ALTER TABLE "energy"."trade"
    ADD COLUMN "market_id" TEXT,
    ADD COLUMN "trade_seq" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "seller_zone" TEXT,
    ADD COLUMN "buyer_zone" TEXT,
    ADD COLUMN "grid_fee_micro_per_kwh" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "buyer_cost_micro" BIGINT;
UPDATE "energy"."trade" SET "seller_zone" = "zone", "buyer_zone" = "zone", "buyer_cost_micro" = "value_micro";
ALTER TABLE "energy"."trade"
    ALTER COLUMN "seller_zone" SET NOT NULL,
    ALTER COLUMN "buyer_zone" SET NOT NULL,
    ALTER COLUMN "buyer_cost_micro" SET NOT NULL;
CREATE INDEX "trade_tape_buyer_idx" ON "energy"."trade"("interval_start", "buyer_zone", "trade_seq");
CREATE INDEX "trade_tape_seller_idx" ON "energy"."trade"("interval_start", "seller_zone", "trade_seq");

-- The area every installation starts with (the operator API changes or replaces it):
-- zones north and south, 15-minute intervals tradable 48 hours ahead until their start,
-- continuous matching, the widest band the market accepted before areas existed, no fee
-- inside a zone, 10,000 µ/kWh and 100 kWh per interval each way between the two zones.
INSERT INTO "energy"."area" ("id", "interval_minutes", "open_ahead_minutes", "gate_closure_minutes", "closing_call_minutes",
                             "feed_in_micro_per_kwh", "retail_micro_per_kwh", "mode")
VALUES ('default', 15, 2880, 0, 0, 1000, 100000000, 'continuous');
INSERT INTO "energy"."zone" ("id", "area_id", "position") VALUES ('north', 'default', 0), ('south', 'default', 1);
INSERT INTO "energy"."zone_pair" ("area_id", "from_zone", "to_zone", "grid_fee_micro_per_kwh", "transfer_capacity_wh") VALUES
    ('default', 'north', 'north', 0, NULL),
    ('default', 'south', 'south', 0, NULL),
    ('default', 'north', 'south', 10000, 100000),
    ('default', 'south', 'north', 10000, 100000);

-- ---------------------------------------------------------------- settlement: energy order holds

-- One row per energy buy order. `held`: a pending transfer (buyer → energy order escrow)
-- whose amount is what the order still reserves; each trade of the order moves its cost out
-- into the trade's own pending hold. `released`: the order ended; `keep_micro` is what its
-- trades still had to take over at that moment. A release that arrives first leaves a
-- `released` row with no transfer, so a late placement is refused.
CREATE TABLE "settlement"."order_hold" (
    "order_id" UUID NOT NULL,
    "state" TEXT NOT NULL,
    "transfer_id" UUID,
    "payer" TEXT NOT NULL,
    "amount_micro" BIGINT NOT NULL,
    "reserved_micro" BIGINT NOT NULL,
    "converted_micro" BIGINT NOT NULL DEFAULT 0,
    "keep_micro" BIGINT,
    "request_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),
    CONSTRAINT "order_hold_pkey" PRIMARY KEY ("order_id"),
    CONSTRAINT "order_hold_transfer_id_fkey" FOREIGN KEY ("transfer_id") REFERENCES "settlement"."transfer"("id"),
    CONSTRAINT "order_hold_state_known" CHECK ("state" IN ('held', 'released')),
    CONSTRAINT "order_hold_reserved_bounded" CHECK ("reserved_micro" >= 0 AND "reserved_micro" <= "amount_micro")
);
CREATE UNIQUE INDEX "order_hold_transfer_id_key" ON "settlement"."order_hold"("transfer_id");
CREATE INDEX "order_hold_payer_idx" ON "settlement"."order_hold"("payer");
