import { z } from 'zod';
import { didKey, instant, int64, nonNegativeInt64 } from '../wire/codecs';

/** A cumulative register reading as a device reports it. */
export const meterReadingWire = z.strictObject({
  at: instant,
  importWh: nonNegativeInt64,
  exportWh: nonNegativeInt64,
  /** A battery's state of charge, Wh. */
  socWh: nonNegativeInt64.optional(),
});

/** Interval quality: measured, estimated (no reading after the end in time), or anomalous. */
export const intervalQuality = z.enum(['measured', 'estimated', 'anomalous']);

/** An anomaly code of the metering engine. */
export const meteringAnomalyCode = z.enum([
  'REGISTER_BACKWARDS',
  'ABOVE_RATING',
  'GAP',
  'CLOCK_SKEW',
  'TOO_OLD',
  'CONFLICTING_DUPLICATE',
  'NOT_REGISTERED_FOR_INTERVAL',
  'BAD_SIGNATURE',
]);

/** A device's energy over one delivery interval: a fact settlement pays on. */
export const intervalView = z.strictObject({
  device: didKey,
  intervalStart: instant,
  intervalMinutes: z.number().int(),
  /** Signed: a register that ran backwards gives a negative, flagged difference, never hidden. */
  importWh: int64,
  exportWh: int64,
  quality: intervalQuality,
  estimated: z.boolean(),
  anomalies: z.array(meteringAnomalyCode),
  socEndWh: nonNegativeInt64.nullable(),
  /** 0 for the first finalization, then one more for each explicit correction. */
  revision: z.number().int().nonnegative(),
  finalizedAt: instant,
});
export type IntervalView = z.output<typeof intervalView>;
