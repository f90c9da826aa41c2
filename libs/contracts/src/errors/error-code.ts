/**
 * The closed set of error codes any Ampool API can answer with. A caller acts on the code;
 * the message is for people. Codes are never renamed or reused: add new ones instead.
 */
export const ErrorCode = {
  /** The request body or parameters do not match the contract's schema. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The HTTP body is not parseable JSON. */
  MALFORMED_JSON: 'MALFORMED_JSON',
  /** The HTTP body is larger than the limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** No route, or no such resource. */
  NOT_FOUND: 'NOT_FOUND',
  /** An id was used before with a different body (ids make retries idempotent). */
  ID_CONFLICT: 'ID_CONFLICT',
  /** A resource with this natural key already exists (e.g. a participant key). */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** The participant named in the request is not registered. */
  PARTICIPANT_UNKNOWN: 'PARTICIPANT_UNKNOWN',
  /** The participant exists but may not act (pending, suspended or revoked). */
  PARTICIPANT_NOT_ACTIVE: 'PARTICIPANT_NOT_ACTIVE',
  /** The delivery interval is not open for trading (misaligned, or gate closure passed). */
  INTERVAL_NOT_OPEN: 'INTERVAL_NOT_OPEN',
  /** A quantity or price is outside what the market accepts. */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  /** The account has no funds available for this amount. */
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  /** The settlement account does not exist. */
  ACCOUNT_UNKNOWN: 'ACCOUNT_UNKNOWN',
  /** A service the request depends on did not answer in time. Safe to retry with the same id. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** A service the request depends on is not reachable. Safe to retry with the same id. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** Something failed that the caller cannot fix; details are in the service's log. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const KNOWN = new Set<string>(Object.values(ErrorCode));

/** True when `value` is one of the codes above. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}
