import { z } from 'zod';
import { defineRpc } from '../contract';
import { participantStatus } from '../identity/participant';
import { didKey } from '../wire/codecs';

/**
 * Instances of the energy market share areas by leases in this JetStream key-value bucket:
 * `area.<area id>` names the one instance that writes that area's markets, and
 * `instance.<instance id>` is each live instance's heartbeat.
 */
export const ENERGY_LEASE_BUCKET = 'ENERGY_LEASES';

/** Prefix of the per-area subjects (see `energyAreaSubject`). */
export const ENERGY_AREA_SUBJECT_PREFIX = 'rpc.energy.area';

/**
 * Where the instance holding an area's lease answers the requests other instances pass on to
 * it: energy RPCs whose outcome depends on that area's markets in memory (orders, cancels,
 * depth). Only the lease holder subscribes, so a request finds no responder while the area
 * has no writer.
 */
export function energyAreaSubject(areaId: string): string {
  return `${ENERGY_AREA_SUBJECT_PREFIX}.${areaId}`;
}

/** A request passed on to an area's writer: the public RPC it is, and its request as sent. */
export const areaForward = z.strictObject({ subject: z.string().regex(/^rpc\.energy\.[a-z.-]+$/), request: z.unknown() });
export type AreaForward = z.output<typeof areaForward>;

/**
 * Sent only to an area's writer (through `energyAreaSubject`): a participant's status changed.
 * Suspended or revoked: its open orders in that area's markets are cancelled and new ones
 * refused; active again: its orders are accepted again.
 */
export const AreaParticipantStatus = defineRpc(
  'rpc.energy.lease.participant-status',
  z.strictObject({ area: z.string(), did: didKey, to: participantStatus }),
  z.strictObject({ cancelled: z.number().int().nonnegative() }),
);
