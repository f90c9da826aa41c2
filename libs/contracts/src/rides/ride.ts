import { z } from 'zod';
import { didKey, instant, nonNegativeInt64, uuidV7 } from '../wire/codecs';

/**
 * Shared shapes of the ride-seat market. Coordinates are `[lat, lon]` degrees (WGS 84),
 * distances integer metres along the route or straight-line, money µ-currency as decimal
 * strings, times ISO-8601 instants. The engine (`@ampool/matching`) checks everything that
 * depends on several fields (route length, speed, seats within capacity, stopovers on the
 * route); these schemas check types and single-field ranges, and bound every array.
 */

/** Most points in one route polyline (the engine's `MAX_POLYLINE_POINTS`). */
export const MAX_ROUTE_POINTS = 1_000;
/** Most stopovers of one trip (the engine's `MAX_STOPOVERS`). */
export const MAX_TRIP_STOPOVERS = 20;

export const latitude = z.number().min(-90, 'latitude must be in -90..90').max(90, 'latitude must be in -90..90');
export const longitude = z.number().min(-180, 'longitude must be in -180..180').max(180, 'longitude must be in -180..180');
/** A point as `[lat, lon]`. */
export const latLng = z.tuple([latitude, longitude]);

/** An integer field the engine bounds precisely; the schema only keeps it a safe integer. */
const int = z.number().int();

export const bookingMode = z.enum(['instant', 'approval']);

/** Price per seat: for the whole route (a partial leg pays its share of the route length), or per km of the leg. */
export const tripPricing = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('per-seat'), pricePerSeatMicro: nonNegativeInt64 }),
  z.strictObject({ kind: z.literal('per-km'), pricePerKmMicro: nonNegativeInt64 }),
]);

/** What a driver publishes (and replaces on update). */
export const tripSpec = {
  /** Polyline in driving order; the engine refuses an empty or degenerate one. */
  route: z.array(latLng).max(MAX_ROUTE_POINTS),
  stopovers: z.array(latLng).max(MAX_TRIP_STOPOVERS).optional(),
  departureAt: instant,
  arrivalAt: instant,
  /** Passenger seats of the vehicle (driver excluded). */
  vehicleCapacity: int,
  seatsOffered: int,
  pricing: tripPricing,
  maxDetourM: int,
  maxDetourMinutes: int,
  bookingMode,
};

export const tripStatus = z.enum(['published', 'cancelled']);

/** Seats of one leg [fromM, toM) of the route. */
export const tripLegView = z.strictObject({ fromM: int, toM: int, seats: int, seatsTaken: int });

export const tripView = z.strictObject({
  id: uuidV7,
  driver: didKey,
  status: tripStatus,
  version: int,
  ...tripSpec,
  stopovers: z.array(z.strictObject({ lat: latitude, lon: longitude, routePositionM: int })),
  routeLengthM: int,
  /** Seats per leg, in route order: a booking from a to b takes a seat on every leg in [a, b). */
  legs: z.array(tripLegView),
  createdAt: instant,
  updatedAt: instant,
});
export type TripView = z.output<typeof tripView>;

/** Where a rider boards or leaves the car (see the engine's README for the rules). */
export const meetingPointView = z.strictObject({
  kind: z.enum(['on-route', 'off-route']),
  lat: latitude,
  lon: longitude,
  routePositionM: int,
  offRouteM: int,
  walkingM: int,
  detourM: int,
  detourMs: int,
});

export const rideOfferView = z.strictObject({
  tripId: uuidV7,
  driver: didKey,
  bookingMode,
  pickup: meetingPointView,
  dropoff: meetingPointView,
  pickupAt: instant,
  dropoffAt: instant,
  detourM: int,
  detourMs: int,
  walkingM: int,
  seats: int,
  farePerSeatMicro: nonNegativeInt64,
  /** Fare for all seats. */
  fareMicro: nonNegativeInt64,
  /** The platform's service fee on top of the fare. */
  serviceFeeMicro: nonNegativeInt64,
  /** What a booking holds: fare + service fee. */
  totalMicro: nonNegativeInt64,
});
export type RideOfferView = z.output<typeof rideOfferView>;

type MeetingPoint = z.output<typeof meetingPointView>;
const meetingPointWire = (p: MeetingPoint): z.input<typeof meetingPointView> => ({
  kind: p.kind, lat: p.lat, lon: p.lon, routePositionM: p.routePositionM, offRouteM: p.offRouteM, walkingM: p.walkingM, detourM: p.detourM, detourMs: p.detourMs,
});

/**
 * `rideOfferView.encode` written out, field by field (only the named fields pass). A search
 * answers with up to `limit` offers, and the schema's encode, which validates every field on
 * the way, cost ride-market more than the search itself. A test holds the two equal; the
 * gateway checks every answer against the contract before a client sees it.
 */
export function rideOfferWire(o: RideOfferView): z.input<typeof rideOfferView> {
  return {
    tripId: o.tripId, driver: o.driver, bookingMode: o.bookingMode, pickup: meetingPointWire(o.pickup), dropoff: meetingPointWire(o.dropoff),
    pickupAt: o.pickupAt.toISOString(), dropoffAt: o.dropoffAt.toISOString(), detourM: o.detourM, detourMs: o.detourMs, walkingM: o.walkingM, seats: o.seats,
    farePerSeatMicro: o.farePerSeatMicro.toString(), fareMicro: o.fareMicro.toString(), serviceFeeMicro: o.serviceFeeMicro.toString(), totalMicro: o.totalMicro.toString(),
  };
}

/**
 * Booking states: `requested` → `confirmed` → `completed` / `cancelled` / `no-show`;
 * `requested` → `declined` / `expired` / `cancelled`. `reserved` is the short step where the
 * seats are taken and settlement is being asked to hold the money.
 */
export const bookingState = z.enum(['reserved', 'requested', 'confirmed', 'completed', 'cancelled', 'expired', 'declined', 'no-show']);
export type BookingStateView = z.output<typeof bookingState>;

/** Which row of the cancellation policy decided the money. */
export const policyRule = z.enum([
  'completed', 'rider-early-cancel', 'rider-late-cancel', 'request-withdrawn', 'driver-cancel',
  'driver-cancel-request', 'declined', 'expired', 'rider-no-show', 'hold-refused',
  // A disputed ride: the rider refunded by an operator, or by the dispute timeout's default.
  'dispute-refund', 'dispute-timeout',
]);

/** How the held fare + fee was split when the booking ended. */
export const bookingOutcome = z.strictObject({
  rule: policyRule,
  riderRefundMicro: nonNegativeInt64,
  driverPayoutMicro: nonNegativeInt64,
  platformFeeMicro: nonNegativeInt64,
  driverReliabilityMark: z.boolean(),
});

export const bookingView = z.strictObject({
  id: uuidV7,
  tripId: uuidV7,
  rider: didKey,
  driver: didKey,
  bookingMode,
  state: bookingState,
  /** Where the money is: `placing` → `held` → `releasing` → `released`. */
  holdState: z.enum(['placing', 'held', 'releasing', 'released']),
  seats: int,
  pickup: meetingPointView,
  dropoff: meetingPointView,
  pickupAt: instant,
  dropoffAt: instant,
  farePerSeatMicro: nonNegativeInt64,
  fareMicro: nonNegativeInt64,
  serviceFeeMicro: nonNegativeInt64,
  /** An approval request not answered by then expires. */
  expiresAt: instant.nullable(),
  outcome: bookingOutcome.nullable(),
  cancelledBy: z.enum(['rider', 'driver']).nullable(),
  createdAt: instant,
  updatedAt: instant,
});
export type BookingView = z.output<typeof bookingView>;

/**
 * `bookingView.encode` written out, field by field, for the booking path's replies (one per
 * booking request); held equal to the schema by a test, and checked by the gateway.
 */
export function bookingViewWire(b: BookingView): z.input<typeof bookingView> {
  const o = b.outcome;
  return {
    id: b.id, tripId: b.tripId, rider: b.rider, driver: b.driver, bookingMode: b.bookingMode, state: b.state, holdState: b.holdState, seats: b.seats,
    pickup: meetingPointWire(b.pickup), dropoff: meetingPointWire(b.dropoff), pickupAt: b.pickupAt.toISOString(), dropoffAt: b.dropoffAt.toISOString(),
    farePerSeatMicro: b.farePerSeatMicro.toString(), fareMicro: b.fareMicro.toString(), serviceFeeMicro: b.serviceFeeMicro.toString(),
    expiresAt: b.expiresAt === null ? null : b.expiresAt.toISOString(),
    outcome:
      o === null
        ? null
        : {
            rule: o.rule, riderRefundMicro: o.riderRefundMicro.toString(), driverPayoutMicro: o.driverPayoutMicro.toString(),
            platformFeeMicro: o.platformFeeMicro.toString(), driverReliabilityMark: o.driverReliabilityMark,
          },
    cancelledBy: b.cancelledBy, createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString(),
  };
}
