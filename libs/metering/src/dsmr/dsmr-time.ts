/**
 * DSMR timestamps (`YYMMDDhhmmssX`) are the meter's local wall-clock time, with `X` = `S` when
 * summer time applies and `W` when it does not. The flag is what makes the conversion to UTC
 * unambiguous: in the autumn hour that happens twice (02:00–03:00 local on the last Sunday of
 * October) the same wall-clock reading is `S` the first time and `W` the second.
 *
 * So the conversion trusts the flag: UTC = local − (standard offset of the zone + 1 h if `S`).
 * Only the standard offset depends on the country, hence the `timeZone` parameter. Every zone
 * supported here follows the EU summer-time rule (since 1996: from the last Sunday of March,
 * 01:00 UTC, to the last Sunday of October, 01:00 UTC), which covers every two-digit DSMR year
 * (2000–2099); the conversion needs no time-zone database and no clock.
 *
 * Whether the flag agrees with that calendar is reported, not enforced: a meter whose flag
 * contradicts the calendar has a wrong clock or a synthetic telegram, and the reading's time
 * is then suspect (the service raises CLOCK_SKEW against the gateway's receipt time).
 */

/**
 * Standard (winter) offset from UTC in minutes of each supported meter time zone. CET
 * (UTC+1, summer UTC+2): the Netherlands, Belgium, Luxembourg, Switzerland, Hungary. GMT/IST
 * (UTC+0, summer UTC+1): Ireland, whose ESB meters speak DSMR 5 on their P1-like port.
 */
export const DSMR_TIME_ZONES = {
  'Europe/Amsterdam': 60,
  'Europe/Brussels': 60,
  'Europe/Luxembourg': 60,
  'Europe/Zurich': 60,
  'Europe/Budapest': 60,
  'Europe/Dublin': 0,
} as const;

/** A time zone whose meters' timestamps this library converts. */
export type DsmrTimeZone = keyof typeof DSMR_TIME_ZONES;

/** The zone used when none is given: Dutch meters are the majority of DSMR meters. */
export const DEFAULT_DSMR_TIME_ZONE: DsmrTimeZone = 'Europe/Amsterdam';

/** Whether `zone` is one of {@link DSMR_TIME_ZONES}. */
export function isDsmrTimeZone(zone: unknown): zone is DsmrTimeZone {
  return typeof zone === 'string' && Object.prototype.hasOwnProperty.call(DSMR_TIME_ZONES, zone);
}

/** A `0-0:1.0.0` timestamp, as written and as an instant. */
export interface DsmrTimestamp {
  /** The value as the meter wrote it, e.g. `170102192002W`. */
  readonly raw: string;
  /** The instant in epoch milliseconds (UTC). */
  readonly utcMs: number;
  /** True for the `S` flag: the meter says summer time applies. */
  readonly summerTime: boolean;
  /**
   * Whether the flag agrees with the EU summer-time calendar at `utcMs`. False for a
   * summer flag in January, or for a wall-clock time that does not exist (02:30 on the
   * spring-forward Sunday) whichever flag it carries.
   */
  readonly flagMatchesCalendar: boolean;
}

const TIMESTAMP = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([SW])$/;
const MS_PER_MINUTE = 60_000;

/**
 * The instant of a DSMR `YYMMDDhhmmssX` value in `timeZone`, or `undefined` when it is not
 * that shape or not a real date and time (month 13, 30 February, 24:00, second 60).
 */
export function dsmrTimestampToUtc(raw: string, timeZone: DsmrTimeZone): DsmrTimestamp | undefined {
  const m = TIMESTAMP.exec(raw);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fullYear = 2000 + year;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(fullYear, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const summerTime = m[7] === 'S';
  const offsetMinutes = DSMR_TIME_ZONES[timeZone] + (summerTime ? 60 : 0);
  const utcMs = Date.UTC(fullYear, month - 1, day, hour, minute, second) - offsetMinutes * MS_PER_MINUTE;
  return { raw, utcMs, summerTime, flagMatchesCalendar: isEuSummerTime(utcMs) === summerTime };
}

/** Whether EU summer time is in force at the instant `utcMs` (years 1996 and later). */
export function isEuSummerTime(utcMs: number): boolean {
  const year = new Date(utcMs).getUTCFullYear();
  return utcMs >= lastSundayAt0100Utc(year, 3) && utcMs < lastSundayAt0100Utc(year, 10);
}

/** 01:00 UTC on the last Sunday of `month` (1–12) of `year`, in epoch ms. */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = daysInMonth(year, month);
  const weekday = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
  return Date.UTC(year, month - 1, lastDay - weekday, 1);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
