import { z } from 'zod';
import { didKey, instant, text, uuidV7 } from '../wire/codecs';
import { ed25519Signature } from '../identity/participant-register.contract';

/**
 * Shared shapes of trip proofs: the driver and the rider of a booking each sign a pick-up and
 * a drop-off confirmation (when, where) with a key registered to them (their own key or one of
 * their devices). Positions are integer micro-degrees; the bytes signed are the metering
 * engine's `tripProofSigningBytes` (`ampool/trip-proof/v1\n` + canonical JSON).
 */

export const tripRole = z.enum(['driver', 'rider']);
export const tripEvent = z.enum(['pickup', 'dropoff']);
/** Latitude in micro-degrees. */
export const latE6 = z.number().int().min(-90_000_000).max(90_000_000);
/** Longitude in micro-degrees. */
export const lonE6 = z.number().int().min(-180_000_000).max(180_000_000);

/** Where and when a booking agreed the pick-up or the drop-off. */
export const agreedPoint = z.strictObject({ latE6, lonE6, at: instant });

/**
 * Where a leg stands: `open` (waiting for proofs), `proven` (both drop-offs agree: the driver
 * is paid), `rider-absent` (the driver was at the pick-up and the rider never confirmed),
 * `disputed` (for an operator), `resolved` (an operator or the dispute timeout decided), `void`
 * (the booking was cancelled before any verdict).
 */
export const tripLegStatus = z.enum(['open', 'proven', 'rider-absent', 'disputed', 'resolved', 'void']);
export type TripLegStatus = z.output<typeof tripLegStatus>;

/** What ends a dispute: the ride happened, the rider did not show up, or the rider is refunded. */
export const disputeOutcome = z.enum(['completed', 'rider-no-show', 'refund']);
export type DisputeOutcome = z.output<typeof disputeOutcome>;

/** The French carpool proof register's classes: A the match only, B one occupant's trip, C all occupants'. */
export const proofClass = z.enum(['A', 'B', 'C']);

/** How far apart the two parties' proofs of one event are. */
export const proofAgreement = z.strictObject({ distanceM: z.number().nonnegative(), timeDeltaS: z.number().nonnegative() });

export const tripProofView = z.strictObject({
  role: tripRole,
  event: tripEvent,
  signer: didKey,
  at: instant,
  latE6,
  lonE6,
  signature: ed25519Signature,
  receivedAt: instant,
});

export const tripLegProofsView = z.strictObject({
  bookingId: uuidV7,
  tripId: uuidV7,
  driver: didKey,
  rider: didKey,
  pickup: agreedPoint,
  dropoff: agreedPoint,
  status: tripLegStatus,
  /** Why the leg is disputed (the engine's codes), empty otherwise. */
  codes: z.array(z.string().max(64)).max(32),
  proofClass,
  proofs: z.array(tripProofView).max(4),
  /** When a leg still missing proofs is judged on what it has. */
  deadlineAt: instant,
  /** When an unresolved dispute falls back to the documented default. */
  disputeDeadlineAt: instant.nullable(),
  resolution: z
    .strictObject({ outcome: disputeOutcome, by: z.enum(['operator', 'timeout']), operator: z.string().max(128).nullable(), note: text(500), at: instant })
    .nullable(),
  decidedAt: instant.nullable(),
});
export type TripLegProofsView = z.output<typeof tripLegProofsView>;
