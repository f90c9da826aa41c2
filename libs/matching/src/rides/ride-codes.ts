/**
 * Stable reasons the ride engine refuses an input or a command. A refused command changes
 * nothing, so the caller can act on the code without reconciling state. The string values
 * are part of the wire contract: never rename one, only add.
 */
export const RideRejectCode = {
  /** A field has the wrong type, or a number is not finite or not an integer where one is required. */
  MALFORMED_INPUT: 'MALFORMED_INPUT',
  /** A latitude is not a finite number in −90 .. 90. */
  LAT_OUT_OF_RANGE: 'LAT_OUT_OF_RANGE',
  /** A longitude is not a finite number in −180 .. 180. */
  LON_OUT_OF_RANGE: 'LON_OUT_OF_RANGE',
  /** A route polyline has no points. */
  POLYLINE_EMPTY: 'POLYLINE_EMPTY',
  /** A route polyline has more than `MAX_POLYLINE_POINTS` points. */
  POLYLINE_TOO_LONG: 'POLYLINE_TOO_LONG',
  /** A route polyline has fewer than two distinct points. */
  POLYLINE_DEGENERATE: 'POLYLINE_DEGENERATE',
  /** The route is shorter than `MIN_ROUTE_LENGTH_M`. */
  ROUTE_TOO_SHORT: 'ROUTE_TOO_SHORT',
  /** The route is longer than `MAX_ROUTE_LENGTH_M`. */
  ROUTE_TOO_LONG: 'ROUTE_TOO_LONG',
  /** A trip, driver, rider or booking id is empty or longer than `MAX_RIDE_ID_LENGTH`. */
  ID_INVALID: 'ID_INVALID',
  /** The departure time lies before the `nowMs` the caller passed. */
  DEPARTURE_IN_PAST: 'DEPARTURE_IN_PAST',
  /** The planned arrival is not after the departure. */
  ARRIVAL_NOT_AFTER_DEPARTURE: 'ARRIVAL_NOT_AFTER_DEPARTURE',
  /** Departure to arrival is longer than `MAX_TRIP_DURATION_MS`. */
  DURATION_ABOVE_MAX: 'DURATION_ABOVE_MAX',
  /** Route length ÷ duration is above `MAX_AVERAGE_SPEED_MPS`. */
  SPEED_IMPLAUSIBLE: 'SPEED_IMPLAUSIBLE',
  /** The vehicle capacity is not an integer in 1 .. `MAX_VEHICLE_SEATS`. */
  CAPACITY_INVALID: 'CAPACITY_INVALID',
  /** Seats offered or requested are zero or negative. */
  SEATS_NOT_POSITIVE: 'SEATS_NOT_POSITIVE',
  /** Seats offered exceed the vehicle's capacity. */
  SEATS_ABOVE_CAPACITY: 'SEATS_ABOVE_CAPACITY',
  /** Seats requested exceed `MAX_VEHICLE_SEATS`. */
  SEATS_ABOVE_MAX: 'SEATS_ABOVE_MAX',
  /** A price is negative. */
  PRICE_NEGATIVE: 'PRICE_NEGATIVE',
  /** A price is above its bound (`MAX_PRICE_PER_SEAT_MICRO`, `MAX_PRICE_PER_KM_MICRO`, `MAX_AMOUNT_MICRO`). */
  PRICE_ABOVE_MAX: 'PRICE_ABOVE_MAX',
  /** A maximum detour is negative or above `MAX_DETOUR_M` / `MAX_DETOUR_MINUTES`. */
  DETOUR_OUT_OF_RANGE: 'DETOUR_OUT_OF_RANGE',
  /** More than `MAX_STOPOVERS` stopovers. */
  TOO_MANY_STOPOVERS: 'TOO_MANY_STOPOVERS',
  /** A stopover lies farther than `STOPOVER_TOLERANCE_M` from the route. */
  STOPOVER_NOT_ON_ROUTE: 'STOPOVER_NOT_ON_ROUTE',
  /** Stopovers are not listed in the order the route passes them. */
  STOPOVERS_OUT_OF_ORDER: 'STOPOVERS_OUT_OF_ORDER',
  /** A request's latest departure is before its earliest, or the window exceeds `MAX_TIME_WINDOW_MS`. */
  TIME_WINDOW_INVALID: 'TIME_WINDOW_INVALID',
  /** A walking radius is not an integer in 0 .. `MAX_WALKING_RADIUS_M`. */
  WALKING_RADIUS_OUT_OF_RANGE: 'WALKING_RADIUS_OUT_OF_RANGE',
  /** A search limit is not an integer in 1 .. `MAX_SEARCH_LIMIT`. */
  LIMIT_OUT_OF_RANGE: 'LIMIT_OUT_OF_RANGE',
  /** A matcher config is out of range (road factor, H3 resolution). */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** A trip with this id is already indexed. */
  DUPLICATE_TRIP_ID: 'DUPLICATE_TRIP_ID',
  /** No trip with this id is indexed. */
  UNKNOWN_TRIP: 'UNKNOWN_TRIP',
  /** The matcher already holds `MAX_INDEXED_TRIPS` trips. */
  TOO_MANY_TRIPS: 'TOO_MANY_TRIPS',
  /** An update would change the route (or its driver) of a trip that has bookings: their positions would lose their meaning. */
  ROUTE_LOCKED_BY_BOOKINGS: 'ROUTE_LOCKED_BY_BOOKINGS',
  /** Fewer seats would be offered than some leg already has booked. */
  SEATS_BELOW_BOOKED: 'SEATS_BELOW_BOOKED',
  /** A route range is not integer metres with 0 ≤ from < to ≤ route length. */
  RANGE_INVALID: 'RANGE_INVALID',
  /** Some leg of the range has fewer free seats than requested. */
  NOT_ENOUGH_SEATS: 'NOT_ENOUGH_SEATS',
  /** A booking with this id exists with a different range or seat count. */
  BOOKING_ID_CONFLICT: 'BOOKING_ID_CONFLICT',
  /** Release of a booking id the inventory does not hold. */
  UNKNOWN_BOOKING: 'UNKNOWN_BOOKING',
  /** The trip already holds `MAX_BOOKINGS_PER_TRIP` bookings. */
  TOO_MANY_BOOKINGS: 'TOO_MANY_BOOKINGS',
  /** A rider tried to book a seat on their own trip. */
  OWN_TRIP: 'OWN_TRIP',
  /** A booking arrived at or after the trip's departure. */
  TRIP_DEPARTED: 'TRIP_DEPARTED',
  /** The booking is in a final state: nothing can happen to it any more. */
  BOOKING_FINAL: 'BOOKING_FINAL',
  /** The event does not apply to the booking's current state (e.g. `complete` before `confirm`). */
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  /** A rider no-show was reported without verified trip proofs; the fare cannot go to the driver on a claim alone. */
  NO_SHOW_NOT_PROVEN: 'NO_SHOW_NOT_PROVEN',
  /** An amount is negative, not a bigint, or the held total exceeds 2^63 − 1. */
  AMOUNT_INVALID: 'AMOUNT_INVALID',
  /** A cancellation policy field is out of range. */
  POLICY_INVALID: 'POLICY_INVALID',
} as const;

/** One of the {@link RideRejectCode} values. */
export type RideRejectCode = (typeof RideRejectCode)[keyof typeof RideRejectCode];

/** A refused input or command: nothing changed. */
export interface RideRejected {
  readonly status: 'rejected';
  readonly code: RideRejectCode;
  /** Human-readable detail for logs; never parse it, act on `code`. */
  readonly message: string;
}

/** Builds a {@link RideRejected}. */
export function rideRejected(code: RideRejectCode, message: string): RideRejected {
  return { status: 'rejected', code, message };
}
