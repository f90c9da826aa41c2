/**
 * Interval energy: per delivery interval, the import and export energy of one device, as the
 * difference of its cumulative registers across the interval's boundaries.
 *
 * Boundaries are aligned as the markets align them (`@ampool/domain`: floor(t / L) × L). The
 * register value AT a boundary b is interpolated linearly between the two readings that
 * straddle it (or is the reading itself when one lies exactly on b), computed exactly as a
 * fraction of bigints and rounded to a whole Wh half to even:
 *
 *     R(b) = round½even( (R₀·(t₁ − t₀) + (R₁ − R₀)·(b − t₀)) / (t₁ − t₀) )
 *
 * and an interval's energy is R(end) − R(start). Because every interval uses the same rounded
 * value for a shared boundary, the energies of any run of intervals add up exactly to
 * R(last boundary) − R(first boundary): interpolation neither creates nor loses a watt-hour.
 *
 * Finalization: an interval is final when a reading at or after its end exists (`measured`),
 * or, with none, once `nowMs` is `estimateAfterMs` past its end (`estimated`, see
 * {@link computeIntervalEnergy}). Any anomaly touching it makes it `anomalous`. Intervals
 * before the first reading, and intervals not yet final, are not returned.
 */
import { divRoundHalfEven, isIntervalLength, intervalStartMs, type IntervalLengthMinutes } from '@ampool/domain';
import {
  ANOMALY_CODES,
  AnomalyCode,
  DEFAULT_ANOMALY_POLICY,
  anomalyTouches,
  isAboveRatingEnergy,
  registrationAnomaly,
  screenReadings,
  segmentAnomalies,
  type Anomaly,
  type AnomalyPolicy,
  type DeviceFacts,
} from './anomalies';
import { readingProblem, type MeterReading } from './meter-reading';
import { fail, ok, type Result } from './metering-result';

/** How far an interval's figures can be trusted. */
export type IntervalQuality = 'measured' | 'estimated' | 'anomalous';

/** Both registers at one instant, Wh. */
export interface RegisterValues {
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

/** The energy of one device in one delivery interval. */
export interface IntervalEnergy {
  /** Interval start, epoch ms (aligned). */
  readonly startMs: number;
  /** Interval end (= start of the next), epoch ms. */
  readonly endMs: number;
  /** Energy drawn from the grid in the interval, Wh: `endRegisters.importWh − startRegisters.importWh`. */
  readonly importWh: bigint;
  /** Energy fed into the grid in the interval, Wh. */
  readonly exportWh: bigint;
  /** `anomalous` if any anomaly touches the interval, else `estimated` if `estimated`, else `measured`. */
  readonly quality: IntervalQuality;
  /** True when the end boundary (and maybe the start) was extrapolated past the last reading. */
  readonly estimated: boolean;
  /** Codes of the anomalies touching the interval, in canonical order, each once. */
  readonly anomalies: readonly AnomalyCode[];
  /** Rounded register values at the start boundary. */
  readonly startRegisters: RegisterValues;
  /** Rounded register values at the end boundary. */
  readonly endRegisters: RegisterValues;
  /** Battery state of charge at the end boundary (interpolated, rounded), when both straddling readings carry one. */
  readonly socEndWh?: bigint;
}

/** Options of {@link computeIntervalEnergy}; the anomaly thresholds default to {@link DEFAULT_ANOMALY_POLICY}. */
export interface IntervalEnergyOptions extends Partial<AnomalyPolicy> {
  /** Interval length of the market, minutes (5, 15, 30 or 60). */
  readonly intervalMinutes: IntervalLengthMinutes;
  /** The caller's clock, epoch ms: the engine never reads one. */
  readonly nowMs: number;
  /** How long after an interval's end, with no reading at or after it, the interval is estimated. Default 30 min. */
  readonly estimateAfterMs?: number;
}

/** Default {@link IntervalEnergyOptions.estimateAfterMs}: half an hour of silence. */
export const DEFAULT_ESTIMATE_AFTER_MS = 30 * 60_000;
/** Most readings one call accepts: 29 days of a reading every 10 s. */
export const MAX_READINGS_PER_CALL = 250_000;
/** Most intervals one call returns: about 35 days of 5-minute intervals. */
export const MAX_INTERVALS_PER_CALL = 10_000;

/** Why {@link computeIntervalEnergy} refused its input. */
export const IntervalEnergyErrorCode = {
  /** A reading has a non-integer or out-of-range timestamp, or a register that is not a bigint in 0..2^63 − 1. */
  INVALID_READING: 'INVALID_READING',
  /** An option or a device fact is out of range. */
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  /** More than {@link MAX_READINGS_PER_CALL} readings. */
  TOO_MANY_READINGS: 'TOO_MANY_READINGS',
  /** The final intervals would number more than {@link MAX_INTERVALS_PER_CALL}; ask for a shorter window. */
  TOO_MANY_INTERVALS: 'TOO_MANY_INTERVALS',
} as const;

/** One of the {@link IntervalEnergyErrorCode} values. */
export type IntervalEnergyErrorCode = (typeof IntervalEnergyErrorCode)[keyof typeof IntervalEnergyErrorCode];

/** Everything {@link computeIntervalEnergy} found. */
export interface IntervalEnergyReport {
  /** Final intervals, consecutive, in time order. */
  readonly intervals: readonly IntervalEnergy[];
  /** Every anomaly found in the readings, including those touching no returned interval. */
  readonly anomalies: readonly Anomaly[];
  /** Start of the first interval not yet final (after the last returned one); absent without usable readings. */
  readonly pendingFromMs?: number;
  /** Readings used after sorting, merging duplicates and setting aside anomalous ones. */
  readonly readingsUsed: number;
}

const MS_PER_HOUR = 3_600_000n;

/**
 * The final intervals of one device from its cumulative readings (in any order; exact
 * duplicates are merged, see `screenReadings` for what is set aside).
 *
 * Estimation: past the last reading, a boundary is extrapolated from the last reading at the
 * average rate between the last reading and the latest reading at least one interval length
 * before it (or the first reading, if none is that old) — one interval of history rather than
 * the last two readings, which a few seconds apart would turn one register tick into a wild
 * rate. The rate is never negative and never above the device's rating. With a single reading
 * the rate is zero. Estimated intervals are flagged `estimated`; one whose end lies more than
 * `maxGapIntervals` interval lengths after the last reading is also a GAP.
 */
export function computeIntervalEnergy(
  readings: readonly MeterReading[],
  device: DeviceFacts,
  options: IntervalEnergyOptions,
): Result<IntervalEnergyReport, IntervalEnergyErrorCode> {
  const optionsProblem = checkOptions(device, options);
  if (optionsProblem !== undefined) return fail(IntervalEnergyErrorCode.INVALID_OPTIONS, optionsProblem);
  if (readings.length > MAX_READINGS_PER_CALL) {
    return fail(IntervalEnergyErrorCode.TOO_MANY_READINGS, `${readings.length} readings; at most ${MAX_READINGS_PER_CALL} per call`);
  }
  for (let i = 0; i < readings.length; i++) {
    const problem = readingProblem(readings[i] as MeterReading);
    if (problem !== undefined) return fail(IntervalEnergyErrorCode.INVALID_READING, `reading ${i}: ${problem}`);
  }
  const policy: AnomalyPolicy = {
    clockSkewToleranceMs: options.clockSkewToleranceMs ?? DEFAULT_ANOMALY_POLICY.clockSkewToleranceMs,
    maxReadingAgeMs: options.maxReadingAgeMs ?? DEFAULT_ANOMALY_POLICY.maxReadingAgeMs,
    maxGapIntervals: options.maxGapIntervals ?? DEFAULT_ANOMALY_POLICY.maxGapIntervals,
    ratingTolerancePercent: options.ratingTolerancePercent ?? DEFAULT_ANOMALY_POLICY.ratingTolerancePercent,
  };
  const minutes = options.intervalMinutes;
  const lengthMs = minutes * 60_000;
  const estimateAfterMs = options.estimateAfterMs ?? DEFAULT_ESTIMATE_AFTER_MS;

  const screened = screenReadings(readings, options.nowMs, policy);
  const usable = screened.usable;
  const anomalies = [...screened.anomalies, ...segmentAnomalies(usable, device, lengthMs, policy)].sort(
    (x, y) => x.fromMs - y.fromMs || ANOMALY_CODES.indexOf(x.code) - ANOMALY_CODES.indexOf(y.code),
  );
  const first = usable[0];
  const last = usable[usable.length - 1];
  if (first === undefined || last === undefined) return ok({ intervals: [], anomalies, readingsUsed: 0 });

  const firstAligned = intervalStartMs(first.atMs, minutes);
  const firstBoundary = firstAligned === first.atMs ? firstAligned : firstAligned + lengthMs;
  // The last final interval ends at the last boundary that is either covered by a reading or
  // old enough to estimate.
  const measuredEnd = intervalStartMs(last.atMs, minutes);
  const estimatedEnd = options.nowMs - estimateAfterMs >= 0 ? intervalStartMs(options.nowMs - estimateAfterMs, minutes) : 0;
  const lastEnd = Math.max(measuredEnd, estimatedEnd);
  const count = lastEnd > firstBoundary ? (lastEnd - firstBoundary) / lengthMs : 0;
  if (count > MAX_INTERVALS_PER_CALL) {
    return fail(IntervalEnergyErrorCode.TOO_MANY_INTERVALS, `${count} final intervals; at most ${MAX_INTERVALS_PER_CALL} per call`);
  }

  const boundaries = new BoundaryValues(usable, device, lengthMs);
  const mapped = anomalies.filter((a) => a.code !== AnomalyCode.CLOCK_SKEW && a.code !== AnomalyCode.TOO_OLD);
  const maxGapMs = policy.maxGapIntervals * lengthMs;
  const intervals: IntervalEnergy[] = [];
  let start = boundaries.at(firstBoundary);
  for (let i = 0; i < count; i++) {
    const startMs = firstBoundary + i * lengthMs;
    const endMs = startMs + lengthMs;
    const end = boundaries.at(endMs);
    const importWh = end.importWh - start.importWh;
    const exportWh = end.exportWh - start.exportWh;
    const estimated = endMs > last.atMs;

    const codes = new Set<AnomalyCode>();
    for (const anomaly of mapped) if (anomalyTouches(anomaly, startMs, endMs)) codes.add(anomaly.code);
    if (registrationAnomaly(startMs, endMs, device) !== undefined) codes.add(AnomalyCode.NOT_REGISTERED_FOR_INTERVAL);
    if (
      device.ratedPowerW !== undefined &&
      (isAboveRatingEnergy(importWh, minutes, device.ratedPowerW, policy.ratingTolerancePercent) ||
        isAboveRatingEnergy(exportWh, minutes, device.ratedPowerW, policy.ratingTolerancePercent))
    ) {
      codes.add(AnomalyCode.ABOVE_RATING);
    }
    if (estimated && endMs - last.atMs > maxGapMs) codes.add(AnomalyCode.GAP);
    const sortedCodes = ANOMALY_CODES.filter((c) => codes.has(c));

    const interval: IntervalEnergy = {
      startMs,
      endMs,
      importWh,
      exportWh,
      quality: sortedCodes.length > 0 ? 'anomalous' : estimated ? 'estimated' : 'measured',
      estimated,
      anomalies: sortedCodes,
      startRegisters: { importWh: start.importWh, exportWh: start.exportWh },
      endRegisters: { importWh: end.importWh, exportWh: end.exportWh },
    };
    intervals.push(end.socWh === undefined ? interval : { ...interval, socEndWh: end.socWh });
    start = end;
  }
  return ok({ intervals, anomalies, pendingFromMs: firstBoundary + count * lengthMs, readingsUsed: usable.length });
}

/** Register values at boundaries, for boundaries visited in increasing order. */
class BoundaryValues {
  private cursor = 0;
  private readonly last: MeterReading;
  private readonly base: MeterReading;

  constructor(
    private readonly readings: readonly MeterReading[],
    private readonly device: DeviceFacts,
    lengthMs: number,
  ) {
    this.last = readings[readings.length - 1] as MeterReading;
    let b = readings.length - 1;
    while (b > 0 && (readings[b] as MeterReading).atMs > this.last.atMs - lengthMs) b--;
    this.base = readings[b] as MeterReading;
  }

  /** Rounded registers at `atMs`; each call's `atMs` must not be below the previous one's. */
  at(atMs: number): RegisterValues & { socWh?: bigint } {
    if (atMs > this.last.atMs) return this.extrapolated(atMs);
    while (this.cursor + 1 < this.readings.length && (this.readings[this.cursor + 1] as MeterReading).atMs <= atMs) this.cursor++;
    const a = this.readings[this.cursor] as MeterReading;
    if (a.atMs === atMs) return a.socWh === undefined ? { importWh: a.importWh, exportWh: a.exportWh } : { importWh: a.importWh, exportWh: a.exportWh, socWh: a.socWh };
    const b = this.readings[this.cursor + 1] as MeterReading;
    const span = BigInt(b.atMs - a.atMs);
    const offset = BigInt(atMs - a.atMs);
    const value = (x: bigint, y: bigint): bigint => divRoundHalfEven(x * span + (y - x) * offset, span);
    const values = { importWh: value(a.importWh, b.importWh), exportWh: value(a.exportWh, b.exportWh) };
    return a.socWh !== undefined && b.socWh !== undefined ? { ...values, socWh: value(a.socWh, b.socWh) } : values;
  }

  private extrapolated(atMs: number): RegisterValues {
    return { importWh: this.extrapolate(this.base.importWh, this.last.importWh, atMs), exportWh: this.extrapolate(this.base.exportWh, this.last.exportWh, atMs) };
  }

  private extrapolate(baseWh: bigint, lastWh: bigint, atMs: number): bigint {
    const ahead = BigInt(atMs - this.last.atMs);
    const span = BigInt(this.last.atMs - this.base.atMs);
    const rise = lastWh > baseWh ? lastWh - baseWh : 0n;
    const rated = this.device.ratedPowerW;
    if (span === 0n) return lastWh;
    // rise / span (Wh per ms) above rated / 3 600 000 means the meter saw more than the
    // device can do; the estimate then runs at the rating instead.
    if (rated !== undefined && rise * MS_PER_HOUR > rated * span) {
      return divRoundHalfEven(lastWh * MS_PER_HOUR + rated * ahead, MS_PER_HOUR);
    }
    return divRoundHalfEven(lastWh * span + rise * ahead, span);
  }
}

/** Why a recomputed interval differs from the finalized one. */
export type CorrectionReason = 'IMPORT_CHANGED' | 'EXPORT_CHANGED' | 'QUALITY_CHANGED' | 'ANOMALIES_CHANGED';

/** Whether a finalized interval needs an explicit correction, and by how much. */
export type IntervalCorrection =
  | { readonly needed: false }
  | {
      readonly needed: true;
      /** recomputed − finalized, Wh. */
      readonly importDeltaWh: bigint;
      readonly exportDeltaWh: bigint;
      readonly reasons: readonly CorrectionReason[];
    };

/**
 * Compares a finalized interval with a freshly computed one for the same interval. A
 * finalized interval is a fact that money may have moved on, so it is never overwritten:
 * when this says `needed`, the service emits a correction event carrying the deltas. Any
 * change counts: energies, quality (an estimate now measured) or the anomaly codes. Fails with
 * `INTERVAL_MISMATCH` when the two are not the same interval.
 */
export function intervalCorrection(finalized: IntervalEnergy, recomputed: IntervalEnergy): Result<IntervalCorrection, 'INTERVAL_MISMATCH'> {
  if (finalized.startMs !== recomputed.startMs || finalized.endMs !== recomputed.endMs) {
    return fail('INTERVAL_MISMATCH', `interval ${finalized.startMs}–${finalized.endMs} compared with ${recomputed.startMs}–${recomputed.endMs}`);
  }
  const reasons: CorrectionReason[] = [];
  if (finalized.importWh !== recomputed.importWh) reasons.push('IMPORT_CHANGED');
  if (finalized.exportWh !== recomputed.exportWh) reasons.push('EXPORT_CHANGED');
  if (finalized.quality !== recomputed.quality) reasons.push('QUALITY_CHANGED');
  const before = [...finalized.anomalies].sort().join(',');
  const after = [...recomputed.anomalies].sort().join(',');
  if (before !== after) reasons.push('ANOMALIES_CHANGED');
  if (reasons.length === 0) return ok({ needed: false });
  return ok({
    needed: true,
    importDeltaWh: recomputed.importWh - finalized.importWh,
    exportDeltaWh: recomputed.exportWh - finalized.exportWh,
    reasons,
  });
}

function checkOptions(device: DeviceFacts, options: IntervalEnergyOptions): string | undefined {
  if (!isIntervalLength(options.intervalMinutes)) return 'intervalMinutes must be 5, 15, 30 or 60';
  if (!Number.isSafeInteger(options.nowMs) || options.nowMs < 0) return 'nowMs must be a non-negative integer';
  const nonNegative: [string, number | undefined][] = [
    ['estimateAfterMs', options.estimateAfterMs],
    ['clockSkewToleranceMs', options.clockSkewToleranceMs],
    ['maxReadingAgeMs', options.maxReadingAgeMs],
  ];
  for (const [name, value] of nonNegative) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) return `${name} must be a non-negative integer`;
  }
  if (options.maxGapIntervals !== undefined && (!Number.isSafeInteger(options.maxGapIntervals) || options.maxGapIntervals < 1)) {
    return 'maxGapIntervals must be a positive integer';
  }
  const tolerance = options.ratingTolerancePercent;
  if (tolerance !== undefined && (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 100)) return 'ratingTolerancePercent must be an integer 0–100';
  if (device.ratedPowerW !== undefined && (typeof device.ratedPowerW !== 'bigint' || device.ratedPowerW <= 0n)) return 'ratedPowerW must be a positive bigint';
  for (const [name, value] of [['registeredFromMs', device.registeredFromMs], ['registeredUntilMs', device.registeredUntilMs]] as const) {
    if (value !== undefined && !Number.isSafeInteger(value)) return `${name} must be an integer`;
  }
  if (device.registeredFromMs !== undefined && device.registeredUntilMs !== undefined && device.registeredUntilMs < device.registeredFromMs) {
    return 'registeredUntilMs is before registeredFromMs';
  }
  return undefined;
}
