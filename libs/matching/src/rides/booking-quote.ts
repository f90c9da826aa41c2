/**
 * The terms of one booking on one trip: where the rider boards and leaves, when, and what a
 * seat costs — by exactly the rules search uses, so a rider who books an offer gets that offer.
 * The seats themselves are not checked here: the service takes them in PostgreSQL, where
 * concurrent bookings are serialised.
 */
import type { LatLng } from './geo';
import { MAX_AMOUNT_MICRO, MAX_TIME_WINDOW_MS } from './ride-bounds';
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';
import { type RideMismatch, type RideOffer, checkRideRequest, evaluateTrip } from './ride-rules';
import { SeatInventory } from './seat-inventory';
import type { Trip } from './trip';

/** What a rider asks for when booking a trip. */
export interface BookingQuoteRequest {
  readonly riderId: string;
  readonly pickup: LatLng;
  readonly dropoff: LatLng;
  readonly seats: number;
  /** Integer metres; the search default (800) when absent. */
  readonly walkingRadiusM?: number;
  /** Most the rider pays for the fare of all seats; unbounded when absent. */
  readonly maxTotalPriceMicro?: bigint;
  /** Now, epoch ms: a trip that departs at or before it takes no booking. */
  readonly nowMs: number;
}

/**
 * Result of {@link quoteBooking}: the offer; or `not-served` with the search rule that fails
 * (the pickup or dropoff is too far, the route goes the wrong way, the detour is too long, the
 * price is above the rider's maximum); or a rejection of the request itself.
 */
export type BookingQuote =
  | { readonly status: 'quoted'; readonly offer: RideOffer }
  | { readonly status: 'not-served'; readonly reason: RideMismatch }
  | RideRejected;

/**
 * Quotes a booking. Codes, in order: the request's (`ID_INVALID`, `LAT_/LON_OUT_OF_RANGE`,
 * `SEATS_NOT_POSITIVE`, `SEATS_ABOVE_MAX`, `PRICE_NEGATIVE`, `PRICE_ABOVE_MAX`,
 * `WALKING_RADIUS_OUT_OF_RANGE`, `MALFORMED_INPUT`), then `OWN_TRIP`, `TRIP_DEPARTED`
 * (now ≥ departure) and `NOT_ENOUGH_SEATS` (more seats than the trip offers at all). The
 * pickup may be at any time of the trip: a booking names the trip, so no time window applies.
 */
export function quoteBooking(trip: Trip, request: BookingQuoteRequest, roadFactor: number): BookingQuote {
  const checked = checkRideRequest({
    riderId: request.riderId,
    pickup: request.pickup,
    dropoff: request.dropoff,
    earliestDepartureMs: trip.departureMs,
    latestDepartureMs: trip.departureMs + MAX_TIME_WINDOW_MS,
    seats: request.seats,
    maxTotalPriceMicro: request.maxTotalPriceMicro ?? MAX_AMOUNT_MICRO,
    ...(request.walkingRadiusM === undefined ? {} : { walkingRadiusM: request.walkingRadiusM }),
    nowMs: request.nowMs,
  });
  if (checked.status === 'rejected') return checked;
  if (request.riderId === trip.driverId) return rideRejected(RideRejectCode.OWN_TRIP, 'a driver cannot book a seat on their own trip');
  if (request.nowMs >= trip.departureMs) return rideRejected(RideRejectCode.TRIP_DEPARTED, `trip ${trip.tripId} departed at ${trip.departureMs}`);
  if (request.seats > trip.seatsOffered) {
    return rideRejected(RideRejectCode.NOT_ENOUGH_SEATS, `${request.seats} seats asked; the trip offers ${trip.seatsOffered}`);
  }
  // The whole trip is the window; seats are taken (and checked) by the caller's store.
  const valid = { ...checked.request, latestDepartureMs: Number.MAX_SAFE_INTEGER };
  const evaluation = evaluateTrip(trip, new SeatInventory(trip.seatsOffered, trip.routeLengthM), valid, roadFactor);
  return evaluation.matched ? { status: 'quoted', offer: evaluation.offer } : { status: 'not-served', reason: evaluation.reason };
}
