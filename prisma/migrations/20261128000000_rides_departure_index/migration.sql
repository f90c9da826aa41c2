-- The operator's map reads published trips by departure time.
CREATE INDEX "trip_departure_idx" ON "rides"."trip" ("departure_at") WHERE "status" = 'published';
