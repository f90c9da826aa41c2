-- Participants the energy market must not accept orders from, as identity announced them.
-- Kept locally so the check and the cancellation of open orders serialise on one lock.
CREATE TABLE "energy"."participant_block" (
    "did" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "participant_block_pkey" PRIMARY KEY ("did"),
    CONSTRAINT "participant_block_status_known" CHECK ("status" IN ('suspended', 'revoked'))
);
