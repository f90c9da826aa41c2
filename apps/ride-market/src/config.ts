import { z } from 'zod';
import { intFromEnv, serviceEnv } from '@ampool/config';
import type { CancellationPolicy } from '@ampool/matching';

/** The ride-market service's environment. */
export const ridesConfig = z.object({
  ...serviceEnv,
  /** Road distance ÷ great-circle distance for the drivers' detours (1 – 3). */
  ROAD_FACTOR: z
    .string()
    .default('1.3')
    .refine((s) => /^[0-9]+(\.[0-9]+)?$/.test(s), 'must be a decimal number')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 3, 'must be between 1 and 3'),
  /** H3 resolution of the search index (7 – 10). */
  H3_RESOLUTION: intFromEnv(7, 10, 8),
  /**
   * How often each instance reads the trips changed in the database into its search index: a
   * trip published, changed or booked through another instance shows in this instance's search
   * results after at most about this long (plus one database read); its own writes at once.
   */
  INDEX_REFRESH_MS: intFromEnv(20, 60_000, 250),
  /** Service fee on top of the fare, basis points of the fare. */
  SERVICE_FEE_BPS: intFromEnv(0, 10_000, 1_000),
  /** A rider who cancels more than this before the pickup gets the fare back (not the fee). */
  FREE_CANCELLATION_HOURS: intFromEnv(0, 24 * 30, 24),
  /** Share of the fare the driver keeps on a later rider cancellation, basis points. */
  LATE_CANCELLATION_DRIVER_SHARE_BPS: intFromEnv(0, 10_000, 5_000),
  /** An approval request the driver does not answer expires after this (or at departure). */
  APPROVAL_TIMEOUT_MINUTES: intFromEnv(1, 7 * 24 * 60, 12 * 60),
  /** How often the recovery sweeper finishes interrupted bookings and expires unanswered requests. */
  SWEEP_SECONDS: intFromEnv(1, 3_600, 5),
  /** Most bookings handled in one database transaction and one settlement request. */
  BOOKING_BATCH_MAX: intFromEnv(1, 256, 128),
});
export type RideMarketConfig = z.output<typeof ridesConfig>;

export const RIDES_CONFIG = Symbol('RIDES_CONFIG');

/** The cancellation policy the configuration publishes. */
export function policyOf(config: RideMarketConfig): CancellationPolicy {
  return {
    serviceFeeBps: config.SERVICE_FEE_BPS,
    freeCancellationNoticeMs: config.FREE_CANCELLATION_HOURS * 3_600_000,
    lateCancellationDriverShareBps: config.LATE_CANCELLATION_DRIVER_SHARE_BPS,
    approvalTimeoutMs: config.APPROVAL_TIMEOUT_MINUTES * 60_000,
  };
}
