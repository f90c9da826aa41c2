import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant, uuidV7 } from '../wire/codecs';
import { ed25519Signature } from '../identity/participant-register.contract';
import { latE6, lonE6, tripEvent, tripLegProofsView, tripRole } from './trip-proof';

/**
 * A driver's or rider's signed confirmation of a pick-up or a drop-off. `submittedBy` is the
 * participant who sent it (the gateway fills it from the signed request) and must be the
 * booking's party for `role`; `signer` is the key that signed the proof, which must be that
 * party's own active key or the active key of one of its active devices. Idempotent: the same
 * proof again answers `duplicate: true` and changes nothing. Refusals: TRIP_LEG_UNKNOWN,
 * TRIP_PROOF_WRONG_PARTY, PROOF_INVALID (signature), TRIP_PROOF_TOO_FAR, TRIP_PROOF_OFF_TIME,
 * TRIP_PROOF_OUT_OF_ORDER, TRIP_PROOF_CONFLICT, TRIP_LEG_DECIDED, KEY_UNKNOWN, KEY_REVOKED.
 */
export const TripProofSubmit = defineRpc(
  'rpc.metering.trip-proof.submit',
  z.strictObject({
    bookingId: uuidV7,
    submittedBy: didKey,
    role: tripRole,
    event: tripEvent,
    signer: didKey,
    at: instant,
    latE6,
    lonE6,
    signature: ed25519Signature,
  }),
  z.strictObject({ duplicate: z.boolean(), leg: tripLegProofsView }),
);
