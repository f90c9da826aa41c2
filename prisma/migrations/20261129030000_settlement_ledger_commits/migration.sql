-- Which of settlement's ledger entries the validators made final (evt.ledger.entry.committed.v1):
-- a transfer is committed once an entry about it (its own `settlement.transfer` entry, or a
-- hold's `settlement.hold` / `settlement.booking-hold` entry) is in a block signed by a quorum.
-- Insert-only: a finality is a fact, announced once per entry and recorded once.
CREATE TABLE "settlement"."ledger_commit" (
    "entry_id" UUID NOT NULL,
    "entry_type" TEXT NOT NULL,
    "subject_id" UUID NOT NULL,
    "log_index" BIGINT NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "committed_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ledger_commit_pkey" PRIMARY KEY ("entry_id"),
    CONSTRAINT "ledger_commit_hash_hex" CHECK ("payload_hash" ~ '^[0-9a-f]{64}$')
);
CREATE INDEX "ledger_commit_subject_idx" ON "settlement"."ledger_commit"("subject_id");

CREATE TRIGGER "ledger_commit_append_only" BEFORE UPDATE OR DELETE ON "settlement"."ledger_commit"
    FOR EACH ROW EXECUTE FUNCTION "settlement"."refuse_change"();
CREATE TRIGGER "ledger_commit_no_truncate" BEFORE TRUNCATE ON "settlement"."ledger_commit"
    FOR EACH STATEMENT EXECUTE FUNCTION "settlement"."refuse_change"();

-- The default privileges of the service-roles migration granted UPDATE and DELETE: take them back.
REVOKE UPDATE, DELETE ON "settlement"."ledger_commit" FROM ampool_settlement;
