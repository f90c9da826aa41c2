import { z } from 'zod';
import { defineRpc } from '../contract';
import { text, uuidV7 } from '../wire/codecs';
import { disputeOutcome, tripLegProofsView } from './trip-proof';

/**
 * An operator ends a disputed leg: `completed` (the driver is paid), `rider-no-show` (the
 * no-show rule of the policy), or `refund` (the rider gets fare and fee back). Only a
 * `disputed` leg can be resolved (TRIP_DISPUTE_NOT_OPEN otherwise); the same resolution again
 * answers the leg unchanged.
 */
export const TripDisputeResolve = defineRpc(
  'rpc.metering.trip-dispute.resolve',
  z.strictObject({ bookingId: uuidV7, outcome: disputeOutcome, operator: z.string().min(1).max(128), note: text(500).default('') }),
  z.strictObject({ leg: tripLegProofsView }),
);
