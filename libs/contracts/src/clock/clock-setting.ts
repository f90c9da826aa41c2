import { z } from 'zod';

/**
 * Simulated time shared by every service (demo and load runs only): one JetStream key-value
 * entry that the simulator writes and services with `CLOCK=shared` watch. See `Clock` in
 * @ampool/domain for how a setting turns into "now".
 */
export const CLOCK_BUCKET = 'AMPOOL_CLOCK';
export const CLOCK_KEY = 'setting';

export const clockSetting = z.strictObject({
  simAtMs: z.number().int().nonnegative(),
  realAtMs: z.number().int().nonnegative(),
  /** Simulated ms per real ms; 0 stands still until the next setting. */
  rate: z.number().nonnegative().max(1_000_000),
});
