import {
  ANOMALY_CODES,
  DEFAULT_ANOMALY_POLICY,
  anomalyTouches,
  isAboveRatingEnergy,
  isAboveRatingPower,
  registrationAnomaly,
  screenReadings,
  segmentAnomalies,
  type Anomaly,
} from './anomalies';
import type { MeterReading } from './meter-reading';

const MIN = 60_000;
const r = (atMs: number, importWh: bigint, exportWh = 0n): MeterReading => ({ atMs, importWh, exportWh });
const codes = (anomalies: readonly Anomaly[]): string[] => anomalies.map((a) => `${a.code}@${a.fromMs}-${a.toMs}`);

describe('anomaly codes', () => {
  it('are the closed set the service and operators branch on', () => {
    expect(ANOMALY_CODES).toEqual([
      'REGISTER_BACKWARDS',
      'ABOVE_RATING',
      'GAP',
      'CLOCK_SKEW',
      'TOO_OLD',
      'CONFLICTING_DUPLICATE',
      'NOT_REGISTERED_FOR_INTERVAL',
      'BAD_SIGNATURE',
    ]);
  });
});

describe('screenReadings', () => {
  const policy = { ...DEFAULT_ANOMALY_POLICY, clockSkewToleranceMs: 1_000, maxReadingAgeMs: 100 * MIN };
  const now = 1_000 * MIN;

  it('sorts, merges exact duplicates silently and keeps one reading per timestamp', () => {
    const screened = screenReadings([r(now - 2, 5n), r(now - 5, 1n), r(now - 2, 5n), r(now - 5, 1n)], now, policy);
    expect(screened.usable).toEqual([r(now - 5, 1n), r(now - 2, 5n)]);
    expect(screened.anomalies).toEqual([]);
  });

  it('drops every reading of a timestamp whose readings disagree, even in the soc only', () => {
    const a = { ...r(now - 10, 1n), socWh: 5n };
    const screened = screenReadings([r(now - 20, 0n), a, { ...a, socWh: 6n }, r(now - 5, 2n)], now, policy);
    expect(screened.usable.map((x) => x.atMs)).toEqual([now - 20, now - 5]);
    expect(codes(screened.anomalies)).toEqual([`CONFLICTING_DUPLICATE@${now - 20}-${now - 5}`]);
  });

  it('sets aside readings beyond the clock-skew tolerance and older than the backlog limit, one anomaly each side', () => {
    const readings = [r(now - 101 * MIN, 0n), r(now - 100 * MIN - 1, 0n), r(now - 100 * MIN, 1n), r(now + 1_000, 2n), r(now + 1_001, 3n), r(now + 9_999, 4n)];
    const screened = screenReadings(readings, now, policy);
    expect(screened.usable.map((x) => x.atMs)).toEqual([now - 100 * MIN, now + 1_000]);
    expect(codes(screened.anomalies)).toEqual([`TOO_OLD@${now - 101 * MIN}-${now - 100 * MIN - 1}`, `CLOCK_SKEW@${now + 1_001}-${now + 9_999}`]);
    expect(screened.anomalies.map((a) => a.message)).toEqual([expect.stringContaining('2 reading(s)'), expect.stringContaining('2 reading(s)')]);
  });
});

describe('segmentAnomalies', () => {
  const policy = DEFAULT_ANOMALY_POLICY;

  it('merges consecutive segments with the same anomaly into one span', () => {
    const readings = [r(0, 100n), r(MIN, 90n), r(2 * MIN, 80n), r(3 * MIN, 85n), r(4 * MIN, 70n)];
    expect(codes(segmentAnomalies(readings, {}, 15 * MIN, policy))).toEqual([`REGISTER_BACKWARDS@0-${2 * MIN}`, `REGISTER_BACKWARDS@${3 * MIN}-${4 * MIN}`]);
  });

  it('notices a backwards export register too', () => {
    expect(codes(segmentAnomalies([r(0, 0n, 10n), r(MIN, 5n, 9n)], {}, 15 * MIN, policy))).toEqual([`REGISTER_BACKWARDS@0-${MIN}`]);
  });

  it('calls a segment longer than maxGapIntervals interval lengths a gap, and one exactly that long not', () => {
    const readings = [r(0, 0n), r(30 * MIN, 0n), r(60 * MIN + 1, 0n)];
    expect(codes(segmentAnomalies(readings, {}, 15 * MIN, policy))).toEqual([`GAP@${30 * MIN}-${60 * MIN + 1}`]);
  });

  it('reports power above the rating only with a rating', () => {
    const readings = [r(0, 0n), r(MIN, 1_000n)]; // 60 kW
    expect(segmentAnomalies(readings, {}, 15 * MIN, policy)).toEqual([]);
    expect(codes(segmentAnomalies(readings, { ratedPowerW: 10_000n }, 15 * MIN, policy))).toEqual([`ABOVE_RATING@0-${MIN}`]);
  });
});

describe('rating checks', () => {
  it('allow the rating plus the tolerance over a segment, counting one register tick as possibly nothing', () => {
    // 3 kW × 1.05 for one hour = 3150 Wh; the register may show one more.
    expect(isAboveRatingPower(3_151n, 3_600_000, 3_000n, 5)).toBe(false);
    expect(isAboveRatingPower(3_152n, 3_600_000, 3_000n, 5)).toBe(true);
    // One tick in one second would be 3.6 kW: not evidence of anything.
    expect(isAboveRatingPower(1n, 1_000, 100n, 0)).toBe(false);
    expect(isAboveRatingPower(2n, 1_000, 100n, 0)).toBe(true);
  });

  it('allow the rating times the interval length plus the tolerance plus one Wh of rounding', () => {
    // 2 kW × 5 min = 166.67 Wh; +10 % = 183.3 Wh.
    expect(isAboveRatingEnergy(184n, 5, 2_000n, 10)).toBe(false);
    expect(isAboveRatingEnergy(185n, 5, 2_000n, 10)).toBe(true);
    expect(isAboveRatingEnergy(-5_000n, 5, 2_000n, 10)).toBe(false);
  });
});

describe('registrationAnomaly', () => {
  it('flags an interval that starts before the registration or ends after it', () => {
    const device = { registeredFromMs: 100, registeredUntilMs: 200 };
    expect(registrationAnomaly(100, 200, device)).toBeUndefined();
    expect(registrationAnomaly(99, 150, device)?.code).toBe('NOT_REGISTERED_FOR_INTERVAL');
    expect(registrationAnomaly(150, 201, device)?.code).toBe('NOT_REGISTERED_FOR_INTERVAL');
    expect(registrationAnomaly(0, 1, {})).toBeUndefined();
  });
});

describe('anomalyTouches', () => {
  const span = (fromMs: number, toMs: number): Anomaly => ({ code: 'GAP', fromMs, toMs, message: '' });

  it('counts a span that only meets the interval at a boundary as not touching it', () => {
    expect(anomalyTouches(span(0, 100), 100, 200)).toBe(false);
    expect(anomalyTouches(span(200, 300), 100, 200)).toBe(false);
    expect(anomalyTouches(span(0, 101), 100, 200)).toBe(true);
    expect(anomalyTouches(span(199, 300), 100, 200)).toBe(true);
  });

  it('counts an instant on a boundary as touching both intervals', () => {
    expect(anomalyTouches(span(200, 200), 100, 200)).toBe(true);
    expect(anomalyTouches(span(200, 200), 200, 300)).toBe(true);
    expect(anomalyTouches(span(301, 301), 200, 300)).toBe(false);
  });
});
