-- Identity: keys separate from the subjects they sign for (rotation keeps a participant's
-- did), devices bound to owners, registration challenges, operator accounts and sessions,
-- and an append-only audit of operator actions.

ALTER TABLE "identity"."participant" ADD COLUMN "current_key" TEXT;
UPDATE "identity"."participant" SET "current_key" = "did";
ALTER TABLE "identity"."participant" ALTER COLUMN "current_key" SET NOT NULL;
ALTER TABLE "identity"."participant" ADD COLUMN "status_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE TABLE "identity"."key" (
    "did" TEXT NOT NULL,
    "public_key" BYTEA NOT NULL,
    "subject" TEXT NOT NULL,
    "subject_kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),
    CONSTRAINT "key_pkey" PRIMARY KEY ("did"),
    CONSTRAINT "key_public_key_len" CHECK (octet_length("public_key") = 32),
    CONSTRAINT "key_subject_kind_known" CHECK ("subject_kind" IN ('participant', 'device')),
    CONSTRAINT "key_status_known" CHECK ("status" IN ('active', 'rotated', 'revoked')),
    CONSTRAINT "key_retired_when_not_active" CHECK (("status" = 'active') = ("retired_at" IS NULL))
);
CREATE UNIQUE INDEX "key_public_key_key" ON "identity"."key"("public_key");
CREATE INDEX "key_subject_idx" ON "identity"."key"("subject");
-- At most one active key per subject.
CREATE UNIQUE INDEX "key_one_active_per_subject" ON "identity"."key"("subject") WHERE "status" = 'active';

INSERT INTO "identity"."key" ("did", "public_key", "subject", "subject_kind", "status", "created_at")
SELECT "did", "public_key", "did", 'participant', CASE WHEN "status" = 'revoked' THEN 'revoked' ELSE 'active' END, "created_at"
FROM "identity"."participant";
UPDATE "identity"."key" SET "retired_at" = CURRENT_TIMESTAMP WHERE "status" <> 'active';

CREATE TABLE "identity"."device" (
    "did" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "power_w" BIGINT NOT NULL,
    "capacity_wh" BIGINT NOT NULL,
    "reserve_wh" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "current_key" TEXT NOT NULL,
    "owner_signature" BYTEA NOT NULL,
    "device_signature" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "device_pkey" PRIMARY KEY ("did"),
    CONSTRAINT "device_owner_fkey" FOREIGN KEY ("owner") REFERENCES "identity"."participant"("did"),
    CONSTRAINT "device_type_known" CHECK ("type" IN ('meter', 'battery', 'pv_inverter', 'ev_charger', 'p1_gateway', 'vehicle')),
    CONSTRAINT "device_status_known" CHECK ("status" IN ('active', 'revoked')),
    CONSTRAINT "device_ratings_sane" CHECK ("power_w" > 0 AND "capacity_wh" >= 0 AND "reserve_wh" >= 0 AND "reserve_wh" <= "capacity_wh")
);
CREATE INDEX "device_owner_idx" ON "identity"."device"("owner");

CREATE TABLE "identity"."challenge" (
    "id" UUID NOT NULL,
    "public_key" BYTEA NOT NULL,
    "challenge" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    CONSTRAINT "challenge_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "challenge_expires_at_idx" ON "identity"."challenge"("expires_at");

CREATE TABLE "identity"."operator" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),
    CONSTRAINT "operator_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "operator_email_key" ON "identity"."operator"("email");

CREATE TABLE "identity"."session" (
    "token_hash" TEXT NOT NULL,
    "operator_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    CONSTRAINT "session_pkey" PRIMARY KEY ("token_hash"),
    CONSTRAINT "session_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "identity"."operator"("id")
);
CREATE INDEX "session_operator_id_idx" ON "identity"."session"("operator_id");

CREATE TABLE "identity"."audit" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "audit_seq_key" ON "identity"."audit"("seq");
CREATE INDEX "audit_target_idx" ON "identity"."audit"("target");

-- The audit trail is append-only, like the ledger.
CREATE FUNCTION "identity"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table %.% is append-only (% refused)', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER "audit_append_only" BEFORE UPDATE OR DELETE ON "identity"."audit"
    FOR EACH ROW EXECUTE FUNCTION "identity"."refuse_change"();
CREATE TRIGGER "audit_no_truncate" BEFORE TRUNCATE ON "identity"."audit"
    FOR EACH STATEMENT EXECUTE FUNCTION "identity"."refuse_change"();
