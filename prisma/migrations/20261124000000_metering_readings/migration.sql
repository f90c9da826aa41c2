-- Metering: signed uploads kept for proof, readings by (device, time), finalized intervals as
-- insert-only facts (a correction is a new revision, never an update), anomalies, and a cursor
-- per device saying where finalization continues.

CREATE TABLE "metering"."batch" (
    "id" UUID NOT NULL,
    "device" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "signature" BYTEA NOT NULL,
    "payload_sha256" TEXT NOT NULL,
    "reading_count" INTEGER NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "batch_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "batch_kind_known" CHECK ("kind" IN ('readings', 'telegram'))
);
CREATE INDEX "batch_device_idx" ON "metering"."batch"("device");

CREATE TABLE "metering"."reading" (
    "device" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "import_wh" BIGINT NOT NULL,
    "export_wh" BIGINT NOT NULL,
    "soc_wh" BIGINT,
    "batch_id" UUID NOT NULL,
    CONSTRAINT "reading_pkey" PRIMARY KEY ("device", "at"),
    CONSTRAINT "reading_registers_non_negative" CHECK ("import_wh" >= 0 AND "export_wh" >= 0 AND ("soc_wh" IS NULL OR "soc_wh" >= 0))
);

CREATE TABLE "metering"."interval" (
    "device" TEXT NOT NULL,
    "interval_minutes" INTEGER NOT NULL,
    "interval_start" TIMESTAMPTZ(3) NOT NULL,
    "revision" INTEGER NOT NULL,
    "import_wh" BIGINT NOT NULL,
    "export_wh" BIGINT NOT NULL,
    "quality" TEXT NOT NULL,
    "estimated" BOOLEAN NOT NULL,
    "anomalies" TEXT[],
    "soc_end_wh" BIGINT,
    "finalized_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "interval_pkey" PRIMARY KEY ("device", "interval_minutes", "interval_start", "revision"),
    CONSTRAINT "interval_quality_known" CHECK ("quality" IN ('measured', 'estimated', 'anomalous')),
    CONSTRAINT "interval_minutes_known" CHECK ("interval_minutes" IN (5, 15, 30, 60))
);

CREATE TABLE "metering"."device_cursor" (
    "device" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "pending_from" TIMESTAMPTZ(3),
    "last_reading_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "device_cursor_pkey" PRIMARY KEY ("device")
);
CREATE INDEX "device_cursor_pending_from_idx" ON "metering"."device_cursor"("pending_from");

CREATE TABLE "metering"."anomaly" (
    "id" UUID NOT NULL,
    "device" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "from_at" TIMESTAMPTZ(3) NOT NULL,
    "to_at" TIMESTAMPTZ(3) NOT NULL,
    "details" TEXT NOT NULL,
    "raised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "anomaly_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "anomaly_device_code_from_at_to_at_key" ON "metering"."anomaly"("device", "code", "from_at", "to_at");
CREATE INDEX "anomaly_raised_at_idx" ON "metering"."anomaly"("raised_at");

CREATE TABLE "metering"."outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "outbox_seq_key" ON "metering"."outbox"("seq");

-- Finalized intervals and the signed uploads behind them are facts: insert-only.
REVOKE UPDATE, DELETE ON "metering"."interval", "metering"."batch" FROM ampool_metering;
