-- Least privilege in the database: one role per service, with rights on its own schema only.
-- Services log in as a user that is a member of their role (see infra/bootstrap). Roles are
-- cluster-wide, so they are created only if missing; the grants belong to this database.
-- Append-only tables (ledger.*, identity.audit) get SELECT and INSERT only: the triggers are
-- a second line, not the first.

DO $$
DECLARE r TEXT;
BEGIN
    FOREACH r IN ARRAY ARRAY['ampool_identity', 'ampool_energy', 'ampool_rides', 'ampool_metering', 'ampool_settlement', 'ampool_ledger'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END;
$$;

DO $$
DECLARE
    s TEXT;
    r TEXT;
BEGIN
    FOREACH s IN ARRAY ARRAY['identity', 'energy', 'rides', 'metering', 'settlement', 'ledger'] LOOP
        r := 'ampool_' || s;
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', s);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, r);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', s, r);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I', s, r);
        IF s = 'ledger' THEN
            EXECUTE format('GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA %I TO %I', s, r);
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT ON TABLES TO %I', s, r);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, r);
            EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', s, r);
        END IF;
    END LOOP;
END;
$$;

-- The ledger's own outbox and processed-event marks are ordinary working tables: the ledger
-- deletes what it has published. Only its history (entries) is append-only.
GRANT UPDATE, DELETE ON "ledger"."outbox", "ledger"."processed_event" TO ampool_ledger;
-- The operator audit trail accepts new rows only.
REVOKE UPDATE, DELETE ON "identity"."audit" FROM ampool_identity;
