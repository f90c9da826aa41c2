/**
 * Anomalies: facts about a device's data that make it unfit to be paid on without a look by
 * an operator. Each has a stable code (part of the wire contract: never rename, only add) and
 * the span of time it concerns. They are computed purely from the readings, the device's
 * registration facts and the caller's clock value; `interval-energy.ts` maps them onto the
 * delivery intervals whose energy they touch and marks those intervals `anomalous`.
 */
import type { MeterReading } from './meter-reading';

/** The closed set of anomaly codes. */
export const AnomalyCode = {
  /** A register (import or export) is lower than in the reading before it. */
  REGISTER_BACKWARDS: 'REGISTER_BACKWARDS',
  /** Power between two readings, or energy in an interval, above the device's rating plus the tolerance. */
  ABOVE_RATING: 'ABOVE_RATING',
  /** Two consecutive readings more than `maxGapIntervals` interval lengths apart, or an estimate that far from the last reading. */
  GAP: 'GAP',
  /** A reading timestamped later than `nowMs + clockSkewToleranceMs`; it is not used. */
  CLOCK_SKEW: 'CLOCK_SKEW',
  /** A reading timestamped earlier than `nowMs − maxReadingAgeMs`; it is not used. */
  TOO_OLD: 'TOO_OLD',
  /** Two readings with the same timestamp and different values; neither is used. */
  CONFLICTING_DUPLICATE: 'CONFLICTING_DUPLICATE',
  /** An interval that is not entirely inside the device's registration period. */
  NOT_REGISTERED_FOR_INTERVAL: 'NOT_REGISTERED_FOR_INTERVAL',
  /** A reading batch or telegram whose signature does not verify with the device's key; nothing in it is used. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
} as const;

/** One of the {@link AnomalyCode} values. */
export type AnomalyCode = (typeof AnomalyCode)[keyof typeof AnomalyCode];

/** Every code in its canonical order (the order intervals list them in). */
export const ANOMALY_CODES: readonly AnomalyCode[] = Object.values(AnomalyCode);

/** An anomaly and the span of time it concerns. */
export interface Anomaly {
  readonly code: AnomalyCode;
  /** Start of the span concerned, epoch ms. */
  readonly fromMs: number;
  /** End of the span concerned, epoch ms (equal to `fromMs` for a single instant). */
  readonly toMs: number;
  readonly message: string;
}

/** What the system knows about a device, independent of its readings. */
export interface DeviceFacts {
  /** Largest power the device can draw or deliver (connection, inverter or battery rating), W. */
  readonly ratedPowerW?: bigint;
  /** Start of the device's registration, epoch ms; intervals starting earlier are flagged. */
  readonly registeredFromMs?: number;
  /** End of the device's registration, epoch ms; intervals ending later are flagged. */
  readonly registeredUntilMs?: number;
}

/** Thresholds of anomaly detection. */
export interface AnomalyPolicy {
  /** How far ahead of `nowMs` a reading may be stamped before it is CLOCK_SKEW. */
  readonly clockSkewToleranceMs: number;
  /** How far behind `nowMs` a reading may be stamped before it is TOO_OLD. */
  readonly maxReadingAgeMs: number;
  /** Readings further apart than this many interval lengths are a GAP. */
  readonly maxGapIntervals: number;
  /** Percentage above the rating still accepted (meter accuracy, short peaks), integer 0–100. */
  readonly ratingTolerancePercent: number;
}

/**
 * Defaults: one minute of clock skew (devices keep time by NTP), seven days of backlog (a
 * device that was offline for a week may still upload; older data cannot change settled
 * money), a gap from two interval lengths, and 5 % over the rating.
 */
export const DEFAULT_ANOMALY_POLICY: AnomalyPolicy = {
  clockSkewToleranceMs: 60_000,
  maxReadingAgeMs: 7 * 24 * 3_600_000,
  maxGapIntervals: 2,
  ratingTolerancePercent: 5,
};

/** Readings that may be used, and what was wrong with the ones that may not. */
export interface ScreenedReadings {
  /** Sorted by time, one per timestamp. */
  readonly usable: readonly MeterReading[];
  readonly anomalies: readonly Anomaly[];
}

/**
 * Sorts the readings, merges exact duplicates (same timestamp, same values: a retried upload),
 * and sets aside readings that must not be used: CLOCK_SKEW (from the future), TOO_OLD, and
 * CONFLICTING_DUPLICATE (same timestamp, different values: neither can be trusted). A
 * conflicting duplicate's span runs from the usable reading before it to the one after it,
 * since every boundary interpolated across that stretch would have used it.
 */
export function screenReadings(readings: readonly MeterReading[], nowMs: number, policy: AnomalyPolicy): ScreenedReadings {
  const sorted = [...readings].sort((a, b) => a.atMs - b.atMs);
  const earliest = nowMs - policy.maxReadingAgeMs;
  const latest = nowMs + policy.clockSkewToleranceMs;
  const anomalies: Anomaly[] = [];
  const usable: MeterReading[] = [];
  const conflicts: number[] = [];
  let tooOld: [number, number, number] | undefined;
  let future: [number, number, number] | undefined;

  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] as MeterReading;
    let j = i + 1;
    let conflicting = false;
    while (j < sorted.length && (sorted[j] as MeterReading).atMs === first.atMs) {
      if (!sameValues(first, sorted[j] as MeterReading)) conflicting = true;
      j++;
    }
    const count = j - i;
    i = j;
    if (first.atMs < earliest) {
      tooOld = tooOld === undefined ? [first.atMs, first.atMs, count] : [tooOld[0], first.atMs, tooOld[2] + count];
    } else if (first.atMs > latest) {
      future = future === undefined ? [first.atMs, first.atMs, count] : [future[0], first.atMs, future[2] + count];
    } else if (conflicting) {
      conflicts.push(first.atMs);
    } else {
      usable.push(first);
    }
  }

  if (tooOld !== undefined) {
    anomalies.push({ code: AnomalyCode.TOO_OLD, fromMs: tooOld[0], toMs: tooOld[1], message: `${tooOld[2]} reading(s) older than ${policy.maxReadingAgeMs} ms before now` });
  }
  let k = 0;
  for (const atMs of conflicts) {
    while (k < usable.length && (usable[k] as MeterReading).atMs < atMs) k++;
    anomalies.push({
      code: AnomalyCode.CONFLICTING_DUPLICATE,
      fromMs: k > 0 ? (usable[k - 1] as MeterReading).atMs : atMs,
      toMs: k < usable.length ? (usable[k] as MeterReading).atMs : atMs,
      message: `readings at ${atMs} ms disagree; none of them is used`,
    });
  }
  if (future !== undefined) {
    anomalies.push({ code: AnomalyCode.CLOCK_SKEW, fromMs: future[0], toMs: future[1], message: `${future[2]} reading(s) more than ${policy.clockSkewToleranceMs} ms ahead of now` });
  }
  return { usable, anomalies };
}

/**
 * Anomalies between consecutive usable readings: REGISTER_BACKWARDS, ABOVE_RATING (average
 * power over the segment) and GAP. Consecutive segments with the same code are merged into
 * one span, so a long run of bad data is one anomaly, not thousands.
 */
export function segmentAnomalies(usable: readonly MeterReading[], device: DeviceFacts, intervalMs: number, policy: AnomalyPolicy): Anomaly[] {
  const open = new Map<AnomalyCode, { fromMs: number; toMs: number; message: string }>();
  const out: Anomaly[] = [];
  const note = (code: AnomalyCode, fromMs: number, toMs: number, message: string): void => {
    const current = open.get(code);
    if (current !== undefined && current.toMs === fromMs) {
      current.toMs = toMs;
      return;
    }
    if (current !== undefined) out.push({ code, ...current });
    open.set(code, { fromMs, toMs, message });
  };
  const maxGapMs = policy.maxGapIntervals * intervalMs;
  for (let i = 1; i < usable.length; i++) {
    const a = usable[i - 1] as MeterReading;
    const b = usable[i] as MeterReading;
    const dtMs = b.atMs - a.atMs;
    const dImport = b.importWh - a.importWh;
    const dExport = b.exportWh - a.exportWh;
    if (dImport < 0n || dExport < 0n) {
      note(AnomalyCode.REGISTER_BACKWARDS, a.atMs, b.atMs, `register went backwards (import ${dImport} Wh, export ${dExport} Wh)`);
    }
    if (
      device.ratedPowerW !== undefined &&
      (isAboveRatingPower(dImport, dtMs, device.ratedPowerW, policy.ratingTolerancePercent) ||
        isAboveRatingPower(dExport, dtMs, device.ratedPowerW, policy.ratingTolerancePercent))
    ) {
      note(AnomalyCode.ABOVE_RATING, a.atMs, b.atMs, `power above the rating of ${device.ratedPowerW} W`);
    }
    if (dtMs > maxGapMs) note(AnomalyCode.GAP, a.atMs, b.atMs, `no reading for ${dtMs} ms`);
  }
  for (const [code, span] of open) out.push({ code, ...span });
  return out.sort((x, y) => x.fromMs - y.fromMs || ANOMALY_CODES.indexOf(x.code) - ANOMALY_CODES.indexOf(y.code));
}

/**
 * Whether `deltaWh` over `deltaMs` means an average power above `ratedPowerW` × (100 +
 * tolerance) %. Registers count whole Wh, so a difference of n Wh may be as little as n − 1 Wh
 * of real energy; the test uses n − 1, or one tick of the register over a few seconds would
 * look like megawatts: (n − 1) × 3 600 000 × 100 > rating × Δt × (100 + tolerance).
 */
export function isAboveRatingPower(deltaWh: bigint, deltaMs: number, ratedPowerW: bigint, tolerancePercent: number): boolean {
  if (deltaWh <= 1n) return false;
  return (deltaWh - 1n) * 360_000_000n > ratedPowerW * BigInt(deltaMs) * BigInt(100 + tolerancePercent);
}

/**
 * Whether `energyWh` in an interval of `intervalMinutes` exceeds what `ratedPowerW` can move
 * in that time plus the tolerance. Each of the interval's two boundary values is rounded to
 * the nearest Wh, so the interval may read up to 1 Wh more than what flowed; the test allows
 * it: (energy − 1) × 60 × 100 > rating × minutes × (100 + tolerance).
 */
export function isAboveRatingEnergy(energyWh: bigint, intervalMinutes: number, ratedPowerW: bigint, tolerancePercent: number): boolean {
  if (energyWh <= 1n) return false;
  return (energyWh - 1n) * 6_000n > ratedPowerW * BigInt(intervalMinutes) * BigInt(100 + tolerancePercent);
}

/** NOT_REGISTERED_FOR_INTERVAL when `[startMs, endMs)` is not inside the registration period. */
export function registrationAnomaly(startMs: number, endMs: number, device: DeviceFacts): Anomaly | undefined {
  const before = device.registeredFromMs !== undefined && startMs < device.registeredFromMs;
  const after = device.registeredUntilMs !== undefined && endMs > device.registeredUntilMs;
  if (!before && !after) return undefined;
  return { code: AnomalyCode.NOT_REGISTERED_FOR_INTERVAL, fromMs: startMs, toMs: endMs, message: 'interval outside the device registration period' };
}

/**
 * Whether an anomaly touches the energy of `[startMs, endMs)`. A span touches it when the
 * open spans overlap (a segment that only meets the interval at a boundary contributes
 * nothing to it); an instant touches it when it lies in the closed interval.
 */
export function anomalyTouches(anomaly: Anomaly, startMs: number, endMs: number): boolean {
  if (anomaly.fromMs === anomaly.toMs) return anomaly.fromMs >= startMs && anomaly.fromMs <= endMs;
  return anomaly.fromMs < endMs && anomaly.toMs > startMs;
}

function sameValues(a: MeterReading, b: MeterReading): boolean {
  return a.importWh === b.importWh && a.exportWh === b.exportWh && a.socWh === b.socWh;
}
