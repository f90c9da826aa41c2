import fc from 'fast-check';
import { INTERVAL_LENGTHS_MINUTES, type IntervalLengthMinutes } from '@ampool/domain';
import { computeIntervalEnergy, type IntervalEnergy, type IntervalEnergyReport } from './interval-energy';
import type { MeterReading } from './meter-reading';

const RUNS = { numRuns: 300 };
const T0 = Date.parse('2024-05-01T00:00:00Z');

/** Increasing timestamps (1 ms to 40 min apart) and non-decreasing registers. */
const monotoneReadings = (minLength = 2): fc.Arbitrary<MeterReading[]> =>
  fc
    .record({
      startOffsetMs: fc.integer({ min: 0, max: 3_600_000 }),
      steps: fc.array(
        fc.record({
          dtMs: fc.oneof(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 2_400_000 }), fc.constantFrom(300_000, 900_000)),
          dImport: fc.bigInt({ min: 0n, max: 5_000n }),
          dExport: fc.bigInt({ min: 0n, max: 5_000n }),
        }),
        { minLength: minLength - 1, maxLength: 80 },
      ),
      importWh: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      exportWh: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    })
    .map(({ startOffsetMs, steps, importWh, exportWh }) => {
      const readings: MeterReading[] = [{ atMs: T0 + startOffsetMs, importWh, exportWh }];
      for (const step of steps) {
        const last = readings[readings.length - 1] as MeterReading;
        readings.push({ atMs: last.atMs + step.dtMs, importWh: last.importWh + step.dImport, exportWh: last.exportWh + step.dExport });
      }
      return readings;
    });

const intervalLength = fc.constantFrom(...INTERVAL_LENGTHS_MINUTES);

/** Measured intervals only: the clock stands at the last reading. */
function measured(readings: readonly MeterReading[], minutes: IntervalLengthMinutes): IntervalEnergyReport {
  const nowMs = Math.max(...readings.map((r) => r.atMs));
  const result = computeIntervalEnergy(readings, {}, { intervalMinutes: minutes, nowMs });
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

/** Half-to-even rounding of n / d (d > 0), written as "round half up, then step back on an odd tie". */
function referenceRound(n: bigint, d: bigint): bigint {
  const twice = 2n * n + d;
  const q = floorDiv(twice, 2n * d);
  const tie = twice % (2n * d) === 0n;
  return tie && q % 2n !== 0n ? q - 1n : q;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The exact register at instant b as a fraction [numerator, denominator]: linear between the straddling readings. */
function exactRegister(readings: readonly MeterReading[], b: number, field: 'importWh' | 'exportWh'): [bigint, bigint] {
  const exact = readings.find((r) => r.atMs === b);
  if (exact !== undefined) return [exact[field], 1n];
  const after = readings.findIndex((r) => r.atMs > b);
  const r1 = readings[after] as MeterReading;
  const r0 = readings[after - 1] as MeterReading;
  const span = BigInt(r1.atMs - r0.atMs);
  return [r0[field] * span + (r1[field] - r0[field]) * BigInt(b - r0.atMs), span];
}

/** The rule from its definition: the exact register rounded half to even. */
function referenceRegister(readings: readonly MeterReading[], b: number, field: 'importWh' | 'exportWh'): bigint {
  const [n, d] = exactRegister(readings, b, field);
  return referenceRound(n, d);
}

const sum = (intervals: readonly IntervalEnergy[], field: 'importWh' | 'exportWh'): bigint => intervals.reduce((acc, i) => acc + i[field], 0n);

describe('interval energy properties', () => {
  it('adds up to the rounded register difference between the first and last boundaries, for every interval length', () => {
    fc.assert(
      fc.property(monotoneReadings(), intervalLength, (readings, minutes) => {
        const lengthMs = minutes * 60_000;
        const first = Math.ceil(readings[0]!.atMs / lengthMs) * lengthMs;
        const last = Math.floor(readings[readings.length - 1]!.atMs / lengthMs) * lengthMs;
        const { intervals } = measured(readings, minutes);
        expect(intervals).toHaveLength(Math.max(0, (last - first) / lengthMs));
        if (intervals.length === 0) return;
        for (const field of ['importWh', 'exportWh'] as const) {
          expect(sum(intervals, field)).toBe(referenceRegister(readings, last, field) - referenceRegister(readings, first, field));
        }
      }),
      RUNS,
    );
  });

  it('gives every interval the rounded interpolated register difference, within one Wh of the exact energy', () => {
    fc.assert(
      fc.property(monotoneReadings(), intervalLength, (readings, minutes) => {
        for (const interval of measured(readings, minutes).intervals) {
          for (const field of ['importWh', 'exportWh'] as const) {
            const start = referenceRegister(readings, interval.startMs, field);
            const end = referenceRegister(readings, interval.endMs, field);
            expect(interval[field]).toBe(end - start);
            // Each boundary is off by at most ½ Wh, so the energy by at most 1 Wh.
            const [ns, ds] = exactRegister(readings, interval.startMs, field);
            const [ne, de] = exactRegister(readings, interval.endMs, field);
            const error = interval[field] * de * ds - (ne * ds - ns * de);
            expect(error <= de * ds && error >= -de * ds).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('never gives negative energy when the registers never go down, estimates included', () => {
    fc.assert(
      fc.property(monotoneReadings(1), intervalLength, fc.integer({ min: 0, max: 6 * 3_600_000 }), (readings, minutes, laterMs) => {
        const nowMs = readings[readings.length - 1]!.atMs + laterMs;
        const result = computeIntervalEnergy(readings, {}, { intervalMinutes: minutes, nowMs, estimateAfterMs: 0 });
        if (!result.ok) throw new Error(result.code);
        for (const interval of result.value.intervals) {
          expect(interval.importWh >= 0n && interval.exportWh >= 0n).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('chains intervals: each starts where the previous ended, with the same register values, estimates included', () => {
    fc.assert(
      fc.property(monotoneReadings(1), intervalLength, fc.integer({ min: 0, max: 6 * 3_600_000 }), (readings, minutes, laterMs) => {
        const nowMs = readings[readings.length - 1]!.atMs + laterMs;
        const result = computeIntervalEnergy(readings, {}, { intervalMinutes: minutes, nowMs, estimateAfterMs: 0, maxGapIntervals: 1_000 });
        if (!result.ok) throw new Error(result.code);
        const intervals = result.value.intervals;
        for (let k = 1; k < intervals.length; k++) {
          expect(intervals[k]!.startMs).toBe(intervals[k - 1]!.endMs);
          expect(intervals[k]!.startRegisters).toEqual(intervals[k - 1]!.endRegisters);
        }
        if (intervals.length > 0) {
          expect(sum(intervals, 'importWh')).toBe(intervals[intervals.length - 1]!.endRegisters.importWh - intervals[0]!.startRegisters.importWh);
          expect(result.value.pendingFromMs).toBe(intervals[intervals.length - 1]!.endMs);
        }
      }),
      RUNS,
    );
  });

  it('never changes intervals outside the segment that a new reading splits', () => {
    fc.assert(
      fc.property(monotoneReadings(), intervalLength, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (readings, minutes, which, where, level) => {
        const splittable = readings.map((_, k) => k).filter((k) => k + 1 < readings.length && readings[k + 1]!.atMs - readings[k]!.atMs >= 2);
        if (splittable.length === 0) return;
        const k = splittable[which % splittable.length] as number;
        const a = readings[k] as MeterReading;
        const b = readings[k + 1] as MeterReading;
        const atMs = a.atMs + 1 + Math.floor(where * (b.atMs - a.atMs - 2));
        const between = (x: bigint, y: bigint): bigint => x + ((y - x) * BigInt(Math.floor(level * 1_000))) / 1_000n;
        const inserted: MeterReading = { atMs, importWh: between(a.importWh, b.importWh), exportWh: between(a.exportWh, b.exportWh) };

        const before = measured(readings, minutes).intervals;
        const after = measured([...readings, inserted], minutes).intervals;
        expect(after.map((i) => i.startMs)).toEqual(before.map((i) => i.startMs));
        const inside = (t: number): boolean => t > a.atMs && t < b.atMs;
        before.forEach((old, n) => {
          const now = after[n] as IntervalEnergy;
          if (!inside(old.startMs) && !inside(old.endMs)) {
            expect([now.importWh, now.exportWh]).toEqual([old.importWh, old.exportWh]);
          }
          if (old.endMs <= a.atMs || old.startMs >= b.atMs) expect(now).toEqual(old);
        });
      }),
      RUNS,
    );
  });

  it('gives the same result for the readings shuffled and partly repeated', () => {
    fc.assert(
      fc.property(
        monotoneReadings().chain((readings) => fc.tuple(fc.constant(readings), fc.shuffledSubarray(readings), fc.shuffledSubarray(readings, { minLength: readings.length }))),
        intervalLength,
        ([readings, repeats, shuffled], minutes) => {
          expect(measured([...shuffled, ...repeats], minutes)).toEqual(measured(readings, minutes));
        },
      ),
      RUNS,
    );
  });
});
