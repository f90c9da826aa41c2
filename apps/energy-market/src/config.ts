import { z } from 'zod';
import { intFromEnv, serviceEnv } from '@ampool/config';

/** The energy market's environment. */
export const energyMarketConfig = z.object({
  ...serviceEnv,
  /** How far ahead of its start an interval may be traded, in hours. */
  TRADING_HORIZON_HOURS: intFromEnv(1, 24 * 14, 48),
});
export type EnergyMarketConfig = z.output<typeof energyMarketConfig>;
