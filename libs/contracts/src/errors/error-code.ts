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
  /** The request carries no signature (or session) where one is required. */
  SIGNATURE_MISSING: 'SIGNATURE_MISSING',
  /** The signature, its parameters or its covered components are malformed or do not verify. */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** The signature's `created` time is more than the allowed skew away from now. */
  SIGNATURE_EXPIRED: 'SIGNATURE_EXPIRED',
  /** The signature's nonce was seen before: a replay. */
  NONCE_REPLAYED: 'NONCE_REPLAYED',
  /** The body does not match its Content-Digest, or the digest is missing or malformed. */
  DIGEST_MISMATCH: 'DIGEST_MISMATCH',
  /** The keyid names no registered key. */
  KEY_UNKNOWN: 'KEY_UNKNOWN',
  /** The key was revoked or replaced by rotation. */
  KEY_REVOKED: 'KEY_REVOKED',
  /** The operator session is missing, expired or ended. */
  SESSION_INVALID: 'SESSION_INVALID',
  /** Wrong email or password. */
  LOGIN_FAILED: 'LOGIN_FAILED',
  /** Authenticated, but not allowed to do this (wrong role, or someone else's resource). */
  FORBIDDEN: 'FORBIDDEN',
  /** Too many requests: retry after the number of seconds in Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The registration challenge is unknown, expired, used, or for another key. */
  CHALLENGE_INVALID: 'CHALLENGE_INVALID',
  /** A proof signature (possession of a key, device binding, rotation) does not verify. */
  PROOF_INVALID: 'PROOF_INVALID',
  /** The requested status change is not allowed from the current status. */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** A DSMR telegram's CRC-16 does not match its bytes. */
  TELEGRAM_CRC_MISMATCH: 'TELEGRAM_CRC_MISMATCH',
  /** A DSMR telegram is truncated or malformed; `details.dsmrCode` names the check that failed. */
  TELEGRAM_MALFORMED: 'TELEGRAM_MALFORMED',
  /** A trip is refused by the ride engine's rules; `details.rideCode` names the rule (route, times, seats, price, detour, stopovers). */
  TRIP_INVALID: 'TRIP_INVALID',
  /** A trip's departure lies in the past. */
  DEPARTURE_IN_PAST: 'DEPARTURE_IN_PAST',
  /** Some leg of the ride has fewer free seats than asked for. */
  NOT_ENOUGH_SEATS: 'NOT_ENOUGH_SEATS',
  /** A driver tried to book a seat on their own trip. */
  OWN_TRIP: 'OWN_TRIP',
  /** The trip has departed: no more bookings. */
  TRIP_DEPARTED: 'TRIP_DEPARTED',
  /** The trip was cancelled. */
  TRIP_NOT_OPEN: 'TRIP_NOT_OPEN',
  /** The trip does not serve this pickup and dropoff (too far, wrong direction, detour or price); `details.reason` says which rule. */
  RIDE_NOT_SERVED: 'RIDE_NOT_SERVED',
  /** A rider no-show needs metering's trip proofs, and there are none for this booking. */
  NO_SHOW_NOT_PROVEN: 'NO_SHOW_NOT_PROVEN',
  // Trip proofs (metering).
  /** Metering knows no confirmed booking with this id (yet: confirmations arrive as events, retry shortly). */
  TRIP_LEG_UNKNOWN: 'TRIP_LEG_UNKNOWN',
  /** The proof's sender or signing key is not the booking's party for that role. */
  TRIP_PROOF_WRONG_PARTY: 'TRIP_PROOF_WRONG_PARTY',
  /** A pick-up later than the same party's drop-off (or a drop-off before its pick-up). */
  TRIP_PROOF_OUT_OF_ORDER: 'TRIP_PROOF_OUT_OF_ORDER',
  /** The proof's position is further from the agreed meeting point than the tolerance. */
  TRIP_PROOF_TOO_FAR: 'TRIP_PROOF_TOO_FAR',
  /** The proof's time is too far from the agreed time, or ahead of now by more than the allowed clock skew. */
  TRIP_PROOF_OFF_TIME: 'TRIP_PROOF_OFF_TIME',
  /** The party already confirmed this event with a different statement; the first one stands. */
  TRIP_PROOF_CONFLICT: 'TRIP_PROOF_CONFLICT',
  /** The leg already has a verdict: no new proofs are taken. */
  TRIP_LEG_DECIDED: 'TRIP_LEG_DECIDED',
  /** Only a disputed leg can be resolved (or it was resolved differently before). */
  TRIP_DISPUTE_NOT_OPEN: 'TRIP_DISPUTE_NOT_OPEN',
  // energy market
  /** The zone is not part of any configured area (or the area is not configured). */
  ZONE_UNKNOWN: 'ZONE_UNKNOWN',
  /** The order's price lies outside the market's band: the utility's feed-in tariff to its retail price. */
  PRICE_OUT_OF_BAND: 'PRICE_OUT_OF_BAND',
  /** A sell order names no device, a device that is not the caller's, or one that cannot sell energy. */
  DEVICE_NOT_OWNED: 'DEVICE_NOT_OWNED',
  /** The device cannot deliver this much in the interval (power × length, battery above reserve, minus what it already sells). */
  DEVICE_CANNOT_DELIVER: 'DEVICE_CANNOT_DELIVER',
  /** The device is suspended by an operator: it signs, reports and sells nothing until reinstated. */
  DEVICE_SUSPENDED: 'DEVICE_SUSPENDED',
  /** A fill-or-kill or minimum-fill order could not fill as asked; nothing traded. */
  ORDER_NOT_FILLABLE: 'ORDER_NOT_FILLABLE',
  /** The order is not open (filled, cancelled or expired), so it cannot be cancelled or replaced. */
  ORDER_NOT_OPEN: 'ORDER_NOT_OPEN',
  /** A service the request depends on (or the message broker) did not answer in time. Safe to retry with the same id. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /**
   * A service the request depends on, its database or the message broker is not reachable
   * (down, restarting, dropped the connection). Safe to retry with the same id; over HTTP it
   * comes with Retry-After.
   */
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
