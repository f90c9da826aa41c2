-- Trip proofs: the legs metering judges (one per confirmed booking, learned from the ride
-- market's events), the signed proofs of their pick-ups and drop-offs, and the verdicts.

-- A booking's leg: what was agreed (meeting points in micro-degrees, estimated times) and
-- where the judgement stands. `status` only moves forward: open → proven / rider-absent /
-- disputed / void; disputed → resolved.
CREATE TABLE "metering"."trip_leg" (
    "booking_id" UUID NOT NULL,
    "trip_id" UUID NOT NULL,
    "driver" TEXT NOT NULL,
    "rider" TEXT NOT NULL,
    "pickup_lat_e6" INTEGER NOT NULL,
    "pickup_lon_e6" INTEGER NOT NULL,
    "pickup_at" TIMESTAMPTZ(3) NOT NULL,
    "dropoff_lat_e6" INTEGER NOT NULL,
    "dropoff_lon_e6" INTEGER NOT NULL,
    "dropoff_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "codes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "proof_class" TEXT NOT NULL DEFAULT 'A',
    "deadline_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "dispute_deadline_at" TIMESTAMPTZ(3),
    "resolution" TEXT,
    "resolved_by" TEXT,
    "resolved_operator" TEXT,
    "resolution_note" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "trip_leg_pkey" PRIMARY KEY ("booking_id"),
    CONSTRAINT "trip_leg_status_known" CHECK ("status" IN ('open', 'proven', 'rider-absent', 'disputed', 'resolved', 'void')),
    CONSTRAINT "trip_leg_class_known" CHECK ("proof_class" IN ('A', 'B', 'C')),
    CONSTRAINT "trip_leg_parties_distinct" CHECK ("driver" <> "rider"),
    CONSTRAINT "trip_leg_resolution_known" CHECK ("resolution" IS NULL OR "resolution" IN ('completed', 'rider-no-show', 'refund')),
    CONSTRAINT "trip_leg_resolved_has_resolution" CHECK (("status" = 'resolved') = ("resolution" IS NOT NULL)),
    CONSTRAINT "trip_leg_disputed_has_deadline" CHECK ("status" NOT IN ('disputed', 'resolved') OR "dispute_deadline_at" IS NOT NULL)
);
-- The sweeper's two queues: open legs past their deadline, disputes past theirs.
CREATE INDEX "trip_leg_open_deadline_idx" ON "metering"."trip_leg"("deadline_at") WHERE "status" = 'open';
CREATE INDEX "trip_leg_dispute_deadline_idx" ON "metering"."trip_leg"("dispute_deadline_at") WHERE "status" = 'disputed';

-- One party's signed confirmation of one event: at most one per (booking, role, event); the
-- first statement stands. Kept with its signature so the verdict can be re-checked by anyone.
CREATE TABLE "metering"."trip_proof" (
    "booking_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "signer" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "lat_e6" INTEGER NOT NULL,
    "lon_e6" INTEGER NOT NULL,
    "signature" BYTEA NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "trip_proof_pkey" PRIMARY KEY ("booking_id", "role", "event"),
    CONSTRAINT "trip_proof_leg_fkey" FOREIGN KEY ("booking_id") REFERENCES "metering"."trip_leg"("booking_id") ON DELETE NO ACTION ON UPDATE NO ACTION,
    CONSTRAINT "trip_proof_role_known" CHECK ("role" IN ('driver', 'rider')),
    CONSTRAINT "trip_proof_event_known" CHECK ("event" IN ('pickup', 'dropoff')),
    CONSTRAINT "trip_proof_signature_length" CHECK (octet_length("signature") = 64)
);

-- Events metering's consumers have handled (the ride market's booking events).
CREATE TABLE "metering"."processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer", "event_id")
);

-- Proofs are facts: insert-only.
GRANT SELECT, INSERT, UPDATE, DELETE ON "metering"."trip_leg", "metering"."processed_event" TO ampool_metering;
GRANT SELECT, INSERT ON "metering"."trip_proof" TO ampool_metering;
REVOKE UPDATE, DELETE ON "metering"."trip_proof" FROM ampool_metering;
