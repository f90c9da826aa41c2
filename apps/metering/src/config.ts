import { z } from 'zod';
import { intFromEnv, serviceEnv } from '@ampool/config';

/** The metering service's environment. */
export const meteringConfig = z.object({
  ...serviceEnv,
  /** Delivery interval length, minutes: the markets' (5, 15, 30 or 60). */
  INTERVAL_MINUTES: z.enum(['5', '15', '30', '60'], { error: 'must be 5, 15, 30 or 60' }).default('15').transform(Number),
  /** How long after an interval's end, without a reading after it, the interval is finalized as estimated. */
  ESTIMATE_AFTER_MINUTES: intFromEnv(1, 24 * 60, 30),
  /** How often silent devices are looked at for estimation. */
  SWEEP_SECONDS: intFromEnv(1, 3_600, 60),
});
export type MeteringConfig = z.output<typeof meteringConfig>;

export const METERING_CONFIG = Symbol('METERING_CONFIG');
