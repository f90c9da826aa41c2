-- Settlement: two-phase transfers of any kind (single, pending, post, void) with client-chosen
-- ids, timeouts and partial posts; the system accounts; and the energy deliveries settled on
-- metering's finalized intervals.

-- ---------------------------------------------------------------- transfers

-- `kind` says what a transfer is. Rows written before this column existed, and writers that do
-- not name it, get `single` when posted and `pending` otherwise (the trigger below).
ALTER TABLE "settlement"."transfer"
    ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'single',
    ADD COLUMN "pending_id" UUID,
    ADD COLUMN "expires_at" TIMESTAMPTZ(3),
    ADD COLUMN "posted_amount_micro" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "resolved_at" TIMESTAMPTZ(3);
UPDATE "settlement"."transfer" SET "kind" = 'pending' WHERE "state" <> 'posted';

CREATE FUNCTION "settlement"."transfer_kind_default"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."kind" := 'pending';
    RETURN NEW;
END $$;
CREATE TRIGGER "transfer_kind_default" BEFORE INSERT ON "settlement"."transfer"
    FOR EACH ROW WHEN (NEW."kind" = 'single' AND NEW."state" <> 'posted')
    EXECUTE FUNCTION "settlement"."transfer_kind_default"();

ALTER TABLE "settlement"."transfer" DROP CONSTRAINT "transfer_state_known";
ALTER TABLE "settlement"."transfer" ADD CONSTRAINT "transfer_state_known"
    CHECK ("state" IN ('pending', 'posted', 'voided', 'expired'));
ALTER TABLE "settlement"."transfer" ADD CONSTRAINT "transfer_kind_known"
    CHECK ("kind" IN ('single', 'pending', 'post', 'void'));
-- single and post are posted when written; a void row records a void; only a pending transfer
-- moves (pending → posted, voided or expired).
ALTER TABLE "settlement"."transfer" ADD CONSTRAINT "transfer_kind_state"
    CHECK ("kind" = 'pending' OR ("kind" IN ('single', 'post') AND "state" = 'posted') OR ("kind" = 'void' AND "state" = 'voided'));
-- A void moves no money (amount 0); every other transfer a positive amount.
ALTER TABLE "settlement"."transfer" DROP CONSTRAINT "transfer_amount_positive";
ALTER TABLE "settlement"."transfer" ADD CONSTRAINT "transfer_amount_positive"
    CHECK ("amount_micro" > 0 OR ("kind" = 'void' AND "amount_micro" = 0));
-- A partial post never exceeds the hold.
ALTER TABLE "settlement"."transfer" ADD CONSTRAINT "transfer_posted_within_pending"
    CHECK ("posted_amount_micro" >= 0 AND "posted_amount_micro" <= "amount_micro" AND ("kind" = 'pending' OR "posted_amount_micro" = 0));
ALTER TABLE "settlement"."transfer" ADD CONSTRAINT "transfer_resolution_names_pending"
    CHECK (("kind" IN ('post', 'void')) = ("pending_id" IS NOT NULL));
-- A pending transfer is posted or voided at most once.
CREATE UNIQUE INDEX "transfer_one_resolution_per_pending" ON "settlement"."transfer"("pending_id") WHERE "pending_id" IS NOT NULL;
-- The timeout sweeper's query.
CREATE INDEX "transfer_pending_expiry_idx" ON "settlement"."transfer"("expires_at") WHERE "state" = 'pending' AND "expires_at" IS NOT NULL;
-- Transfers name accounts that exist: the engine takes every account id from a row it locked,
-- and accounts are never deleted (the trigger below). The per-row foreign-key checks this
-- replaces cost a third of a batch insert, on the path that must carry tens of thousands of
-- transfers a second.
ALTER TABLE "settlement"."transfer" DROP CONSTRAINT "transfer_debit_account_fkey";
ALTER TABLE "settlement"."transfer" DROP CONSTRAINT "transfer_credit_account_fkey";
CREATE TRIGGER "account_never_deleted" BEFORE DELETE ON "settlement"."account"
    FOR EACH ROW EXECUTE FUNCTION "settlement"."refuse_change"();
CREATE TRIGGER "account_no_truncate" BEFORE TRUNCATE ON "settlement"."account"
    FOR EACH STATEMENT EXECUTE FUNCTION "settlement"."refuse_change"();
-- For the same reason a post or void names its pending transfer without a foreign key: the
-- engine names only transfers it read under their accounts' locks, and transfers are never
-- deleted either (a pending one only changes state).
CREATE TRIGGER "transfer_never_deleted" BEFORE DELETE ON "settlement"."transfer"
    FOR EACH ROW EXECUTE FUNCTION "settlement"."refuse_change"();
CREATE TRIGGER "transfer_no_truncate" BEFORE TRUNCATE ON "settlement"."transfer"
    FOR EACH STATEMENT EXECUTE FUNCTION "settlement"."refuse_change"();

-- ---------------------------------------------------------------- system accounts

-- The platform's fees, the grid operator's fees, the utility (fallback supplier) and the
-- external clearing account (deposits and withdrawals: the only one that may go below zero).
INSERT INTO "settlement"."account" ("id", "owner", "kind", "may_overdraw") VALUES
    ('00000000-0000-7000-8000-000000000001', 'system:clearing', 'clearing', true),
    ('00000000-0000-7000-8000-000000000002', 'system:platform-fee', 'platform_fee', false),
    ('00000000-0000-7000-8000-000000000003', 'system:grid-operator', 'grid_operator', false),
    ('00000000-0000-7000-8000-000000000004', 'system:utility', 'utility', false)
ON CONFLICT ("owner") DO NOTHING;

-- ---------------------------------------------------------------- energy deliveries

-- A trade as settlement learnt it (from the trade event), and how it settled. `open` until its
-- interval is settled; then `settled` (with the split) or `unfunded` (no hold was ever placed).
CREATE TABLE "settlement"."energy_trade" (
    "trade_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "buyer" TEXT NOT NULL,
    "seller" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "interval_start" TIMESTAMPTZ(3) NOT NULL,
    "energy_wh" BIGINT NOT NULL,
    "price_micro_per_kwh" BIGINT NOT NULL,
    "value_micro" BIGINT NOT NULL,
    "executed_at" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open',
    "rule" TEXT,
    "delivered_wh" BIGINT,
    "shortfall_wh" BIGINT,
    "seller_receives_micro" BIGINT,
    "platform_fee_micro" BIGINT,
    "grid_fee_micro" BIGINT,
    "utility_from_buyer_micro" BIGINT,
    "seller_penalty_micro" BIGINT,
    "penalty_unpaid_micro" BIGINT,
    "settled_at" TIMESTAMPTZ(3),
    CONSTRAINT "energy_trade_pkey" PRIMARY KEY ("trade_id"),
    CONSTRAINT "energy_trade_state_known" CHECK ("state" IN ('open', 'settled', 'unfunded')),
    CONSTRAINT "energy_trade_settled_complete" CHECK ("state" <> 'settled' OR ("delivered_wh" IS NOT NULL AND "settled_at" IS NOT NULL)),
    CONSTRAINT "energy_trade_amounts_positive" CHECK ("energy_wh" > 0 AND "value_micro" > 0)
);
CREATE INDEX "energy_trade_open_idx" ON "settlement"."energy_trade"("seller", "interval_start") WHERE "state" = 'open';
CREATE INDEX "energy_trade_interval_idx" ON "settlement"."energy_trade"("seller", "interval_start");

-- A seller's metered interval as metering finalized (or corrected) it, and whether its trades
-- were settled. One row per (seller, interval): the first device that reports it decides.
CREATE TABLE "settlement"."energy_interval" (
    "seller" TEXT NOT NULL,
    "interval_start" TIMESTAMPTZ(3) NOT NULL,
    "interval_end" TIMESTAMPTZ(3) NOT NULL,
    "device" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "quality" TEXT NOT NULL,
    "export_wh" BIGINT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'waiting',
    "decision" TEXT,
    "settled_export_wh" BIGINT,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "settled_at" TIMESTAMPTZ(3),
    CONSTRAINT "energy_interval_pkey" PRIMARY KEY ("seller", "interval_start"),
    CONSTRAINT "energy_interval_state_known" CHECK ("state" IN ('waiting', 'settled')),
    CONSTRAINT "energy_interval_quality_known" CHECK ("quality" IN ('measured', 'estimated', 'anomalous'))
);
CREATE INDEX "energy_interval_waiting_idx" ON "settlement"."energy_interval"("interval_end") WHERE "state" = 'waiting';

GRANT SELECT, INSERT, UPDATE ON "settlement"."energy_trade", "settlement"."energy_interval" TO ampool_settlement;
-- Accounts and transfers are never deleted: the service's role may not even ask.
REVOKE DELETE, TRUNCATE ON "settlement"."account", "settlement"."transfer" FROM ampool_settlement;
