import fc from 'fast-check';
import { DSMR_TIME_ZONES, dsmrTimestampToUtc, isDsmrTimeZone, isEuSummerTime, type DsmrTimeZone } from './dsmr-time';

/**
 * The meter's view of an instant, computed independently with the ICU time-zone database
 * that ships with Node: local wall clock as YYMMDDhhmmss and S when the offset is above the
 * zone's standard offset.
 */
function meterView(utcMs: number, zone: DsmrTimeZone): string {
  const parts = formatter(zone).formatToParts(new Date(utcMs));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const offset = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(part('timeZoneName'));
  const offsetMinutes = offset?.[1] === undefined ? 0 : (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  const flag = offsetMinutes > DSMR_TIME_ZONES[zone] ? 'S' : 'W';
  return `${part('year')}${part('month')}${part('day')}${part('hour')}${part('minute')}${part('second')}${flag}`;
}

const formatters = new Map<DsmrTimeZone, Intl.DateTimeFormat>();

function formatter(zone: DsmrTimeZone): Intl.DateTimeFormat {
  const cached = formatters.get(zone);
  if (cached !== undefined) return cached;
  const created = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    timeZoneName: 'longOffset',
    year: '2-digit',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  formatters.set(zone, created);
  return created;
}

const utc = (iso: string): number => Date.parse(iso);

describe('DSMR timestamps', () => {
  it('tells the two occurrences of the repeated autumn hour apart by the S/W flag', () => {
    // 29 October 2023, Amsterdam: 02:30 local happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    expect(dsmrTimestampToUtc('231029023000S', 'Europe/Amsterdam')?.utcMs).toBe(utc('2023-10-29T00:30:00Z'));
    expect(dsmrTimestampToUtc('231029023000W', 'Europe/Amsterdam')?.utcMs).toBe(utc('2023-10-29T01:30:00Z'));
    // Dublin: 01:30 local happens at 00:30 UTC (IST) and at 01:30 UTC (GMT).
    expect(dsmrTimestampToUtc('231029013000S', 'Europe/Dublin')?.utcMs).toBe(utc('2023-10-29T00:30:00Z'));
    expect(dsmrTimestampToUtc('231029013000W', 'Europe/Dublin')?.utcMs).toBe(utc('2023-10-29T01:30:00Z'));
    for (const raw of ['231029023000S', '231029023000W']) expect(dsmrTimestampToUtc(raw, 'Europe/Amsterdam')?.flagMatchesCalendar).toBe(true);
  });

  it('flags a wall-clock time skipped in spring, whichever flag it carries, as disagreeing with the calendar', () => {
    // 31 March 2024, Amsterdam: clocks go from 02:00 to 03:00, so 02:30 never happens.
    expect(dsmrTimestampToUtc('240331023000W', 'Europe/Amsterdam')?.flagMatchesCalendar).toBe(false);
    expect(dsmrTimestampToUtc('240331023000S', 'Europe/Amsterdam')?.flagMatchesCalendar).toBe(false);
    expect(dsmrTimestampToUtc('240331015959W', 'Europe/Amsterdam')).toMatchObject({ utcMs: utc('2024-03-31T00:59:59Z'), flagMatchesCalendar: true });
    expect(dsmrTimestampToUtc('240331030000S', 'Europe/Amsterdam')).toMatchObject({ utcMs: utc('2024-03-31T01:00:00Z'), flagMatchesCalendar: true });
  });

  it('converts every instant of 2000–2099 as written by a meter back to that instant, in every supported zone', () => {
    const zones = Object.keys(DSMR_TIME_ZONES) as DsmrTimeZone[];
    fc.assert(
      fc.property(fc.integer({ min: utc('2000-01-02T00:00:00Z') / 1000, max: utc('2099-12-30T00:00:00Z') / 1000 }), fc.constantFrom(...zones), (seconds, zone) => {
        const raw = meterView(seconds * 1000, zone);
        const converted = dsmrTimestampToUtc(raw, zone);
        expect(converted).toEqual({ raw, utcMs: seconds * 1000, summerTime: raw.endsWith('S'), flagMatchesCalendar: true });
      }),
      { numRuns: 3_000 },
    );
  });

  it('converts every second around the 2023 and 2024 transitions as a meter writes it', () => {
    for (const [zone, iso] of [
      ['Europe/Amsterdam', '2023-10-29T01:00:00Z'],
      ['Europe/Amsterdam', '2024-03-31T01:00:00Z'],
      ['Europe/Dublin', '2023-10-29T01:00:00Z'],
      ['Europe/Dublin', '2024-03-31T01:00:00Z'],
    ] as const) {
      for (let s = -3_700; s <= 3_700; s++) {
        const at = utc(iso) + s * 1000;
        const converted = dsmrTimestampToUtc(meterView(at, zone), zone);
        if (converted?.utcMs !== at || !converted.flagMatchesCalendar) throw new Error(`${zone} ${new Date(at).toISOString()} → ${JSON.stringify(converted)}`);
      }
    }
  });

  it('agrees with the time-zone database on when EU summer time applies', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc('2000-01-01T00:00:00Z'), max: utc('2099-12-31T00:00:00Z') }), (at) => {
        expect(isEuSummerTime(at)).toBe(meterView(at, 'Europe/Amsterdam').endsWith('S'));
      }),
      { numRuns: 2_000 },
    );
  });

  it('knows the supported zones and nothing else', () => {
    expect(isDsmrTimeZone('Europe/Brussels')).toBe(true);
    expect(isDsmrTimeZone('Europe/London')).toBe(false);
    expect(isDsmrTimeZone('toString')).toBe(false);
  });
});
