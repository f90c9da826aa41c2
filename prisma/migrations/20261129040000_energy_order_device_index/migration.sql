-- A battery's sells across intervals are summed when a new sell is checked against its charge.
CREATE INDEX "order_device_interval_idx" ON "energy"."order" ("device", "interval_start") WHERE "device" IS NOT NULL;
