-- The ride-seat market: trips with their seats per leg, bookings, the drivers' reliability
-- marks and the service's outbox; and in settlement, one hold per booking (the rider's fare
-- and service fee held in an escrow account until the booking ends).

-- ---------------------------------------------------------------- rides

-- A trip as the driver published it. `spec` is the validated input (route, stopovers, times,
-- seats, price, detour limits, booking mode) as JSON, so any instance can rebuild the engine's
-- trip from it; the columns beside it are what queries filter on. `changed_seq` grows on every
-- change that search must see (the trip itself, or its seats): each instance refreshes its
-- in-memory index by reading the trips whose `changed_seq` passed its cursor.
CREATE SEQUENCE "rides"."trip_change_seq";
CREATE TABLE "rides"."trip" (
    "id" UUID NOT NULL,
    "driver" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "spec" TEXT NOT NULL,
    "route_length_m" INTEGER NOT NULL,
    "seats_offered" INTEGER NOT NULL,
    "departure_at" TIMESTAMPTZ(3) NOT NULL,
    "arrival_at" TIMESTAMPTZ(3) NOT NULL,
    "booking_mode" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "changed_seq" BIGINT NOT NULL DEFAULT nextval('"rides"."trip_change_seq"'),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelled_at" TIMESTAMPTZ(3),
    CONSTRAINT "trip_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "trip_status_known" CHECK ("status" IN ('published', 'cancelled')),
    CONSTRAINT "trip_booking_mode_known" CHECK ("booking_mode" IN ('instant', 'approval')),
    CONSTRAINT "trip_seats_positive" CHECK ("seats_offered" > 0),
    CONSTRAINT "trip_route_length_positive" CHECK ("route_length_m" > 0)
);
CREATE UNIQUE INDEX "trip_changed_seq_key" ON "rides"."trip"("changed_seq");
CREATE INDEX "trip_driver_idx" ON "rides"."trip"("driver", "departure_at");

-- Seats per leg. A trip starts as one leg [0, route length); a booking from a to b splits the
-- legs at a and b and takes its seats on every leg in [a, b). The CHECK is the last word on
-- overselling: whatever the code does, no leg ever holds more seats than offered.
CREATE TABLE "rides"."trip_leg" (
    "trip_id" UUID NOT NULL,
    "from_m" INTEGER NOT NULL,
    "to_m" INTEGER NOT NULL,
    "seats" INTEGER NOT NULL,
    "seats_taken" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "trip_leg_pkey" PRIMARY KEY ("trip_id", "from_m"),
    CONSTRAINT "trip_leg_trip_id_fkey" FOREIGN KEY ("trip_id") REFERENCES "rides"."trip"("id"),
    CONSTRAINT "trip_leg_range_valid" CHECK ("from_m" >= 0 AND "from_m" < "to_m"),
    CONSTRAINT "trip_leg_never_oversold" CHECK ("seats_taken" >= 0 AND "seats_taken" <= "seats")
);

-- A booking. `state` follows the engine's machine (requested → confirmed → completed /
-- cancelled / no-show; requested → declined / expired / cancelled) plus `reserved`: seats
-- taken, the money hold not yet confirmed by settlement (the first step of the booking saga;
-- the recovery sweeper finishes or undoes it). `hold_state` says where the money is:
-- placing → held → releasing → released.
CREATE TABLE "rides"."booking" (
    "id" UUID NOT NULL,
    "trip_id" UUID NOT NULL,
    "rider" TEXT NOT NULL,
    "driver" TEXT NOT NULL,
    "booking_mode" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "hold_state" TEXT NOT NULL,
    "seats" INTEGER NOT NULL,
    "from_m" INTEGER NOT NULL,
    "to_m" INTEGER NOT NULL,
    "pickup" TEXT NOT NULL,
    "dropoff" TEXT NOT NULL,
    "pickup_at" TIMESTAMPTZ(3) NOT NULL,
    "dropoff_at" TIMESTAMPTZ(3) NOT NULL,
    "fare_per_seat_micro" BIGINT NOT NULL,
    "fare_micro" BIGINT NOT NULL,
    "fee_micro" BIGINT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "rule" TEXT,
    "rider_refund_micro" BIGINT,
    "driver_payout_micro" BIGINT,
    "platform_fee_micro" BIGINT,
    "cancelled_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "booking_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "booking_trip_id_fkey" FOREIGN KEY ("trip_id") REFERENCES "rides"."trip"("id"),
    CONSTRAINT "booking_state_known" CHECK ("state" IN ('reserved', 'requested', 'confirmed', 'completed', 'cancelled', 'expired', 'declined', 'no-show')),
    CONSTRAINT "booking_hold_state_known" CHECK ("hold_state" IN ('placing', 'held', 'releasing', 'released')),
    CONSTRAINT "booking_mode_known" CHECK ("booking_mode" IN ('instant', 'approval')),
    CONSTRAINT "booking_seats_positive" CHECK ("seats" > 0),
    CONSTRAINT "booking_range_valid" CHECK ("from_m" >= 0 AND "from_m" < "to_m"),
    CONSTRAINT "booking_money_non_negative" CHECK ("fare_micro" >= 0 AND "fee_micro" >= 0),
    CONSTRAINT "booking_split_adds_up" CHECK (
        "rule" IS NULL OR "rider_refund_micro" + "driver_payout_micro" + "platform_fee_micro" = "fare_micro" + "fee_micro")
);
CREATE INDEX "booking_trip_id_idx" ON "rides"."booking"("trip_id");
CREATE INDEX "booking_rider_idx" ON "rides"."booking"("rider", "created_at");
CREATE INDEX "booking_driver_idx" ON "rides"."booking"("driver", "created_at");
-- The sweepers look only at bookings between saga steps and at pending requests.
CREATE INDEX "booking_unsettled_idx" ON "rides"."booking"("updated_at") WHERE "hold_state" IN ('placing', 'releasing');
CREATE INDEX "booking_requested_expiry_idx" ON "rides"."booking"("expires_at") WHERE "state" = 'requested';

-- A driver who cancels a confirmed booking gets a mark on their reliability record.
CREATE TABLE "rides"."driver_mark" (
    "booking_id" UUID NOT NULL,
    "driver" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "driver_mark_pkey" PRIMARY KEY ("booking_id")
);
CREATE INDEX "driver_mark_driver_idx" ON "rides"."driver_mark"("driver");

CREATE TABLE "rides"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_seq_key" ON "rides"."outbox"("seq");

CREATE TABLE "rides"."processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer", "event_id")
);

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "rides" TO ampool_rides;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "rides" TO ampool_rides;

-- ---------------------------------------------------------------- settlement

-- Booking holds go to an escrow account (the same kind the energy market's order holds use).
ALTER TABLE "settlement"."account" DROP CONSTRAINT "account_kind_known";
ALTER TABLE "settlement"."account" ADD CONSTRAINT "account_kind_known"
    CHECK ("kind" IN ('participant', 'clearing', 'platform_fee', 'grid_operator', 'utility', 'escrow'));

-- One row per booking id. `held`: a pending transfer (payer → escrow) keeps fare + fee.
-- `released`: the hold was voided and the policy's split posted (payer → payee for the
-- driver's part, payer → platform for the fee; the refund is what stays with the payer). A
-- release that arrives before any hold leaves a `released` row with no transfer, so a late
-- or retried placement for that booking can never hold money again (no orphan holds).
CREATE TABLE "settlement"."booking_hold" (
    "booking_id" UUID NOT NULL,
    "state" TEXT NOT NULL,
    "transfer_id" UUID,
    "payer" TEXT NOT NULL,
    "payee" TEXT NOT NULL,
    "amount_micro" BIGINT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "release_hash" TEXT,
    "rule" TEXT,
    "payer_refund_micro" BIGINT,
    "payee_payout_micro" BIGINT,
    "platform_fee_micro" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),
    CONSTRAINT "booking_hold_pkey" PRIMARY KEY ("booking_id"),
    CONSTRAINT "booking_hold_transfer_id_fkey" FOREIGN KEY ("transfer_id") REFERENCES "settlement"."transfer"("id"),
    CONSTRAINT "booking_hold_state_known" CHECK ("state" IN ('held', 'released')),
    CONSTRAINT "booking_hold_amount_non_negative" CHECK ("amount_micro" >= 0),
    CONSTRAINT "booking_hold_held_has_transfer" CHECK ("state" <> 'held' OR "transfer_id" IS NOT NULL),
    CONSTRAINT "booking_hold_split_adds_up" CHECK (
        "state" <> 'released' OR "transfer_id" IS NULL
        OR "payer_refund_micro" + "payee_payout_micro" + "platform_fee_micro" = "amount_micro")
);
CREATE UNIQUE INDEX "booking_hold_transfer_id_key" ON "settlement"."booking_hold"("transfer_id");
CREATE INDEX "booking_hold_payer_idx" ON "settlement"."booking_hold"("payer");

GRANT SELECT, INSERT, UPDATE, DELETE ON "settlement"."booking_hold" TO ampool_settlement;
