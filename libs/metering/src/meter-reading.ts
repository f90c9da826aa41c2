/**
 * What a metering device reports: its cumulative registers at a moment. Registers only count
 * up (import: energy drawn from the grid; export: energy fed into it), so the energy of any
 * period is a difference of two readings. A battery also reports its state of charge, which
 * is a level, not a counter.
 */

/** One reading of a device's registers. */
export interface MeterReading {
  /** When the registers had these values, epoch milliseconds (UTC). */
  readonly atMs: number;
  /** Cumulative import register, Wh. */
  readonly importWh: bigint;
  /** Cumulative export register, Wh. */
  readonly exportWh: bigint;
  /** Battery state of charge, Wh (batteries only). */
  readonly socWh?: bigint;
}

/** Largest register value accepted: PostgreSQL's BIGINT, as everywhere else in the system. */
export const MAX_REGISTER_WH = (1n << 63n) - 1n;

/**
 * Latest timestamp accepted (9999-12-31T23:59:59.999Z), so that every reading has a
 * four-digit-year ISO 8601 form; the earliest is the epoch.
 */
export const MAX_READING_MS = 253_402_300_799_999;

/** Why a value is not a well-formed {@link MeterReading}, or `undefined` if it is one. */
export function readingProblem(reading: MeterReading): string | undefined {
  if (typeof reading !== 'object' || reading === null) return 'not an object';
  const { atMs, importWh, exportWh, socWh } = reading;
  if (!Number.isSafeInteger(atMs) || atMs < 0 || atMs > MAX_READING_MS) return 'atMs must be an integer epoch millisecond between 1970 and 9999';
  if (!isRegister(importWh)) return 'importWh must be a bigint between 0 and 2^63 − 1';
  if (!isRegister(exportWh)) return 'exportWh must be a bigint between 0 and 2^63 − 1';
  if (socWh !== undefined && !isRegister(socWh)) return 'socWh must be a bigint between 0 and 2^63 − 1';
  return undefined;
}

function isRegister(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_REGISTER_WH;
}
