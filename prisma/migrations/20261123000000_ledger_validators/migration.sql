-- Each ledger validator keeps its own copy of the chain in its own schema (ledger_v1,
-- ledger_v2, ledger_v3): blocks, the entries of the one Merkle log, the log's stored
-- subtrees (for proofs at any size), refusals, signatures received, finality and the
-- membership in force. Every table accepts INSERT and SELECT only: triggers refuse UPDATE,
-- DELETE and TRUNCATE, and the ledger role is granted nothing else. The validators read and
-- write these tables with raw SQL (bulk inserts per block), so they are not Prisma models.

DO $$
DECLARE s TEXT;
BEGIN
    FOREACH s IN ARRAY ARRAY['ledger_v1', 'ledger_v2', 'ledger_v3'] LOOP
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', s);
        EXECUTE format($f$
            CREATE TABLE %1$I."block" (
                "height" BIGINT NOT NULL PRIMARY KEY,
                "header_json" TEXT NOT NULL,
                "header_hash" TEXT NOT NULL UNIQUE CHECK ("header_hash" ~ '^[0-9a-f]{64}$'),
                "stream_seq" BIGINT NOT NULL,
                "log_size" BIGINT NOT NULL,
                "stored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
            );
            CREATE TABLE %1$I."entry" (
                "log_index" BIGINT NOT NULL PRIMARY KEY,
                "id" UUID NOT NULL UNIQUE,
                "type" TEXT NOT NULL,
                "subject_id" TEXT,
                "submitter" TEXT NOT NULL,
                "payload_hash" TEXT NOT NULL,
                "entry_json" TEXT NOT NULL,
                "height" BIGINT NOT NULL,
                "stream_seq" BIGINT NOT NULL
            );
            CREATE INDEX "entry_type_subject" ON %1$I."entry" ("type", "subject_id");
            CREATE INDEX "entry_height" ON %1$I."entry" ("height");
            CREATE TABLE %1$I."subtree" (
                "level" SMALLINT NOT NULL,
                "idx" BIGINT NOT NULL,
                "hash" BYTEA NOT NULL CHECK (length("hash") = 32),
                PRIMARY KEY ("level", "idx")
            );
            CREATE TABLE %1$I."refusal" (
                "stream_seq" BIGINT NOT NULL PRIMARY KEY,
                "entry_id" TEXT,
                "code" TEXT NOT NULL,
                "detail" TEXT NOT NULL,
                "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
            );
            CREATE TABLE %1$I."vote" (
                "height" BIGINT NOT NULL,
                "validator" TEXT NOT NULL,
                "header_hash" TEXT NOT NULL,
                "signature" TEXT NOT NULL,
                "accepted" BOOLEAN NOT NULL,
                "reason" TEXT,
                "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY ("height", "validator", "header_hash")
            );
            CREATE TABLE %1$I."finality" (
                "height" BIGINT NOT NULL PRIMARY KEY,
                "signers" TEXT[] NOT NULL,
                "final_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
            );
            CREATE TABLE %1$I."announced" (
                "height" BIGINT NOT NULL PRIMARY KEY,
                "announced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
            );
            CREATE TABLE %1$I."membership" (
                "from_height" BIGINT NOT NULL PRIMARY KEY,
                "hash" TEXT NOT NULL,
                "membership_json" TEXT NOT NULL
            );
        $f$, s);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', s);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ampool_ledger', s);
        EXECUTE format('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA %I TO ampool_ledger', s);
        DECLARE t TEXT;
        BEGIN
            FOREACH t IN ARRAY ARRAY['block', 'entry', 'subtree', 'refusal', 'vote', 'finality', 'announced', 'membership'] LOOP
                EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I.%I FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_change"()', t || '_append_only', s, t);
                EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."refuse_change"()', t || '_no_truncate', s, t);
            END LOOP;
        END;
    END LOOP;
END;
$$;
