/**
 * Result values for expected failures, in the TigerBeetle manner: a caller branches on a
 * stable `code`, never on a message or an exception. Exceptions are kept for programmer
 * errors (a caller that passes garbage it built itself), see {@link MeteringError}.
 */

/** A successful outcome carrying `value`. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failed outcome: a stable `code` to act on and a human-readable `message`. */
export interface Failure<C extends string> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
}

/** Either a value or a failure with one of the codes `C`. */
export type Result<T, C extends string> = Ok<T> | Failure<C>;

/** Wraps `value` as a success. */
export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

/** A failure with `code` and `message`. */
export function fail<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message };
}

/** Codes of {@link MeteringError}: inputs a caller must fix, not data from a device. */
export const METERING_ERROR_CODES = ['INVALID_BATCH', 'INVALID_TELEGRAM_SUBMISSION', 'INVALID_TRIP_PROOF'] as const;

/** One of {@link METERING_ERROR_CODES}. */
export type MeteringErrorCode = (typeof METERING_ERROR_CODES)[number];

/**
 * Thrown only when a caller asks for the signing bytes of a value it built itself and that
 * value has no canonical form (a negative register, a timestamp outside years 0–9999…).
 * Verification functions never throw it: untrusted data simply fails to verify.
 */
export class MeteringError extends Error {
  override readonly name = 'MeteringError';

  constructor(
    readonly code: MeteringErrorCode,
    message: string,
  ) {
    super(message);
  }
}
