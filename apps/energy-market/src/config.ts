import { z } from 'zod';
import { intFromEnv, ledgerSubmitterEnv, serviceEnv } from '@ampool/config';

/** The energy market's environment. */
export const energyMarketConfig = z.object({
  ...serviceEnv,
  ...ledgerSubmitterEnv,
  /** Most commands one market journals and applies as one batch. */
  ENGINE_BATCH_MAX: intFromEnv(1, 2000, 1000),
  /** A market's state is snapshotted with every n-th batch (replay after a crash starts there). */
  SNAPSHOT_EVERY_BATCHES: intFromEnv(1, 100_000, 50),
  /** How often gate closures and closing calls are checked, in ms. */
  ENGINE_TICK_MS: intFromEnv(50, 60_000, 500),
  /**
   * An area lease not renewed for this long expires (ms): after its writer dies, an area waits
   * at most this long (plus one renewal round) for another instance to take it over.
   */
  AREA_LEASE_TTL_MS: intFromEnv(1_000, 600_000, 5_000),
  /** How often area leases are renewed and free areas looked for (ms); well under the TTL. */
  AREA_LEASE_RENEW_MS: intFromEnv(100, 60_000, 1_000),
  /** How often standing policies are evaluated into orders, in ms. */
  POLICY_EVAL_MS: intFromEnv(100, 3_600_000, 5_000),
});
export type EnergyMarketConfig = z.output<typeof energyMarketConfig>;
