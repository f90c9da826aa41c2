import { z } from 'zod';
import { intFromEnv, serviceEnv } from '@ampool/config';
import type { TripJudgeRules } from '@ampool/metering';

/** The metering service's environment. */
export const meteringConfig = z.object({
  ...serviceEnv,
  /** Delivery interval length, minutes: the markets' (5, 15, 30 or 60). */
  INTERVAL_MINUTES: z.enum(['5', '15', '30', '60'], { error: 'must be 5, 15, 30 or 60' }).default('15').transform(Number),
  /** How long after an interval's end, without a reading after it, the interval is finalized as estimated. */
  ESTIMATE_AFTER_MINUTES: intFromEnv(1, 24 * 60, 30),
  /** How often silent devices are looked at for estimation. */
  SWEEP_SECONDS: intFromEnv(1, 3_600, 60),
  // Trip proofs (docs/trip-proofs.md).
  /** How far from the agreed meeting point a pick-up or drop-off proof may be, metres. */
  TRIP_POINT_TOLERANCE_M: intFromEnv(10, 50_000, 500),
  /** How far apart the driver's and the rider's proofs of one event may be, metres. */
  TRIP_PARTIES_DISTANCE_M: intFromEnv(10, 50_000, 200),
  /** How far apart the driver's and the rider's proofs of one event may be, seconds. */
  TRIP_PARTIES_TIME_SECONDS: intFromEnv(10, 86_400, 300),
  /** How long before the agreed time a proof may be, minutes. */
  TRIP_EARLY_MINUTES: intFromEnv(0, 24 * 60, 30),
  /** How long after the agreed time a proof may be, minutes. */
  TRIP_LATE_MINUTES: intFromEnv(0, 7 * 24 * 60, 120),
  /** How far ahead of now a proof's time may be (device clocks), seconds. */
  TRIP_CLOCK_SKEW_SECONDS: intFromEnv(0, 7 * 86_400, 120),
  /** How long a driver waits at the pick-up before the rider counts as absent, seconds. */
  TRIP_NO_SHOW_WAIT_SECONDS: intFromEnv(0, 86_400, 900),
  /** How long after the agreed drop-off the parties have to send their proofs, seconds. */
  TRIP_PROOF_WINDOW_SECONDS: intFromEnv(0, 30 * 86_400, 7_200),
  /** How long a dispute waits for an operator before its default (refund) applies, seconds. */
  TRIP_DISPUTE_TIMEOUT_SECONDS: intFromEnv(1, 90 * 86_400, 72 * 3_600),
  /** How often legs past their deadline and disputes past their timeout are looked at, seconds. */
  TRIP_SWEEP_SECONDS: intFromEnv(1, 3_600, 30),
});
export type MeteringConfig = z.output<typeof meteringConfig>;

export const METERING_CONFIG = Symbol('METERING_CONFIG');

/** The trip-proof rules the configuration publishes. */
export function tripJudgeRulesOf(config: MeteringConfig): TripJudgeRules {
  return {
    tolerances: { distanceM: config.TRIP_PARTIES_DISTANCE_M, timeS: config.TRIP_PARTIES_TIME_SECONDS },
    agreedDistanceM: config.TRIP_POINT_TOLERANCE_M,
    agreedEarlyMs: config.TRIP_EARLY_MINUTES * 60_000,
    agreedLateMs: config.TRIP_LATE_MINUTES * 60_000,
    clockSkewMs: config.TRIP_CLOCK_SKEW_SECONDS * 1_000,
    noShowWaitMs: config.TRIP_NO_SHOW_WAIT_SECONDS * 1_000,
    proofWindowMs: config.TRIP_PROOF_WINDOW_SECONDS * 1_000,
  };
}
