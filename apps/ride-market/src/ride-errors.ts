import { AppError, ErrorCode } from '@ampool/contracts';
import type { RideRejected } from '@ampool/matching';

/** Engine codes that have an error code of their own. */
const OWN_CODES: Partial<Record<string, ErrorCode>> = {
  DEPARTURE_IN_PAST: ErrorCode.DEPARTURE_IN_PAST,
  NOT_ENOUGH_SEATS: ErrorCode.NOT_ENOUGH_SEATS,
  OWN_TRIP: ErrorCode.OWN_TRIP,
  TRIP_DEPARTED: ErrorCode.TRIP_DEPARTED,
  NO_SHOW_NOT_PROVEN: ErrorCode.NO_SHOW_NOT_PROVEN,
  BOOKING_FINAL: ErrorCode.INVALID_TRANSITION,
  ILLEGAL_TRANSITION: ErrorCode.INVALID_TRANSITION,
};

/**
 * The stable error for an engine refusal. Trip rules become TRIP_INVALID and request rules
 * OUT_OF_RANGE, each with `details.rideCode` naming the engine's rule.
 */
export function rideError(rejected: RideRejected, kind: 'trip' | 'request'): AppError {
  const code = OWN_CODES[rejected.code] ?? (kind === 'trip' ? ErrorCode.TRIP_INVALID : ErrorCode.OUT_OF_RANGE);
  return new AppError(code, rejected.message, { rideCode: rejected.code });
}
