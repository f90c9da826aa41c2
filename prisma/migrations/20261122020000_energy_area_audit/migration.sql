-- Operator changes to areas (zones, band, fees, capacities, mode) are audited in energy, in the
-- same transaction as the change. Append-only, like identity's and settlement's audits.
CREATE TABLE "energy"."audit" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "audit_seq_key" ON "energy"."audit"("seq");
CREATE INDEX "audit_target_idx" ON "energy"."audit"("target");

CREATE FUNCTION "energy"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table %.% is append-only (% refused)', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER "audit_append_only" BEFORE UPDATE OR DELETE ON "energy"."audit"
    FOR EACH ROW EXECUTE FUNCTION "energy"."refuse_change"();
CREATE TRIGGER "audit_no_truncate" BEFORE TRUNCATE ON "energy"."audit"
    FOR EACH STATEMENT EXECUTE FUNCTION "energy"."refuse_change"();

-- The default privileges of the service-roles migration granted UPDATE and DELETE: take them back.
REVOKE UPDATE, DELETE ON "energy"."audit" FROM ampool_energy;
