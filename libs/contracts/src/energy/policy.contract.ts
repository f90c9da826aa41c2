import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant, positiveInt64, uuidV7, zoneId } from '../wire/codecs';

/**
 * A standing policy, for households that do not trade by hand. The platform evaluates it for
 * each upcoming interval and places an ordinary order (same checks as any other):
 * - `sell-surplus`: sell what the battery holds above `abovePercent` of its capacity (never
 *   below its reserve), at no less than `minPriceMicroPerKwh`;
 * - `buy-below`: buy up to `quantityWh` when the price is at most `maxPriceMicroPerKwh`.
 */
export const standingPolicy = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sell-surplus'), zone: zoneId, device: didKey, abovePercent: z.number().int().min(0).max(100), minPriceMicroPerKwh: positiveInt64 }),
  z.strictObject({ kind: z.literal('buy-below'), zone: zoneId, quantityWh: positiveInt64, maxPriceMicroPerKwh: positiveInt64 }),
]);
export type StandingPolicy = z.output<typeof standingPolicy>;

export const policyView = z.strictObject({ id: uuidV7, participant: didKey, policy: standingPolicy, active: z.boolean(), createdAt: instant });
export type PolicyView = z.output<typeof policyView>;

/** Creates a standing policy (client-chosen id; the same id and body again answers the same). */
export const PolicySet = defineRpc('rpc.energy.policy.set', z.strictObject({ id: uuidV7, participant: didKey, policy: standingPolicy }), z.strictObject({ policy: policyView }));

/** A participant's standing policies. */
export const PolicyList = defineRpc('rpc.energy.policy.list', z.strictObject({ participant: didKey }), z.strictObject({ policies: z.array(policyView).max(100) }));

/** Stops a standing policy (orders it already placed stay; cancel them as any order). */
export const PolicyStop = defineRpc('rpc.energy.policy.stop', z.strictObject({ id: uuidV7, participant: didKey }), z.strictObject({ policy: policyView }));
