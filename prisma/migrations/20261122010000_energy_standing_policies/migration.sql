-- Standing policies: "sell what my battery holds above R% at no less than P", "buy up to Q Wh
-- when the price is below P". The market evaluates each active policy for the upcoming
-- intervals and places ordinary orders with ids derived from (policy, interval), so an
-- evaluation repeated after a restart places nothing twice. `spec` is the policy's JSON.
CREATE TABLE "energy"."standing_policy" (
    "id" UUID NOT NULL,
    "participant" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "standing_policy_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "standing_policy_kind_known" CHECK ("kind" IN ('sell-surplus', 'buy-below'))
);
CREATE INDEX "standing_policy_participant_idx" ON "energy"."standing_policy"("participant");
