import { z } from 'zod';
import { intFromEnv, ledgerSubmitterEnv, serviceEnv } from '@ampool/config';

/** Settlement's environment. */
export const settlementConfig = z.object({
  ...serviceEnv,
  ...ledgerSubmitterEnv,
  /** How often pending transfers past their timeout are voided. */
  TIMEOUT_SWEEP_MS: intFromEnv(50, 600_000, 1_000),
  /** The platform's fee on what a seller earns, basis points. */
  PLATFORM_FEE_BPS: intFromEnv(0, 10_000, 100),
  /**
   * The grid operator's fee, µ-currency per kWh delivered. Until the market quotes grid fees
   * on trades, the trade price is the delivered price and this part of it goes to the grid operator.
   */
  GRID_FEE_MICRO_PER_KWH: intFromEnv(0, 10_000_000, 10_000),
  /** The utility's retail price, µ-currency per kWh: what a seller's shortfall costs at most. */
  RETAIL_MICRO_PER_KWH: intFromEnv(0, 100_000_000, 300_000),
  /** An estimated or anomalous interval settles as not delivered this long after it ends. */
  UNPROVEN_TIMEOUT_MS: intFromEnv(0, 30 * 86_400_000, 48 * 3_600_000),
  /** How often intervals whose settlement waits (for proof, or for a hold) are looked at again. */
  DELIVERY_SWEEP_MS: intFromEnv(50, 600_000, 2_000),
  /** A recorded trade whose hold has not appeared after this long (real time) settles as unfunded. */
  HOLD_WAIT_MS: intFromEnv(1_000, 86_400_000, 600_000),
  /** `on`: once a (business-time) day is over, pay each participant its net for the day (one payout each). */
  DAILY_PAYOUTS: z.enum(['on', 'off']).default('off'),
});
export type SettlementConfig = z.output<typeof settlementConfig>;

export const SETTLEMENT_CONFIG = Symbol('SETTLEMENT_CONFIG');
