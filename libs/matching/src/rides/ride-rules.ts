/**
 * The exact rules that decide whether one trip serves one ride request, and the order of
 * offers. The matcher's spatial index only narrows down which trips to ask; the answer
 * always comes from {@link evaluateTrip}, so an indexed search and a scan over every trip
 * agree by construction whenever the index misses nothing.
 *
 * All distances compared here are integer metres and all times integer milliseconds, so an
 * offer's fields reproduce the checks exactly.
 */
import { type LatLng, checkLatLng, nearestPointOnPolyline } from './geo';
import {
  DEFAULT_SEARCH_LIMIT,
  DEFAULT_WALKING_RADIUS_M,
  MAX_AMOUNT_MICRO,
  MAX_RIDE_ID_LENGTH,
  MAX_SEARCH_LIMIT,
  MAX_TIME_WINDOW_MS,
  MAX_VEHICLE_SEATS,
  MAX_WALKING_RADIUS_M,
} from './ride-bounds';
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';
import type { SeatInventory } from './seat-inventory';
import { type BookingMode, type Trip, drivingTimeMs, farePerSeatMicro, timeAtPositionMs } from './trip';

/** What a rider asks for. */
export interface RideRequest {
  /** The rider; trips driven by this participant are never offered. Optional for anonymous searches. */
  readonly riderId?: string;
  readonly pickup: LatLng;
  readonly dropoff: LatLng;
  /** Earliest acceptable pickup time, epoch ms (inclusive). */
  readonly earliestDepartureMs: number;
  /** Latest acceptable pickup time, epoch ms (inclusive). */
  readonly latestDepartureMs: number;
  readonly seats: number;
  /** The most the rider pays in total for all requested seats, in µ-currency. */
  readonly maxTotalPriceMicro: bigint;
  /** How far the rider walks to and from the route, straight line, integer metres; default `DEFAULT_WALKING_RADIUS_M`. */
  readonly walkingRadiusM?: number;
  /** Trips departing at or before this instant are not offered (they cannot be booked any more). */
  readonly nowMs?: number;
  /** Most offers to return, 1 .. `MAX_SEARCH_LIMIT`; default `DEFAULT_SEARCH_LIMIT`. */
  readonly limit?: number;
}

/** A request after validation, with its defaults filled in. */
export interface ValidRideRequest {
  readonly riderId: string | null;
  readonly pickupLat: number;
  readonly pickupLon: number;
  readonly dropoffLat: number;
  readonly dropoffLon: number;
  readonly earliestDepartureMs: number;
  readonly latestDepartureMs: number;
  readonly seats: number;
  readonly maxTotalPriceMicro: bigint;
  readonly walkingRadiusM: number;
  readonly nowMs: number | null;
  readonly limit: number;
}

/** Result of {@link checkRideRequest}. */
export type RideRequestResult = { readonly status: 'accepted'; readonly request: ValidRideRequest } | RideRejected;

/**
 * How one end of a ride meets the route.
 * - `on-route`: the rider walks to the nearest point of the route (≤ walking radius); the
 *   driver does not leave the route.
 * - `off-route`: the rider is beyond the walking radius, so the driver leaves the route at
 *   the nearest point, drives to the rider's exact point and back.
 */
export type MeetingKind = 'on-route' | 'off-route';

/** Where and how a rider boards or leaves the car. */
export interface MeetingPoint {
  readonly kind: MeetingKind;
  /** Where the car stops: the nearest route point (`on-route`) or the rider's own point (`off-route`). */
  readonly lat: number;
  readonly lon: number;
  /** Position on the route where the car is (or leaves it for the rider), integer metres. */
  readonly routePositionM: number;
  /** Straight-line distance from the rider's point to the route, integer metres. */
  readonly offRouteM: number;
  /** What the rider walks: `offRouteM` when on-route, 0 when off-route. */
  readonly walkingM: number;
  /** Extra road distance for the driver at this end: 0 on-route, `ceil(2 × roadFactor × offRouteM)` off-route. */
  readonly detourM: number;
  /** Extra driving time for that distance at the trip's average speed, ms. */
  readonly detourMs: number;
}

/** One trip that serves a request, as shown to the rider. */
export interface RideOffer {
  readonly tripId: string;
  readonly driverId: string;
  readonly bookingMode: BookingMode;
  readonly pickup: MeetingPoint;
  readonly dropoff: MeetingPoint;
  /** Estimated time the car is at the pickup meeting point, epoch ms. */
  readonly pickupAtMs: number;
  /** Estimated time the car is at the dropoff meeting point, epoch ms (the ranking's first key). */
  readonly dropoffAtMs: number;
  /** Driver's total extra road distance (both ends), metres. */
  readonly detourM: number;
  /** Driver's total extra driving time (both ends), ms. */
  readonly detourMs: number;
  /** Rider's total walk (both ends), metres. */
  readonly walkingM: number;
  readonly seats: number;
  readonly farePerSeatMicro: bigint;
  /** `farePerSeatMicro × seats`: what the rider pays and what settlement holds for the fare. */
  readonly totalPriceMicro: bigint;
}

/** Why a trip does not serve a request (the first failing rule, in the order `evaluateTrip` checks them). */
export const RideMismatch = {
  /** The rider drives this trip. */
  OWN_TRIP: 'OWN_TRIP',
  /** The trip departs at or before the request's `nowMs`. */
  DEPARTED: 'DEPARTED',
  /** Fewer seats free on the rider's leg than requested (or offered at all). */
  NOT_ENOUGH_SEATS: 'NOT_ENOUGH_SEATS',
  /** The pickup is beyond the walking radius and the driver's detour limit. */
  PICKUP_TOO_FAR: 'PICKUP_TOO_FAR',
  /** The estimated pickup time is outside the request's window. */
  OUTSIDE_TIME_WINDOW: 'OUTSIDE_TIME_WINDOW',
  /** The route does not reach the dropoff after the pickup. */
  WRONG_DIRECTION: 'WRONG_DIRECTION',
  /** The dropoff is beyond the walking radius and the driver's detour limit. */
  DROPOFF_TOO_FAR: 'DROPOFF_TOO_FAR',
  /** Each end fits the driver's limit, but both together do not. */
  DETOUR_TOO_LONG: 'DETOUR_TOO_LONG',
  /** The total price is above the rider's maximum. */
  TOO_EXPENSIVE: 'TOO_EXPENSIVE',
} as const;

/** One of the {@link RideMismatch} values. */
export type RideMismatch = (typeof RideMismatch)[keyof typeof RideMismatch];

/** Result of {@link evaluateTrip}. */
export type TripEvaluation = { readonly matched: true; readonly offer: RideOffer } | { readonly matched: false; readonly reason: RideMismatch };

/**
 * Validates a request. Codes: `MALFORMED_INPUT`, `ID_INVALID`, `LAT_OUT_OF_RANGE`,
 * `LON_OUT_OF_RANGE`, `TIME_WINDOW_INVALID`, `SEATS_NOT_POSITIVE`, `SEATS_ABOVE_MAX`,
 * `PRICE_NEGATIVE`, `PRICE_ABOVE_MAX`, `WALKING_RADIUS_OUT_OF_RANGE`, `LIMIT_OUT_OF_RANGE`.
 */
export function checkRideRequest(request: RideRequest): RideRequestResult {
  const riderId = request.riderId ?? null;
  if (riderId !== null && (typeof riderId !== 'string' || riderId.length === 0 || riderId.length > MAX_RIDE_ID_LENGTH)) {
    return rideRejected(RideRejectCode.ID_INVALID, `rider id must be 1..${MAX_RIDE_ID_LENGTH} characters`);
  }
  for (const [name, point] of [['pickup', request.pickup], ['dropoff', request.dropoff]] as const) {
    if (!Array.isArray(point) || point.length !== 2) return rideRejected(RideRejectCode.MALFORMED_INPUT, `${name} must be a [lat, lon] pair`);
    const invalid = checkLatLng(point[0], point[1]);
    if (invalid) return rideRejected(invalid.code, `${name}: ${invalid.message}`);
  }
  const { earliestDepartureMs: earliest, latestDepartureMs: latest } = request;
  if (!Number.isSafeInteger(earliest) || !Number.isSafeInteger(latest)) {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'the time window must be integer epoch milliseconds');
  }
  if (latest < earliest || latest - earliest > MAX_TIME_WINDOW_MS) {
    return rideRejected(RideRejectCode.TIME_WINDOW_INVALID, `the window must have latest ≥ earliest and span at most ${MAX_TIME_WINDOW_MS} ms`);
  }
  if (request.nowMs !== undefined && !Number.isSafeInteger(request.nowMs)) {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'nowMs must be integer epoch milliseconds');
  }
  if (typeof request.seats !== 'number' || !Number.isSafeInteger(request.seats)) {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'seats must be an integer');
  }
  if (request.seats <= 0) return rideRejected(RideRejectCode.SEATS_NOT_POSITIVE, 'seats must be at least 1');
  if (request.seats > MAX_VEHICLE_SEATS) return rideRejected(RideRejectCode.SEATS_ABOVE_MAX, `at most ${MAX_VEHICLE_SEATS} seats`);
  if (typeof request.maxTotalPriceMicro !== 'bigint') {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'maxTotalPriceMicro must be a bigint');
  }
  if (request.maxTotalPriceMicro < 0n) return rideRejected(RideRejectCode.PRICE_NEGATIVE, 'maximum price must not be negative');
  if (request.maxTotalPriceMicro > MAX_AMOUNT_MICRO) return rideRejected(RideRejectCode.PRICE_ABOVE_MAX, 'maximum price above 2^63 - 1');
  const walkingRadiusM = request.walkingRadiusM ?? DEFAULT_WALKING_RADIUS_M;
  if (!Number.isSafeInteger(walkingRadiusM) || walkingRadiusM < 0 || walkingRadiusM > MAX_WALKING_RADIUS_M) {
    return rideRejected(RideRejectCode.WALKING_RADIUS_OUT_OF_RANGE, `walking radius must be an integer in 0..${MAX_WALKING_RADIUS_M} m`);
  }
  const limit = request.limit ?? DEFAULT_SEARCH_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    return rideRejected(RideRejectCode.LIMIT_OUT_OF_RANGE, `limit must be an integer in 1..${MAX_SEARCH_LIMIT}`);
  }
  return {
    status: 'accepted',
    request: {
      riderId,
      pickupLat: request.pickup[0],
      pickupLon: request.pickup[1],
      dropoffLat: request.dropoff[0],
      dropoffLon: request.dropoff[1],
      earliestDepartureMs: earliest,
      latestDepartureMs: latest,
      seats: request.seats,
      maxTotalPriceMicro: request.maxTotalPriceMicro,
      walkingRadiusM,
      nowMs: request.nowMs ?? null,
      limit,
    },
  };
}

/** Detour limit of a trip in milliseconds. */
export function maxDetourMs(trip: Trip): number {
  return trip.maxDetourMinutes * 60_000;
}

/**
 * The largest off-route distance (integer metres, as `MeetingPoint.offRouteM`) at which the
 * driver could still come to the rider at one end on this trip: `ceil(2 × roadFactor × d)`
 * must fit `maxDetourM`, and its driving time must fit `maxDetourMinutes`. The matcher's
 * index uses it to bound how far from a route it has to look.
 */
export function driverReachM(trip: Trip, roadFactor: number): number {
  const byTimeM = (maxDetourMs(trip) * trip.routeLengthM) / trip.durationMs;
  return Math.floor(Math.min(trip.maxDetourM, byTimeM) / (2 * roadFactor));
}

/**
 * How one end meets the route, or `null` if it cannot: within the walking radius the rider
 * walks; beyond it the driver comes, if that end's detour alone fits the driver's limits.
 */
function meet(trip: Trip, lat: number, lon: number, positionM: number, offRouteRawM: number, onLat: number, onLon: number, walkingRadiusM: number, roadFactor: number): MeetingPoint | null {
  const offRouteM = Math.round(offRouteRawM);
  if (offRouteM <= walkingRadiusM) {
    return { kind: 'on-route', lat: onLat, lon: onLon, routePositionM: positionM, offRouteM, walkingM: offRouteM, detourM: 0, detourMs: 0 };
  }
  const detourM = Math.ceil(2 * roadFactor * offRouteM);
  if (detourM > trip.maxDetourM) return null;
  const detourMs = drivingTimeMs(trip, detourM);
  if (detourMs > maxDetourMs(trip)) return null;
  return { kind: 'off-route', lat, lon, routePositionM: positionM, offRouteM, walkingM: 0, detourM, detourMs };
}

/**
 * Decides whether `trip` serves `request`, and if so with which offer. Rules, checked in
 * this order (the first failure is the reason):
 *
 * 1. not the rider's own trip; not departed (`departureMs > nowMs` when the request has one);
 *    at least `seats` seats offered at all;
 * 2. pickup: the nearest point of the whole route (earliest on a tie), at `offRouteM`
 *    (rounded to the metre). Within the walking radius the rider walks there; otherwise the
 *    driver leaves the route at that point and fetches the rider, a detour of
 *    `ceil(2 × roadFactor × offRouteM)` metres that must fit `maxDetourM`, taking
 *    `ceil(detourM × durationMs / routeLengthM)` ms that must fit `maxDetourMinutes`;
 * 3. estimated pickup time = time at the pickup position (`timeAtPositionMs`) plus, when the
 *    driver fetches the rider, half the pickup detour time (rounded up): the car reaches the
 *    rider halfway through its detour. It must lie in [earliest, latest];
 * 4. dropoff: the nearest point of the route after the pickup position (so a route that
 *    passes near the dropoff before the pickup is not mistaken for going the right way); its
 *    position, rounded to the metre, must be greater than the pickup's;
 * 5. dropoff distance as in 2 (walk, or the driver brings the rider to the exact point);
 * 6. both detours together must fit `maxDetourM` and `maxDetourMinutes`;
 * 7. `seats` free on every leg of [pickup position, dropoff position);
 * 8. total price = fare per seat (`farePerSeatMicro`) × seats ≤ `maxTotalPriceMicro`.
 *
 * Estimated dropoff time = time at the dropoff position + the whole pickup detour + half the
 * dropoff detour. Detours delay only this rider's estimate; they do not move the trip's
 * timing for other riders.
 */
export function evaluateTrip(trip: Trip, inventory: SeatInventory, request: ValidRideRequest, roadFactor: number): TripEvaluation {
  if (request.riderId !== null && request.riderId === trip.driverId) return { matched: false, reason: RideMismatch.OWN_TRIP };
  if (request.nowMs !== null && trip.departureMs <= request.nowMs) return { matched: false, reason: RideMismatch.DEPARTED };
  if (request.seats > inventory.seatsOffered) return { matched: false, reason: RideMismatch.NOT_ENOUGH_SEATS };

  const near = nearestPointOnPolyline(trip.route, request.pickupLat, request.pickupLon)!;
  const pickupPositionM = Math.round(near.positionM);
  const pickup = meet(trip, request.pickupLat, request.pickupLon, pickupPositionM, near.offRouteM, near.lat, near.lon, request.walkingRadiusM, roadFactor);
  if (!pickup) return { matched: false, reason: RideMismatch.PICKUP_TOO_FAR };
  const pickupAtMs = timeAtPositionMs(trip, pickupPositionM) + Math.ceil(pickup.detourMs / 2);
  if (pickupAtMs < request.earliestDepartureMs || pickupAtMs > request.latestDepartureMs) {
    return { matched: false, reason: RideMismatch.OUTSIDE_TIME_WINDOW };
  }

  const far = nearestPointOnPolyline(trip.route, request.dropoffLat, request.dropoffLon, near.positionM);
  const dropoffPositionM = far ? Math.round(far.positionM) : -1;
  if (!far || dropoffPositionM <= pickupPositionM) return { matched: false, reason: RideMismatch.WRONG_DIRECTION };
  const dropoff = meet(trip, request.dropoffLat, request.dropoffLon, dropoffPositionM, far.offRouteM, far.lat, far.lon, request.walkingRadiusM, roadFactor);
  if (!dropoff) return { matched: false, reason: RideMismatch.DROPOFF_TOO_FAR };

  const detourM = pickup.detourM + dropoff.detourM;
  const detourMs = pickup.detourMs + dropoff.detourMs;
  if (detourM > trip.maxDetourM || detourMs > maxDetourMs(trip)) return { matched: false, reason: RideMismatch.DETOUR_TOO_LONG };

  if (inventory.freeSeatsUnchecked(pickupPositionM, dropoffPositionM) < request.seats) {
    return { matched: false, reason: RideMismatch.NOT_ENOUGH_SEATS };
  }
  const fare = farePerSeatMicro(trip, pickupPositionM, dropoffPositionM);
  const totalPriceMicro = fare * BigInt(request.seats);
  if (totalPriceMicro > request.maxTotalPriceMicro) return { matched: false, reason: RideMismatch.TOO_EXPENSIVE };

  return {
    matched: true,
    offer: {
      tripId: trip.tripId,
      driverId: trip.driverId,
      bookingMode: trip.bookingMode,
      pickup,
      dropoff,
      pickupAtMs,
      dropoffAtMs: timeAtPositionMs(trip, dropoffPositionM) + pickup.detourMs + Math.ceil(dropoff.detourMs / 2),
      detourM,
      detourMs,
      walkingM: pickup.walkingM + dropoff.walkingM,
      seats: request.seats,
      farePerSeatMicro: fare,
      totalPriceMicro,
    },
  };
}

/**
 * The ranking of offers, a total order: earliest estimated arrival at the dropoff first,
 * then the lower total price, then the smaller driver detour (metres), then the shorter
 * total walk, then the trip id (by UTF-16 code units, so it does not depend on a locale).
 * Trip ids are unique, so two offers never compare equal.
 */
export function compareOffers(a: RideOffer, b: RideOffer): number {
  if (a.dropoffAtMs !== b.dropoffAtMs) return a.dropoffAtMs - b.dropoffAtMs;
  if (a.totalPriceMicro !== b.totalPriceMicro) return a.totalPriceMicro < b.totalPriceMicro ? -1 : 1;
  if (a.detourM !== b.detourM) return a.detourM - b.detourM;
  if (a.walkingM !== b.walkingM) return a.walkingM - b.walkingM;
  return a.tripId < b.tripId ? -1 : a.tripId > b.tripId ? 1 : 0;
}
