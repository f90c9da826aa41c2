-- Foundation: one schema per service, outbox and processed-event tables, the first energy
-- market, settlement and ledger tables. Constraints that Prisma's schema language cannot
-- express (CHECKs, partial indexes, append-only triggers) are written here.

CREATE SCHEMA IF NOT EXISTS "identity";
CREATE SCHEMA IF NOT EXISTS "energy";
CREATE SCHEMA IF NOT EXISTS "rides";
CREATE SCHEMA IF NOT EXISTS "metering";
CREATE SCHEMA IF NOT EXISTS "settlement";
CREATE SCHEMA IF NOT EXISTS "ledger";

-- ---------------------------------------------------------------- identity

CREATE TABLE "identity"."participant" (
    "did" TEXT NOT NULL,
    "public_key" BYTEA NOT NULL,
    "role" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "participant_pkey" PRIMARY KEY ("did"),
    CONSTRAINT "participant_public_key_len" CHECK (octet_length("public_key") = 32),
    CONSTRAINT "participant_role_known" CHECK ("role" IN ('household', 'driver', 'rider', 'operator', 'validator')),
    CONSTRAINT "participant_status_known" CHECK ("status" IN ('pending', 'active', 'suspended', 'revoked'))
);
CREATE UNIQUE INDEX "participant_public_key_key" ON "identity"."participant"("public_key");

CREATE TABLE "identity"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_seq_key" ON "identity"."outbox"("seq");

-- ---------------------------------------------------------------- energy market

CREATE TABLE "energy"."order" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "participant" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "interval_start" TIMESTAMPTZ(3) NOT NULL,
    "quantity_wh" BIGINT NOT NULL,
    "limit_price_micro_per_kwh" BIGINT NOT NULL,
    "remaining_wh" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "order_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "order_side_known" CHECK ("side" IN ('buy', 'sell')),
    CONSTRAINT "order_status_known" CHECK ("status" IN ('open', 'filled', 'cancelled', 'expired')),
    CONSTRAINT "order_quantity_positive" CHECK ("quantity_wh" > 0),
    CONSTRAINT "order_price_positive" CHECK ("limit_price_micro_per_kwh" > 0),
    CONSTRAINT "order_remaining_bounded" CHECK ("remaining_wh" >= 0 AND "remaining_wh" <= "quantity_wh")
);
CREATE UNIQUE INDEX "order_seq_key" ON "energy"."order"("seq");
CREATE INDEX "order_participant_idx" ON "energy"."order"("participant");
-- The book: open orders of one market, in price-time priority per side.
CREATE INDEX "order_book_idx" ON "energy"."order"("zone", "interval_start", "side", "limit_price_micro_per_kwh", "seq")
    WHERE "status" = 'open';

CREATE TABLE "energy"."trade" (
    "id" UUID NOT NULL,
    "buy_order_id" UUID NOT NULL,
    "sell_order_id" UUID NOT NULL,
    "buyer" TEXT NOT NULL,
    "seller" TEXT NOT NULL,
    "zone" TEXT NOT NULL,
    "interval_start" TIMESTAMPTZ(3) NOT NULL,
    "energy_wh" BIGINT NOT NULL,
    "price_micro_per_kwh" BIGINT NOT NULL,
    "value_micro" BIGINT NOT NULL,
    "executed_at" TIMESTAMPTZ(3) NOT NULL,
    "hold_transfer_id" UUID,
    "hold_rejected_code" TEXT,
    "ledger_entry_hash" TEXT,
    "held_at" TIMESTAMPTZ(3),
    "committed_at" TIMESTAMPTZ(3),
    CONSTRAINT "trade_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "trade_energy_positive" CHECK ("energy_wh" > 0),
    CONSTRAINT "trade_value_positive" CHECK ("value_micro" > 0)
);
CREATE INDEX "trade_buy_order_id_idx" ON "energy"."trade"("buy_order_id");
CREATE INDEX "trade_sell_order_id_idx" ON "energy"."trade"("sell_order_id");

CREATE TABLE "energy"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_seq_key" ON "energy"."outbox"("seq");

CREATE TABLE "energy"."processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer", "event_id")
);

-- ---------------------------------------------------------------- settlement

CREATE TABLE "settlement"."account" (
    "id" UUID NOT NULL,
    "owner" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "credits_posted_micro" BIGINT NOT NULL DEFAULT 0,
    "debits_posted_micro" BIGINT NOT NULL DEFAULT 0,
    "credits_pending_micro" BIGINT NOT NULL DEFAULT 0,
    "debits_pending_micro" BIGINT NOT NULL DEFAULT 0,
    "may_overdraw" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "account_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "account_kind_known" CHECK ("kind" IN ('participant', 'clearing', 'platform_fee', 'grid_operator', 'utility')),
    CONSTRAINT "account_totals_non_negative" CHECK (
        "credits_posted_micro" >= 0 AND "debits_posted_micro" >= 0
        AND "credits_pending_micro" >= 0 AND "debits_pending_micro" >= 0),
    -- The database, not only the code, keeps a participant's available balance from going
    -- below zero: what is paid out or held never exceeds what was credited.
    CONSTRAINT "account_no_overdraft" CHECK (
        "may_overdraw" OR "debits_posted_micro" + "debits_pending_micro" <= "credits_posted_micro")
);
CREATE UNIQUE INDEX "account_owner_key" ON "settlement"."account"("owner");

CREATE TABLE "settlement"."transfer" (
    "id" UUID NOT NULL,
    "debit_account_id" UUID NOT NULL,
    "credit_account_id" UUID NOT NULL,
    "amount_micro" BIGINT NOT NULL,
    "code" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "reference_kind" TEXT,
    "reference_id" UUID,
    "request_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "transfer_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "transfer_amount_positive" CHECK ("amount_micro" > 0),
    CONSTRAINT "transfer_distinct_accounts" CHECK ("debit_account_id" <> "credit_account_id"),
    CONSTRAINT "transfer_state_known" CHECK ("state" IN ('pending', 'posted', 'voided')),
    CONSTRAINT "transfer_debit_account_fkey" FOREIGN KEY ("debit_account_id") REFERENCES "settlement"."account"("id"),
    CONSTRAINT "transfer_credit_account_fkey" FOREIGN KEY ("credit_account_id") REFERENCES "settlement"."account"("id")
);
CREATE INDEX "transfer_debit_account_id_idx" ON "settlement"."transfer"("debit_account_id");
CREATE INDEX "transfer_credit_account_id_idx" ON "settlement"."transfer"("credit_account_id");
-- One hold per deal, whatever the retries or redeliveries.
CREATE UNIQUE INDEX "transfer_one_hold_per_reference" ON "settlement"."transfer"("reference_kind", "reference_id", "code")
    WHERE "reference_id" IS NOT NULL;

CREATE TABLE "settlement"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_seq_key" ON "settlement"."outbox"("seq");

CREATE TABLE "settlement"."processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer", "event_id")
);

-- ---------------------------------------------------------------- ledger

CREATE TABLE "ledger"."entry" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "subject_id" UUID NOT NULL,
    "canonical_payload" TEXT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "submitted_by" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "entry_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "entry_payload_hash_hex" CHECK ("payload_hash" ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX "entry_sequence_key" ON "ledger"."entry"("sequence");
CREATE UNIQUE INDEX "entry_type_subject_id_key" ON "ledger"."entry"("type", "subject_id");

-- Ledger history is append-only: any UPDATE, DELETE or TRUNCATE is refused by the database.
CREATE FUNCTION "ledger"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger table %.% is append-only (% refused)', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER "entry_append_only" BEFORE UPDATE OR DELETE ON "ledger"."entry"
    FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_change"();
CREATE TRIGGER "entry_no_truncate" BEFORE TRUNCATE ON "ledger"."entry"
    FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."refuse_change"();

CREATE TABLE "ledger"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_seq_key" ON "ledger"."outbox"("seq");

CREATE TABLE "ledger"."processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer", "event_id")
);
