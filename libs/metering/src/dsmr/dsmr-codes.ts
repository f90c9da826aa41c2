/**
 * The closed set of reasons a DSMR P1 telegram is refused. Callers (the metering service, its
 * operators) branch on these; the string values are part of the wire contract: never rename
 * one, only add. The README of this library lists which check produces which code and in
 * what order the checks run.
 */
export const DsmrErrorCode = {
  /** The input is longer than `MAX_TELEGRAM_BYTES`; no telegram is that long. */
  TOO_LARGE: 'DSMR_TOO_LARGE',
  /** The input ends before the end line (`!`, 0–4 hex digits, CRLF) is complete, or is empty. */
  TRUNCATED: 'DSMR_TRUNCATED',
  /** A line ends in a bare LF or a CR is not followed by LF; the wire format is CRLF. */
  BAD_LINE_ENDING: 'DSMR_BAD_LINE_ENDING',
  /** The end line is not `!` followed by at most four hexadecimal digits. */
  BAD_CRC_FIELD: 'DSMR_BAD_CRC_FIELD',
  /** The CRC-16/ARC of the bytes from `/` to `!` differs from the CRC field. */
  CRC_MISMATCH: 'DSMR_CRC_MISMATCH',
  /** Bytes follow the end line: a gateway must submit exactly one telegram. */
  TRAILING_DATA: 'DSMR_TRAILING_DATA',
  /** The input does not start with `/`, the identification line is malformed, or the empty line after it is missing. */
  BAD_HEADER: 'DSMR_BAD_HEADER',
  /** A data line is not `A-B:C.D.E[*F](value)…` (or a `(value)…` continuation of such a line). */
  BAD_OBIS: 'DSMR_BAD_OBIS',
  /** The same OBIS reference appears on two lines, so which value counts would be a guess. */
  DUPLICATE_OBIS: 'DSMR_DUPLICATE_OBIS',
  /** A register this parser interprets has the wrong shape: not one value, not a decimal number, or a unit it does not know. */
  BAD_VALUE: 'DSMR_BAD_VALUE',
  /** An energy or power value is not a whole number of Wh or W (e.g. `0.5*Wh`, `123.4567*kWh`). */
  UNREPRESENTABLE_VALUE: 'DSMR_UNREPRESENTABLE_VALUE',
  /** `0-0:1.0.0` is not `YYMMDDhhmmss` plus `S` or `W`, or is not a real calendar date and time. */
  BAD_TIMESTAMP: 'DSMR_BAD_TIMESTAMP',
  /** The `timeZone` option is not one of `DSMR_TIME_ZONES`. */
  UNSUPPORTED_TIME_ZONE: 'DSMR_UNSUPPORTED_TIME_ZONE',
  /** Turning a telegram into a reading: no `0-0:1.0.0` timestamp and no fallback time given. */
  MISSING_TIMESTAMP: 'DSMR_MISSING_TIMESTAMP',
  /** Turning a telegram into a reading: no import (`1-0:1.8.x`) or no export (`1-0:2.8.x`) energy register. */
  MISSING_REGISTER: 'DSMR_MISSING_REGISTER',
  /** Turning a telegram into a reading: the total register (`x.8.0`) differs from the sum of the tariff registers. */
  INCONSISTENT_TOTAL: 'DSMR_INCONSISTENT_TOTAL',
} as const;

/** One of the {@link DsmrErrorCode} values. */
export type DsmrErrorCode = (typeof DsmrErrorCode)[keyof typeof DsmrErrorCode];
