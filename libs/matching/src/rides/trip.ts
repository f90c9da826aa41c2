/**
 * Trips: a driver's route with its timing, seats, price and detour limits, validated once
 * into an immutable value the matcher can trust.
 */
import { divRoundHalfEven } from '@ampool/domain';
import { type LatLng, type Polyline, checkLatLng, nearestPointOnPolyline, preparePolyline } from './geo';
import {
  MAX_AVERAGE_SPEED_MPS,
  MAX_DETOUR_M,
  MAX_DETOUR_MINUTES,
  MAX_PRICE_PER_KM_MICRO,
  MAX_PRICE_PER_SEAT_MICRO,
  MAX_RIDE_ID_LENGTH,
  MAX_ROUTE_LENGTH_M,
  MAX_STOPOVERS,
  MAX_TRIP_DURATION_MS,
  MAX_VEHICLE_SEATS,
  MIN_ROUTE_LENGTH_M,
  STOPOVER_TOLERANCE_M,
} from './ride-bounds';
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';

/**
 * How a trip is priced, per seat.
 * - `per-seat`: `pricePerSeatMicro` is the fare of one seat for the whole route; a partial
 *   leg pays the same share of it as its share of the route length.
 * - `per-km`: `pricePerKmMicro` is charged per kilometre of the leg, measured along the route.
 */
export type TripPricing =
  | { readonly kind: 'per-seat'; readonly pricePerSeatMicro: bigint }
  | { readonly kind: 'per-km'; readonly pricePerKmMicro: bigint };

/** Instant booking reserves at once; approval waits for the driver. */
export type BookingMode = 'instant' | 'approval';

/** What a driver publishes. */
export interface TripInput {
  /** Client-chosen id (UUIDv7 in the product). */
  readonly tripId: string;
  readonly driverId: string;
  /** Route as `[lat, lon]` points in driving order, at most `MAX_POLYLINE_POINTS`. */
  readonly route: readonly LatLng[];
  /** Points the route passes through (towns, stations), in route order. */
  readonly stopovers?: readonly LatLng[];
  /** Planned departure from the first route point, epoch milliseconds. */
  readonly departureMs: number;
  /** Planned arrival at the last route point, epoch milliseconds; with the route it fixes the average speed. */
  readonly arrivalMs: number;
  /** Passenger seats of the vehicle (driver excluded), 1 .. `MAX_VEHICLE_SEATS`. */
  readonly vehicleCapacity: number;
  /** Seats for sale, 1 .. `vehicleCapacity`. */
  readonly seatsOffered: number;
  readonly pricing: TripPricing;
  /** Longest extra road distance the driver accepts to pick up and drop off one rider, in metres. */
  readonly maxDetourM: number;
  /** Longest extra driving time the driver accepts for one rider, in minutes. */
  readonly maxDetourMinutes: number;
  readonly bookingMode: BookingMode;
}

/** A stopover with where the route passes it. */
export interface Stopover {
  readonly lat: number;
  readonly lon: number;
  /** Position of the route point nearest to it, integer metres along the route. */
  readonly routePositionM: number;
}

/**
 * A validated trip. Positions along the route are integer metres from 0 to `routeLengthM`
 * (the polyline length rounded to the metre); times are integer epoch milliseconds.
 */
export interface Trip {
  readonly tripId: string;
  readonly driverId: string;
  readonly route: Polyline;
  /** The polyline's great-circle length, rounded to the metre. */
  readonly routeLengthM: number;
  readonly stopovers: readonly Stopover[];
  readonly departureMs: number;
  readonly arrivalMs: number;
  /** `arrivalMs − departureMs`. */
  readonly durationMs: number;
  readonly vehicleCapacity: number;
  readonly seatsOffered: number;
  readonly pricing: TripPricing;
  readonly maxDetourM: number;
  readonly maxDetourMinutes: number;
  readonly bookingMode: BookingMode;
}

/** Result of {@link createTrip}. */
export type TripResult = { readonly status: 'accepted'; readonly trip: Trip } | RideRejected;

/** Context of a trip validation: the caller's clock, since the engine never reads one. */
export interface TripValidationContext {
  /** Now, in epoch milliseconds; a departure before it is `DEPARTURE_IN_PAST`. */
  readonly nowMs: number;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_RIDE_ID_LENGTH;
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/**
 * Validates a trip. Checks run in a fixed order and the first failure is returned: ids
 * (`ID_INVALID`), route (`POLYLINE_*`, `LAT_/LON_OUT_OF_RANGE`, `ROUTE_TOO_SHORT`,
 * `ROUTE_TOO_LONG`), times (`MALFORMED_INPUT`, `DEPARTURE_IN_PAST`,
 * `ARRIVAL_NOT_AFTER_DEPARTURE`, `DURATION_ABOVE_MAX`, `SPEED_IMPLAUSIBLE`), seats
 * (`CAPACITY_INVALID`, `SEATS_NOT_POSITIVE`, `SEATS_ABOVE_CAPACITY`), price
 * (`PRICE_NEGATIVE`, `PRICE_ABOVE_MAX`), detour (`DETOUR_OUT_OF_RANGE`), booking mode
 * (`MALFORMED_INPUT`), stopovers (`TOO_MANY_STOPOVERS`, `STOPOVER_NOT_ON_ROUTE`,
 * `STOPOVERS_OUT_OF_ORDER`).
 */
export function createTrip(input: TripInput, context: TripValidationContext): TripResult {
  if (!isId(input.tripId) || !isId(input.driverId)) {
    return rideRejected(RideRejectCode.ID_INVALID, `trip and driver ids must be 1..${MAX_RIDE_ID_LENGTH} characters`);
  }
  const prepared = preparePolyline(input.route);
  if (prepared.status === 'rejected') return prepared;
  const route = prepared.polyline;
  const routeLengthM = Math.round(route.lengthM);
  if (routeLengthM < MIN_ROUTE_LENGTH_M) {
    return rideRejected(RideRejectCode.ROUTE_TOO_SHORT, `route is ${routeLengthM} m; at least ${MIN_ROUTE_LENGTH_M} m`);
  }
  if (routeLengthM > MAX_ROUTE_LENGTH_M) {
    return rideRejected(RideRejectCode.ROUTE_TOO_LONG, `route is ${routeLengthM} m; at most ${MAX_ROUTE_LENGTH_M} m`);
  }

  const { departureMs, arrivalMs } = input;
  if (!isIntegerIn(departureMs, 0, Number.MAX_SAFE_INTEGER) || !isIntegerIn(arrivalMs, 0, Number.MAX_SAFE_INTEGER)) {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'departureMs and arrivalMs must be non-negative integer epoch milliseconds');
  }
  if (!isIntegerIn(context.nowMs, 0, Number.MAX_SAFE_INTEGER)) {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'nowMs must be a non-negative integer');
  }
  if (departureMs < context.nowMs) {
    return rideRejected(RideRejectCode.DEPARTURE_IN_PAST, `departure ${departureMs} is before now ${context.nowMs}`);
  }
  if (arrivalMs <= departureMs) {
    return rideRejected(RideRejectCode.ARRIVAL_NOT_AFTER_DEPARTURE, 'arrival must be after departure');
  }
  const durationMs = arrivalMs - departureMs;
  if (durationMs > MAX_TRIP_DURATION_MS) {
    return rideRejected(RideRejectCode.DURATION_ABOVE_MAX, `trip lasts ${durationMs} ms; at most ${MAX_TRIP_DURATION_MS}`);
  }
  if ((routeLengthM * 1000) / durationMs > MAX_AVERAGE_SPEED_MPS) {
    return rideRejected(RideRejectCode.SPEED_IMPLAUSIBLE, `average speed above ${MAX_AVERAGE_SPEED_MPS} m/s`);
  }

  if (!isIntegerIn(input.vehicleCapacity, 1, MAX_VEHICLE_SEATS)) {
    return rideRejected(RideRejectCode.CAPACITY_INVALID, `vehicle capacity must be an integer in 1..${MAX_VEHICLE_SEATS}`);
  }
  if (typeof input.seatsOffered !== 'number' || !Number.isSafeInteger(input.seatsOffered)) {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'seatsOffered must be an integer');
  }
  if (input.seatsOffered <= 0) return rideRejected(RideRejectCode.SEATS_NOT_POSITIVE, 'seatsOffered must be at least 1');
  if (input.seatsOffered > input.vehicleCapacity) {
    return rideRejected(RideRejectCode.SEATS_ABOVE_CAPACITY, `${input.seatsOffered} seats offered in a ${input.vehicleCapacity}-seat vehicle`);
  }

  const pricingProblem = checkPricing(input.pricing);
  if (pricingProblem) return pricingProblem;

  if (!isIntegerIn(input.maxDetourM, 0, MAX_DETOUR_M) || !isIntegerIn(input.maxDetourMinutes, 0, MAX_DETOUR_MINUTES)) {
    return rideRejected(
      RideRejectCode.DETOUR_OUT_OF_RANGE,
      `maximum detour must be integers in 0..${MAX_DETOUR_M} m and 0..${MAX_DETOUR_MINUTES} min`,
    );
  }
  if (input.bookingMode !== 'instant' && input.bookingMode !== 'approval') {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'bookingMode must be instant or approval');
  }

  const stopovers = locateStopovers(route, input.stopovers ?? []);
  if (!Array.isArray(stopovers)) return stopovers;

  return {
    status: 'accepted',
    trip: {
      tripId: input.tripId,
      driverId: input.driverId,
      route,
      routeLengthM,
      stopovers,
      departureMs,
      arrivalMs,
      durationMs,
      vehicleCapacity: input.vehicleCapacity,
      seatsOffered: input.seatsOffered,
      pricing: input.pricing.kind === 'per-seat'
        ? { kind: 'per-seat', pricePerSeatMicro: input.pricing.pricePerSeatMicro }
        : { kind: 'per-km', pricePerKmMicro: input.pricing.pricePerKmMicro },
      maxDetourM: input.maxDetourM,
      maxDetourMinutes: input.maxDetourMinutes,
      bookingMode: input.bookingMode,
    },
  };
}

function checkPricing(pricing: TripPricing | undefined): RideRejected | null {
  if (pricing === undefined || pricing === null || typeof pricing !== 'object') {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'pricing is required');
  }
  let price: unknown;
  let max: bigint;
  if (pricing.kind === 'per-seat') {
    price = pricing.pricePerSeatMicro;
    max = MAX_PRICE_PER_SEAT_MICRO;
  } else if (pricing.kind === 'per-km') {
    price = pricing.pricePerKmMicro;
    max = MAX_PRICE_PER_KM_MICRO;
  } else {
    return rideRejected(RideRejectCode.MALFORMED_INPUT, 'pricing kind must be per-seat or per-km');
  }
  if (typeof price !== 'bigint') return rideRejected(RideRejectCode.MALFORMED_INPUT, 'price must be a bigint of µ-currency');
  if (price < 0n) return rideRejected(RideRejectCode.PRICE_NEGATIVE, 'price must not be negative');
  if (price > max) return rideRejected(RideRejectCode.PRICE_ABOVE_MAX, `price above ${max} µ`);
  return null;
}

function locateStopovers(route: Polyline, points: readonly LatLng[]): Stopover[] | RideRejected {
  if (!Array.isArray(points)) return rideRejected(RideRejectCode.MALFORMED_INPUT, 'stopovers must be an array of [lat, lon] points');
  if (points.length > MAX_STOPOVERS) {
    return rideRejected(RideRejectCode.TOO_MANY_STOPOVERS, `${points.length} stopovers; at most ${MAX_STOPOVERS}`);
  }
  const located: Stopover[] = [];
  let previousPositionM = -1;
  for (let i = 0; i < points.length; i++) {
    const point: unknown = points[i];
    if (!Array.isArray(point) || point.length !== 2) {
      return rideRejected(RideRejectCode.MALFORMED_INPUT, `stopover ${i} is not a [lat, lon] pair`);
    }
    const invalid = checkLatLng(point[0], point[1]);
    if (invalid) return rideRejected(invalid.code, `stopover ${i}: ${invalid.message}`);
    const [lat, lon] = point as [number, number];
    // Nearest over the whole route, not after the previous stopover: a stopover listed out of
    // order must be reported as such, not silently matched to a later pass of the route.
    const nearest = nearestPointOnPolyline(route, lat, lon)!;
    if (nearest.offRouteM > STOPOVER_TOLERANCE_M) {
      return rideRejected(RideRejectCode.STOPOVER_NOT_ON_ROUTE, `stopover ${i} is ${Math.round(nearest.offRouteM)} m from the route`);
    }
    const routePositionM = Math.round(nearest.positionM);
    if (routePositionM <= previousPositionM) {
      return rideRejected(RideRejectCode.STOPOVERS_OUT_OF_ORDER, `stopover ${i} comes before the previous one along the route`);
    }
    previousPositionM = routePositionM;
    located.push({ lat, lon, routePositionM });
  }
  return located;
}

/**
 * Estimated time at which the driver passes `positionM` (integer metres along the route),
 * at the route's average speed: `departureMs + round(positionM × durationMs / routeLengthM)`.
 * The product is below 2^53 by the bounds, so the only rounding is the final one (half away
 * from zero, to the millisecond). Monotone in the position; exact at both ends.
 */
export function timeAtPositionMs(trip: Trip, positionM: number): number {
  return trip.departureMs + Math.round((positionM * trip.durationMs) / trip.routeLengthM);
}

/**
 * Time the driver needs for `extraRoadM` more metres at the route's average speed, rounded
 * up to the millisecond so a detour is never underestimated:
 * `ceil(extraRoadM × durationMs / routeLengthM)`.
 */
export function drivingTimeMs(trip: Trip, extraRoadM: number): number {
  return Math.ceil((extraRoadM * trip.durationMs) / trip.routeLengthM);
}

/**
 * Fare of one seat from `fromM` to `toM` (integer metres along the route, from < to), in
 * µ-currency, rounded half to even once:
 * - `per-seat`: `pricePerSeatMicro × (toM − fromM) / routeLengthM` — the whole route pays
 *   exactly the published price;
 * - `per-km`: `pricePerKmMicro × (toM − fromM) / 1000` — the leg's length along the route
 *   (the route is the road the driver takes, so no road factor applies to it).
 * A driver's detour is not charged to the rider: it is the driver's offer, capped by the
 * driver's own limit.
 */
export function farePerSeatMicro(trip: Trip, fromM: number, toM: number): bigint {
  const legM = BigInt(toM - fromM);
  return trip.pricing.kind === 'per-seat'
    ? divRoundHalfEven(trip.pricing.pricePerSeatMicro * legM, BigInt(trip.routeLengthM))
    : divRoundHalfEven(trip.pricing.pricePerKmMicro * legM, 1000n);
}
