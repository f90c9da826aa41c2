import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, text, uuidV7 } from '../wire/codecs';
import { disputeOutcome, proofAgreement, proofClass } from './trip-proof';

const legFact = { bookingId: uuidV7, tripId: uuidV7, driver: didKey, rider: didKey, proofClass, at: instant };

/** Both parties' drop-off proofs agree (and the pick-ups, when both exist): the ride happened. */
export const TripLegProven = defineEvent(
  'evt.metering.trip-leg.proven.v1',
  z.strictObject({ ...legFact, dropoff: proofAgreement, pickup: proofAgreement.nullable() }),
);

/** The driver proved being at the pick-up; the rider sent no proof within the waiting time. */
export const TripLegRiderAbsent = defineEvent(
  'evt.metering.trip-leg.rider-absent.v1',
  z.strictObject({ ...legFact, driverPickupAt: instant }),
);

/** The proofs conflict or are missing: the hold stays until an operator or the dispute timeout decides. */
export const TripLegDisputed = defineEvent(
  'evt.metering.trip-leg.disputed.v1',
  z.strictObject({ ...legFact, codes: z.array(z.string().max(64)).max(32), disputeDeadlineAt: instant }),
);

/** A dispute ended: by an operator, or by the timeout's default (refund). */
export const TripLegResolved = defineEvent(
  'evt.metering.trip-leg.resolved.v1',
  z.strictObject({ ...legFact, outcome: disputeOutcome, by: z.enum(['operator', 'timeout']), operator: z.string().max(128).nullable(), note: text(500) }),
);
