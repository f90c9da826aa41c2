import { computeIntervalEnergy, intervalCorrection, MAX_INTERVALS_PER_CALL, MAX_READINGS_PER_CALL, type IntervalEnergy, type IntervalEnergyOptions } from './interval-energy';
import type { DeviceFacts } from './anomalies';
import type { MeterReading } from './meter-reading';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const MIN = 60_000;
const at = (minutes: number): number => T0 + minutes * MIN;
const r = (minutes: number, importWh: bigint, exportWh = 0n, socWh?: bigint): MeterReading =>
  socWh === undefined ? { atMs: at(minutes), importWh, exportWh } : { atMs: at(minutes), importWh, exportWh, socWh };

function run(readings: readonly MeterReading[], options: Partial<IntervalEnergyOptions> = {}, device: DeviceFacts = {}) {
  const last = Math.max(...readings.map((x) => x.atMs), T0);
  const result = computeIntervalEnergy(readings, device, { intervalMinutes: 15, nowMs: last, ...options });
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

const summary = (i: IntervalEnergy): [string, bigint, bigint, string, readonly string[]] => [
  new Date(i.startMs).toISOString().slice(11, 16),
  i.importWh,
  i.exportWh,
  i.quality,
  i.anomalies,
];

/** The README's worked example: 1 kW, then 500 W, readings at :07:30, :22:30, … */
const WORKED = [r(7.5, 1_000n), r(22.5, 1_250n), r(37.5, 1_375n), r(52.5, 1_500n)];

describe('computeIntervalEnergy', () => {
  it('computes the worked example: interpolated boundaries rounded half to even, energies as their differences', () => {
    const report = run(WORKED);
    // 10:15 → 1125 exactly; 10:30 → 1312.5 → 1312; 10:45 → 1437.5 → 1438.
    expect(report.intervals.map((i) => [i.startRegisters.importWh, i.endRegisters.importWh])).toEqual([
      [1_125n, 1_312n],
      [1_312n, 1_438n],
    ]);
    expect(report.intervals.map(summary)).toEqual([
      ['10:15', 187n, 0n, 'measured', []],
      ['10:30', 126n, 0n, 'measured', []],
    ]);
    expect(report.pendingFromMs).toBe(at(45));
    expect(report.readingsUsed).toBe(4);
  });

  it('uses a reading that lies exactly on a boundary as the boundary value', () => {
    const report = run([r(0, 100n, 7n), r(15, 400n, 9n), r(30, 401n, 20n)]);
    expect(report.intervals.map(summary)).toEqual([
      ['10:00', 300n, 2n, 'measured', []],
      ['10:15', 1n, 11n, 'measured', []],
    ]);
  });

  it('gives the same intervals for readings in any order and with exact duplicates', () => {
    const shuffled = [WORKED[2], WORKED[0], WORKED[3], WORKED[0], WORKED[1], WORKED[3]] as MeterReading[];
    expect(run(shuffled)).toEqual(run(WORKED));
  });

  it('sets aside readings that share a timestamp but disagree, and flags every interval they would have touched', () => {
    const readings = [r(0, 0n), r(10, 100n), r(20, 200n), r(20, 250n), r(30, 300n), r(40, 400n), r(50, 500n), r(60, 600n)];
    const report = run(readings);
    expect(report.readingsUsed).toBe(6);
    expect(report.anomalies).toEqual([expect.objectContaining({ code: 'CONFLICTING_DUPLICATE', fromMs: at(10), toMs: at(30) })]);
    expect(report.intervals.map(summary)).toEqual([
      ['10:00', 150n, 0n, 'anomalous', ['CONFLICTING_DUPLICATE']],
      ['10:15', 150n, 0n, 'anomalous', ['CONFLICTING_DUPLICATE']],
      ['10:30', 150n, 0n, 'measured', []],
      ['10:45', 150n, 0n, 'measured', []],
    ]);
  });

  it('returns an interval only once a reading at or after its end exists, until the timeout makes it an estimate', () => {
    const readings = [r(0, 0n), r(10, 100n), r(20, 200n)];
    expect(run(readings, { nowMs: at(20) }).intervals.map(summary)).toEqual([['10:00', 150n, 0n, 'measured', []]]);
    expect(run(readings, { nowMs: at(30) + 30 * MIN - 1 }).pendingFromMs).toBe(at(15));
    const late = run(readings, { nowMs: at(30) + 30 * MIN });
    // Rate over the last reading and the latest at least 15 min before it (10:00): 200 Wh in 20 min.
    expect(late.intervals.map(summary)).toEqual([
      ['10:00', 150n, 0n, 'measured', []],
      ['10:15', 150n, 0n, 'estimated', []],
    ]);
    expect(late.intervals[1]?.estimated).toBe(true);
    expect(late.intervals[1]?.endRegisters.importWh).toBe(300n);
    expect(late.pendingFromMs).toBe(at(30));
  });

  it('lets the caller choose the timeout', () => {
    const readings = [r(0, 0n), r(10, 100n), r(20, 200n)];
    expect(run(readings, { nowMs: at(35), estimateAfterMs: 5 * MIN }).intervals).toHaveLength(2);
    expect(run(readings, { nowMs: at(35), estimateAfterMs: 5 * MIN + 1 }).intervals).toHaveLength(1);
  });

  it('never estimates above the device rating', () => {
    // 2 kWh in 15 min is 8 kW; the device is rated 2 kW, so the estimate runs at 2 kW: 500 Wh per 15 min.
    const report = run([r(0, 0n), r(15, 2_000n)], { nowMs: at(30) + 30 * MIN }, { ratedPowerW: 2_000n });
    expect(report.intervals.map((i) => [i.importWh, i.estimated])).toEqual([
      [2_000n, false],
      [500n, true],
    ]);
  });

  it('estimates zero energy from a single reading or from a register that went backwards', () => {
    // Readings at 10:01 only; at 11:15 the intervals ending 10:30 and 10:45 are 30 min overdue.
    expect(run([r(1, 50n, 70n)], { nowMs: at(75), maxGapIntervals: 4 }).intervals.map((i) => [i.importWh, i.exportWh, i.quality])).toEqual([
      [0n, 0n, 'estimated'],
      [0n, 0n, 'estimated'],
    ]);
    const backwards = run([r(0, 500n), r(20, 400n)], { nowMs: at(30) + 30 * MIN });
    // Falling at 5 Wh/min would put 10:30 at 350 Wh; the estimate holds the register at 400 Wh.
    expect(backwards.intervals[1]).toMatchObject({ endRegisters: { importWh: 400n, exportWh: 0n }, estimated: true, anomalies: ['REGISTER_BACKWARDS'] });
  });

  it('flags an estimate that lies more than maxGapIntervals after the last reading as a GAP', () => {
    const report = run([r(0, 0n), r(15, 100n)], { nowMs: at(15) + 5 * 15 * MIN, estimateAfterMs: 0, maxGapIntervals: 2 });
    expect(report.intervals.map(summary)).toEqual([
      ['10:00', 100n, 0n, 'measured', []],
      ['10:15', 100n, 0n, 'estimated', []],
      ['10:30', 100n, 0n, 'estimated', []],
      ['10:45', 100n, 0n, 'anomalous', ['GAP']],
      ['11:00', 100n, 0n, 'anomalous', ['GAP']],
      ['11:15', 100n, 0n, 'anomalous', ['GAP']],
    ]);
  });

  it('flags the intervals interpolated across a gap between readings', () => {
    const report = run([r(0, 0n), r(5, 10n), r(70, 140n), r(75, 150n)], { maxGapIntervals: 2 });
    expect(report.intervals.map(summary)).toEqual([
      ['10:00', 30n, 0n, 'anomalous', ['GAP']],
      ['10:15', 30n, 0n, 'anomalous', ['GAP']],
      ['10:30', 30n, 0n, 'anomalous', ['GAP']],
      ['10:45', 30n, 0n, 'anomalous', ['GAP']],
      ['11:00', 30n, 0n, 'anomalous', ['GAP']],
    ]);
    expect(run([r(0, 0n), r(5, 10n), r(70, 140n), r(75, 150n)], { maxGapIntervals: 5 }).intervals.every((i) => i.quality === 'measured')).toBe(true);
  });

  it('flags a register going backwards and shows the negative difference rather than hiding it', () => {
    const report = run([r(0, 1_000n), r(15, 1_100n), r(30, 900n), r(45, 950n)]);
    expect(report.intervals.map(summary)).toEqual([
      ['10:00', 100n, 0n, 'measured', []],
      ['10:15', -200n, 0n, 'anomalous', ['REGISTER_BACKWARDS']],
      ['10:30', 50n, 0n, 'measured', []],
    ]);
  });

  it('accepts energy up to the rating plus 5 % plus one Wh of rounding, and flags one Wh more', () => {
    // 4 kW × 15 min × 1.05 = 1050 Wh; the register may read one more.
    const device = { ratedPowerW: 4_000n };
    expect(run([r(0, 0n, 0n), r(15, 1_051n, 1_051n)], {}, device).intervals.map(summary)).toEqual([['10:00', 1_051n, 1_051n, 'measured', []]]);
    expect(run([r(0, 0n), r(15, 1_052n)], {}, device).intervals.map(summary)).toEqual([['10:00', 1_052n, 0n, 'anomalous', ['ABOVE_RATING']]]);
    expect(run([r(0, 0n), r(15, 0n, 1_052n)], {}, device).intervals.map(summary)).toEqual([['10:00', 0n, 1_052n, 'anomalous', ['ABOVE_RATING']]]);
    expect(run([r(0, 0n), r(15, 1_052n)], { ratingTolerancePercent: 6 }, device).intervals[0]?.quality).toBe('measured');
  });

  it('flags a burst above the rating inside an interval even when the interval total is within it', () => {
    // 100 Wh in 30 s is 12 kW on a 4 kW device; the 15-minute total of 101 Wh is harmless.
    const report = run([r(0, 0n), r(5, 0n), r(5.5, 100n), r(15, 101n)], {}, { ratedPowerW: 4_000n });
    expect(report.intervals.map(summary)).toEqual([['10:00', 101n, 0n, 'anomalous', ['ABOVE_RATING']]]);
    expect(report.anomalies).toEqual([expect.objectContaining({ code: 'ABOVE_RATING', fromMs: at(5), toMs: at(5.5) })]);
  });

  it('flags intervals outside the registration period of the device', () => {
    const readings = [r(0, 0n), r(15, 10n), r(30, 20n), r(45, 30n), r(60, 40n)];
    const report = run(readings, {}, { registeredFromMs: at(10), registeredUntilMs: at(45) });
    expect(report.intervals.map((i) => i.anomalies)).toEqual([['NOT_REGISTERED_FOR_INTERVAL'], [], [], ['NOT_REGISTERED_FOR_INTERVAL']]);
  });

  it('does not use readings from the future, so they cannot finalize an interval early', () => {
    const readings = [r(0, 0n), r(10, 100n), r(40, 400n)];
    const report = run(readings, { nowMs: at(20), clockSkewToleranceMs: 60_000 });
    expect(report.readingsUsed).toBe(2);
    expect(report.intervals).toEqual([]);
    expect(report.anomalies).toEqual([expect.objectContaining({ code: 'CLOCK_SKEW', fromMs: at(40), toMs: at(40) })]);
    expect(run(readings, { nowMs: at(39) }).readingsUsed).toBe(3);
  });

  it('does not use readings older than the backlog limit', () => {
    const readings = [r(-20_000, 0n), r(0, 100n), r(15, 200n)];
    const report = run(readings, { maxReadingAgeMs: 60 * MIN });
    expect(report.readingsUsed).toBe(2);
    expect(report.anomalies).toEqual([expect.objectContaining({ code: 'TOO_OLD' })]);
    expect(report.intervals.map(summary)).toEqual([['10:00', 100n, 0n, 'measured', []]]);
  });

  it('interpolates the battery state of charge at the end of each interval when both readings carry it', () => {
    const report = run([r(0, 0n, 0n, 5_000n), r(10, 0n, 0n, 4_000n), r(20, 0n, 0n, 3_000n), r(40, 0n, 0n)]);
    expect(report.intervals.map((i) => i.socEndWh)).toEqual([3_500n, undefined]);
  });

  it('handles every interval length of the markets', () => {
    const readings = Array.from({ length: 13 }, (_, k) => r(k * 10, BigInt(k * 100)));
    for (const [minutes, count] of [[5, 24], [15, 8], [30, 4], [60, 2]] as const) {
      const report = run(readings, { intervalMinutes: minutes });
      expect([minutes, report.intervals.length, report.intervals.every((i) => i.importWh === BigInt(minutes * 10))]).toEqual([minutes, count, true]);
    }
  });

  it('returns nothing for no readings', () => {
    expect(run([])).toEqual({ intervals: [], anomalies: [], readingsUsed: 0 });
  });

  it('refuses malformed readings and options with a code', () => {
    const bad = (readings: unknown[], options: Partial<IntervalEnergyOptions> = {}, device: DeviceFacts = {}) =>
      computeIntervalEnergy(readings as MeterReading[], device, { intervalMinutes: 15, nowMs: T0, ...options });
    expect(bad([{ atMs: T0, importWh: -1n, exportWh: 0n }])).toMatchObject({ ok: false, code: 'INVALID_READING' });
    expect(bad([{ atMs: T0, importWh: 1, exportWh: 0n }])).toMatchObject({ ok: false, code: 'INVALID_READING' });
    expect(bad([{ atMs: T0 + 0.5, importWh: 1n, exportWh: 0n }])).toMatchObject({ ok: false, code: 'INVALID_READING' });
    expect(bad([{ atMs: T0, importWh: 1n, exportWh: 0n, socWh: -5n }])).toMatchObject({ ok: false, code: 'INVALID_READING' });
    expect(bad([], { intervalMinutes: 10 as never })).toMatchObject({ ok: false, code: 'INVALID_OPTIONS' });
    expect(bad([], { estimateAfterMs: -1 })).toMatchObject({ ok: false, code: 'INVALID_OPTIONS' });
    expect(bad([], { maxGapIntervals: 0 })).toMatchObject({ ok: false, code: 'INVALID_OPTIONS' });
    expect(bad([], { ratingTolerancePercent: 2.5 })).toMatchObject({ ok: false, code: 'INVALID_OPTIONS' });
    expect(bad([], {}, { ratedPowerW: 0n })).toMatchObject({ ok: false, code: 'INVALID_OPTIONS' });
    expect(bad([], {}, { registeredFromMs: 10, registeredUntilMs: 5 })).toMatchObject({ ok: false, code: 'INVALID_OPTIONS' });
  });

  it('puts a limit on readings and intervals per call', () => {
    const many = Array.from({ length: MAX_READINGS_PER_CALL + 1 }, (_, k) => ({ atMs: T0 + k, importWh: 0n, exportWh: 0n }));
    expect(computeIntervalEnergy(many, {}, { intervalMinutes: 15, nowMs: T0 })).toMatchObject({ ok: false, code: 'TOO_MANY_READINGS' });
    const span = (MAX_INTERVALS_PER_CALL + 1) * 5 * MIN;
    const wide = [r(0, 0n), { atMs: T0 + span, importWh: 1n, exportWh: 0n }];
    expect(computeIntervalEnergy(wide, {}, { intervalMinutes: 5, nowMs: T0 + span, maxReadingAgeMs: span })).toMatchObject({ ok: false, code: 'TOO_MANY_INTERVALS' });
    const fits = [r(0, 0n), { atMs: T0 + span - 5 * MIN, importWh: 1n, exportWh: 0n }];
    expect(computeIntervalEnergy(fits, {}, { intervalMinutes: 5, nowMs: T0 + span, maxReadingAgeMs: span, estimateAfterMs: 5 * MIN })).toMatchObject({ ok: true });
  });
});

describe('intervalCorrection', () => {
  it('reports no correction when the recomputed interval is the same', () => {
    const [first] = run(WORKED).intervals as [IntervalEnergy];
    expect(intervalCorrection(first, { ...first })).toEqual({ ok: true, value: { needed: false } });
  });

  it('reports the deltas when a late reading inside a finalized interval changes it', () => {
    const before = run(WORKED).intervals;
    const after = run([...WORKED, r(30, 1_300n)]).intervals;
    // The new reading at 10:30 makes that boundary 1300 instead of 1312.
    const first = intervalCorrection(before[0] as IntervalEnergy, after[0] as IntervalEnergy);
    const second = intervalCorrection(before[1] as IntervalEnergy, after[1] as IntervalEnergy);
    expect(first).toEqual({ ok: true, value: { needed: true, importDeltaWh: -12n, exportDeltaWh: 0n, reasons: ['IMPORT_CHANGED'] } });
    expect(second).toEqual({ ok: true, value: { needed: true, importDeltaWh: 12n, exportDeltaWh: 0n, reasons: ['IMPORT_CHANGED'] } });
  });

  it('reports an estimate turned into a measurement even when the energy happens to be the same', () => {
    const readings = [r(0, 0n), r(10, 100n), r(20, 200n)];
    const estimated = run(readings, { nowMs: at(60) }).intervals[1] as IntervalEnergy;
    const measured = run([...readings, r(30, 300n)], { nowMs: at(60) }).intervals[1] as IntervalEnergy;
    expect(estimated.importWh).toBe(measured.importWh);
    expect(intervalCorrection(estimated, measured)).toEqual({
      ok: true,
      value: { needed: true, importDeltaWh: 0n, exportDeltaWh: 0n, reasons: ['QUALITY_CHANGED'] },
    });
  });

  it('reports a change of anomaly codes', () => {
    const [first] = run(WORKED).intervals as [IntervalEnergy];
    const flagged: IntervalEnergy = { ...first, quality: 'anomalous', anomalies: ['GAP'] };
    expect(intervalCorrection(first, flagged)).toMatchObject({ ok: true, value: { needed: true, reasons: ['QUALITY_CHANGED', 'ANOMALIES_CHANGED'] } });
  });

  it('refuses to compare two different intervals', () => {
    const [first, second] = run(WORKED).intervals as [IntervalEnergy, IntervalEnergy];
    expect(intervalCorrection(first, second)).toMatchObject({ ok: false, code: 'INTERVAL_MISMATCH' });
  });
});
