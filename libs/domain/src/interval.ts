/**
 * Delivery intervals are aligned to the UTC epoch: an interval of length L starts at
 * floor(t / L) * L. Every service derives interval boundaries from these functions so that
 * markets, metering and settlement always agree on which interval a moment belongs to.
 */

/** Interval lengths a market may use, in minutes. */
export const INTERVAL_LENGTHS_MINUTES = [5, 15, 30, 60] as const;
export type IntervalLengthMinutes = (typeof INTERVAL_LENGTHS_MINUTES)[number];
export const DEFAULT_INTERVAL_MINUTES: IntervalLengthMinutes = 15;

const MS_PER_MINUTE = 60_000;

/** True when `minutes` is one of the supported interval lengths. */
export function isIntervalLength(minutes: number): minutes is IntervalLengthMinutes {
  return (INTERVAL_LENGTHS_MINUTES as readonly number[]).includes(minutes);
}

/** Start (epoch ms) of the interval of length `minutes` that contains `atMs`. */
export function intervalStartMs(atMs: number, minutes: IntervalLengthMinutes = DEFAULT_INTERVAL_MINUTES): number {
  const length = minutes * MS_PER_MINUTE;
  return Math.floor(atMs / length) * length;
}

/** Start (epoch ms) of the interval after the one that contains `atMs`. */
export function nextIntervalStartMs(atMs: number, minutes: IntervalLengthMinutes = DEFAULT_INTERVAL_MINUTES): number {
  return intervalStartMs(atMs, minutes) + minutes * MS_PER_MINUTE;
}

/** True when `startMs` is exactly on an interval boundary for that length. */
export function isIntervalAligned(startMs: number, minutes: IntervalLengthMinutes = DEFAULT_INTERVAL_MINUTES): boolean {
  return Number.isInteger(startMs) && startMs % (minutes * MS_PER_MINUTE) === 0;
}
