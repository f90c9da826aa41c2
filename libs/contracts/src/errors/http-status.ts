import { ErrorCode } from './error-code';

/** The one mapping from error codes to HTTP statuses, used by the gateway's error filter. */
const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  ID_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  PARTICIPANT_UNKNOWN: 422,
  PARTICIPANT_NOT_ACTIVE: 403,
  INTERVAL_NOT_OPEN: 422,
  OUT_OF_RANGE: 422,
  INSUFFICIENT_FUNDS: 422,
  ACCOUNT_UNKNOWN: 404,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** HTTP status for an error code. */
export function httpStatusFor(code: ErrorCode): number {
  return HTTP_STATUS[code];
}
