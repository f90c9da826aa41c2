import { z } from 'zod';
import { defineRpc } from '../contract';

/** Services that answer `rpc.<service>.health`. */
export const SERVICES = ['identity', 'energy', 'rides', 'metering', 'settlement', 'ledger', 'simulator'] as const;
export type ServiceName = (typeof SERVICES)[number];

const checkState = z.enum(['up', 'down']);

/** A service's own view of itself: each dependency checked now, not cached. */
export const healthReport = z.strictObject({
  service: z.enum(SERVICES),
  instance: z.string(),
  status: checkState,
  checks: z.record(z.string(), checkState),
  version: z.string(),
  uptimeMs: z.number().int().nonnegative(),
});
export type HealthReport = z.output<typeof healthReport>;

/** `rpc.<service>.health`: one contract per service subject, all with the same payloads. */
export const Health = Object.fromEntries(
  SERVICES.map((s) => [s, defineRpc(`rpc.${s}.health`, z.strictObject({}), healthReport)]),
) as { [S in ServiceName]: ReturnType<typeof defineRpc<z.ZodObject<{}, z.core.$strict>, typeof healthReport>> };
