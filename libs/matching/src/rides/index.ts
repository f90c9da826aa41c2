/**
 * The pure ride-seat matching engine: route geometry, trips, seats per leg, H3-indexed
 * search, and the booking state machine with its cancellation policy. No I/O, no clock, no
 * randomness; the ride-market service wraps it with PostgreSQL and NATS.
 */
export * from './ride-bounds';
export * from './ride-codes';
export {
  DEFAULT_ROAD_FACTOR,
  EARTH_RADIUS_M,
  MIN_DISTINCT_M,
  checkLatLng,
  greatCircleDistanceM,
  nearestPointOnPolyline,
  polylineLengthM,
  preparePolyline,
  roadDistanceM,
} from './geo';
export type { LatLng, NearestPoint, Polyline, PolylineResult } from './geo';
export { createTrip, drivingTimeMs, farePerSeatMicro, timeAtPositionMs } from './trip';
export type { BookingMode, Stopover, Trip, TripInput, TripPricing, TripResult, TripValidationContext } from './trip';
export { SeatInventory } from './seat-inventory';
export type { BookSeatsResult, FreeSeatsResult, ReleaseSeatsResult, RouteRange, SeatCheckResult, SeatClaim } from './seat-inventory';
export { RideMismatch, checkRideRequest, compareOffers, driverReachM, evaluateTrip } from './ride-rules';
export type { MeetingKind, MeetingPoint, RideOffer, RideRequest, RideRequestResult, TripEvaluation, ValidRideRequest } from './ride-rules';
export { DEFAULT_H3_RESOLUTION, RideMatcher } from './ride-matcher';
export type { BookSeatsCommand, RideMatcherConfig, SearchResult, SearchStats, TripCommandResult } from './ride-matcher';
export { maxSeatsTaken, takeSeats } from './leg-table';
export type { Leg, TakeSeatsResult } from './leg-table';
export { quoteBooking } from './booking-quote';
export type { BookingQuote, BookingQuoteRequest } from './booking-quote';
export { FINAL_BOOKING_STATES, nextBookingState } from './booking-state';
export type { BookingEventType, BookingState, BookingTransition } from './booking-state';
export {
  BPS_PER_WHOLE,
  DEFAULT_CANCELLATION_POLICY,
  applyBookingEvent,
  approvalDeadlineMs,
  checkCancellationPolicy,
  serviceFeeMicro,
} from './cancellation-policy';
export type { BookingEvent, BookingMoney, BookingOutcome, CancellationPolicy, MoneySplit, PolicyRule } from './cancellation-policy';
