import { z } from 'zod';
import { defineRpc } from '../contract';
import { uuidV7 } from '../wire/codecs';
import { tripLegStatus, tripLegProofsView } from './trip-proof';

/** A booking's leg as metering sees it: agreed points, proofs, status and verdict. Never changes anything. */
export const TripLegGet = defineRpc('rpc.metering.trip-leg.get', z.strictObject({ bookingId: uuidV7 }), z.strictObject({ leg: tripLegProofsView }));

/**
 * Judges a leg now, on the proofs it has, for a driver who reports a rider no-show: the rider
 * is absent when the driver's pick-up proof is there, the waiting time has passed, and the
 * rider has sent no proof. A verdict reached here is recorded and announced like any other.
 */
export const TripLegJudge = defineRpc(
  'rpc.metering.trip-leg.judge',
  z.strictObject({ bookingId: uuidV7, noShowClaimed: z.boolean().default(false) }),
  z.strictObject({ leg: tripLegProofsView }),
);

/** Legs by status (operators: open disputes first), oldest first, a page at a time. */
export const TripLegList = defineRpc(
  'rpc.metering.trip-leg.list',
  z.strictObject({ status: tripLegStatus.default('disputed'), after: uuidV7.optional(), limit: z.number().int().min(1).max(200).default(50) }),
  z.strictObject({ legs: z.array(tripLegProofsView), next: uuidV7.nullable() }),
);
