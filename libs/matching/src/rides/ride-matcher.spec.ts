import { divRoundHalfEven } from '@ampool/domain';
import { MatchingError } from '../matching-error';
import { EARTH_RADIUS_M, type LatLng, greatCircleDistanceM } from './geo';
import { RideRejectCode } from './ride-codes';
import { RideMatcher } from './ride-matcher';
import { type RideOffer, type RideRequest, RideMismatch, checkRideRequest, compareOffers, evaluateTrip } from './ride-rules';
import { type Trip, type TripInput, createTrip, timeAtPositionMs } from './trip';

const NOW = Date.UTC(2030, 0, 15, 6);
const DEPARTURE = NOW + 3_600_000;
const M_PER_DEG_LAT = (Math.PI * EARTH_RADIUS_M) / 180;
/** A straight east-west route through Paris, about 7.3 km, driven in 20 minutes. */
const ROUTE: LatLng[] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];

/** `metres` north of a point (negative: south). */
function north([lat, lon]: LatLng, metres: number): LatLng {
  return [lat + metres / M_PER_DEG_LAT, lon];
}

function trip(overrides: Partial<TripInput> = {}): Trip {
  const result = createTrip(
    {
      tripId: 'trip-1',
      driverId: 'driver-1',
      route: ROUTE,
      departureMs: DEPARTURE,
      arrivalMs: DEPARTURE + 20 * 60_000,
      vehicleCapacity: 4,
      seatsOffered: 3,
      pricing: { kind: 'per-seat', pricePerSeatMicro: 6_000_000n },
      maxDetourM: 0,
      maxDetourMinutes: 0,
      bookingMode: 'instant',
      ...overrides,
    },
    { nowMs: NOW },
  );
  if (result.status !== 'accepted') throw new Error(`trip rejected: ${result.code} ${result.message}`);
  return result.trip;
}

function matcherWith(...trips: Trip[]): RideMatcher {
  const matcher = new RideMatcher();
  for (const t of trips) expect(matcher.addTrip(t)).toEqual({ status: 'accepted' });
  return matcher;
}

/** From 220 m north of the route at 2.31° E to 110 m north of it at 2.39° E, any time this morning. */
function request(overrides: Partial<RideRequest> = {}): RideRequest {
  return {
    riderId: 'rider-1',
    pickup: north([48.85, 2.31], 220),
    dropoff: north([48.85, 2.39], 110),
    earliestDepartureMs: NOW,
    latestDepartureMs: NOW + 4 * 3_600_000,
    seats: 1,
    maxTotalPriceMicro: 100_000_000n,
    ...overrides,
  };
}

function offers(matcher: RideMatcher, overrides: Partial<RideRequest> = {}): RideOffer[] {
  const result = matcher.search(request(overrides));
  if (result.status !== 'accepted') throw new Error(`search rejected: ${result.code}`);
  return result.offers;
}

function reason(t: Trip, overrides: Partial<RideRequest> = {}, roadFactor = 1.3): string {
  const valid = checkRideRequest(request(overrides));
  if (valid.status !== 'accepted') throw new Error(valid.code);
  const matcher = matcherWith(t);
  const evaluation = evaluateTrip(t, matcher.inventory(t.tripId)!, valid.request, roadFactor);
  return evaluation.matched ? 'matched' : evaluation.reason;
}

describe('RideMatcher search', () => {
  it('offers a trip whose route passes within walking distance of pickup and then dropoff, with walks, positions, times and price', () => {
    const t = trip();
    const [offer, ...rest] = offers(matcherWith(t));
    expect(rest).toEqual([]);
    const pickupPositionM = Math.round(greatCircleDistanceM(48.85, 2.30, 48.85, 2.31));
    const dropoffPositionM = Math.round(greatCircleDistanceM(48.85, 2.30, 48.85, 2.39));
    expect(offer).toMatchObject({
      tripId: 'trip-1',
      driverId: 'driver-1',
      bookingMode: 'instant',
      pickup: { kind: 'on-route', routePositionM: expect.closeTo(pickupPositionM, -0.5), walkingM: 220, detourM: 0 },
      dropoff: { kind: 'on-route', routePositionM: expect.closeTo(dropoffPositionM, -0.5), walkingM: 110, detourM: 0 },
      walkingM: 330,
      detourM: 0,
      detourMs: 0,
      seats: 1,
    });
    expect(offer!.pickupAtMs).toBe(timeAtPositionMs(t, offer!.pickup.routePositionM));
    expect(offer!.dropoffAtMs).toBe(timeAtPositionMs(t, offer!.dropoff.routePositionM));
    // The dropoff is at 90 % of a 20-minute route: about 18 minutes after departure.
    expect(offer!.dropoffAtMs - DEPARTURE).toBeGreaterThan(17.9 * 60_000);
    expect(offer!.dropoffAtMs - DEPARTURE).toBeLessThan(18.1 * 60_000);
    const legM = BigInt(offer!.dropoff.routePositionM - offer!.pickup.routePositionM);
    expect(offer!.farePerSeatMicro).toBe(divRoundHalfEven(6_000_000n * legM, BigInt(t.routeLengthM)));
    expect(offer!.totalPriceMicro).toBe(offer!.farePerSeatMicro);
  });

  it('does not offer a trip going the other way (WRONG_DIRECTION)', () => {
    const t = trip();
    const swapped = { pickup: request().dropoff, dropoff: request().pickup };
    expect(offers(matcherWith(t), swapped)).toEqual([]);
    expect(reason(t, swapped)).toBe(RideMismatch.WRONG_DIRECTION);
  });

  it('does not offer a trip whose route stays beyond the walking radius, when the driver takes no detour (PICKUP_TOO_FAR / DROPOFF_TOO_FAR)', () => {
    const t = trip();
    expect(offers(matcherWith(t), { walkingRadiusM: 219 })).toEqual([]);
    expect(reason(t, { walkingRadiusM: 219 })).toBe(RideMismatch.PICKUP_TOO_FAR);
    expect(reason(t, { walkingRadiusM: 109, pickup: north([48.85, 2.31], 100) })).toBe(RideMismatch.DROPOFF_TOO_FAR);
    expect(offers(matcherWith(t), { walkingRadiusM: 220 })).toHaveLength(1);
  });

  it('sends the driver to a rider beyond the walking radius when the detour fits: there and back at the road factor, half the time before pickup', () => {
    const t = trip({ maxDetourM: 5_000, maxDetourMinutes: 15 });
    const pickup = north([48.85, 2.31], 1_500);
    const [offer] = offers(matcherWith(t), { pickup });
    expect(offer!.pickup).toMatchObject({ kind: 'off-route', lat: pickup[0], lon: pickup[1], offRouteM: 1_500, walkingM: 0, detourM: 3_900 });
    expect(offer!.pickup.detourMs).toBe(Math.ceil((3_900 * t.durationMs) / t.routeLengthM));
    expect(offer!.pickupAtMs).toBe(timeAtPositionMs(t, offer!.pickup.routePositionM) + Math.ceil(offer!.pickup.detourMs / 2));
    expect(offer!.dropoffAtMs).toBe(timeAtPositionMs(t, offer!.dropoff.routePositionM) + offer!.pickup.detourMs);
    expect([offer!.detourM, offer!.detourMs, offer!.walkingM]).toEqual([3_900, offer!.pickup.detourMs, 110]);
  });

  it('holds the driver to the detour distance and the detour time, each end and both ends together', () => {
    const farPickup = north([48.85, 2.31], 1_000);
    const farDropoff = north([48.85, 2.39], 1_000);
    // 2,600 m per end.
    expect(reason(trip({ maxDetourM: 2_599, maxDetourMinutes: 60 }), { pickup: farPickup })).toBe(RideMismatch.PICKUP_TOO_FAR);
    expect(reason(trip({ maxDetourM: 2_600, maxDetourMinutes: 60 }), { pickup: farPickup })).toBe('matched');
    expect(reason(trip({ maxDetourM: 2_600, maxDetourMinutes: 60 }), { pickup: farPickup, dropoff: farDropoff })).toBe(RideMismatch.DETOUR_TOO_LONG);
    expect(reason(trip({ maxDetourM: 5_200, maxDetourMinutes: 60 }), { pickup: farPickup, dropoff: farDropoff })).toBe('matched');
    // 2,600 m at 7.3 km per 20 min take about 7.1 minutes.
    expect(reason(trip({ maxDetourM: 20_000, maxDetourMinutes: 7 }), { pickup: farPickup })).toBe(RideMismatch.PICKUP_TOO_FAR);
    expect(reason(trip({ maxDetourM: 20_000, maxDetourMinutes: 8 }), { pickup: farPickup })).toBe('matched');
  });

  it('uses the configured road factor for detours', () => {
    const t = trip({ maxDetourM: 3_000, maxDetourMinutes: 60 });
    const farPickup = north([48.85, 2.31], 1_000);
    expect(reason(t, { pickup: farPickup }, 1.3)).toBe('matched');
    expect(reason(t, { pickup: farPickup }, 1.6)).toBe(RideMismatch.PICKUP_TOO_FAR);
    const matcher = new RideMatcher({ roadFactor: 1.1 });
    matcher.addTrip(t);
    expect(offers(matcher, { pickup: farPickup })[0]!.pickup.detourM).toBe(2_200);
  });

  it('includes both ends of the pickup time window and nothing outside it (OUTSIDE_TIME_WINDOW)', () => {
    const t = trip();
    const matcher = matcherWith(t);
    const at = offers(matcher)[0]!.pickupAtMs;
    expect(offers(matcher, { earliestDepartureMs: at, latestDepartureMs: at })).toHaveLength(1);
    expect(offers(matcher, { earliestDepartureMs: at + 1, latestDepartureMs: at + 3_600_000 })).toEqual([]);
    expect(offers(matcher, { earliestDepartureMs: at - 3_600_000, latestDepartureMs: at - 1 })).toEqual([]);
    expect(reason(t, { earliestDepartureMs: at + 1, latestDepartureMs: at + 10 })).toBe(RideMismatch.OUTSIDE_TIME_WINDOW);
  });

  it('offers only legs with enough free seats: a full leg before the pickup does not matter, one across it does (NOT_ENOUGH_SEATS)', () => {
    const t = trip();
    const matcher = matcherWith(t);
    const { pickup } = offers(matcher)[0]!;
    expect(matcher.book({ tripId: t.tripId, bookingId: 'early', riderId: 'r-2', range: { fromM: 0, toM: pickup.routePositionM }, seats: 3, nowMs: NOW }).status).toBe('accepted');
    expect(offers(matcher)).toHaveLength(1);
    expect(offers(matcher, { seats: 3 })).toHaveLength(1);
    expect(matcher.book({ tripId: t.tripId, bookingId: 'across', riderId: 'r-3', range: { fromM: pickup.routePositionM, toM: pickup.routePositionM + 1 }, seats: 1, nowMs: NOW }).status).toBe('accepted');
    expect(offers(matcher, { seats: 3 })).toEqual([]);
    expect(offers(matcher, { seats: 2 })).toHaveLength(1);
    expect(offers(matcher, { seats: 4 })).toEqual([]);
  });

  it('prices all requested seats and stays within the rider’s maximum (TOO_EXPENSIVE)', () => {
    const t = trip();
    const matcher = matcherWith(t);
    const one = offers(matcher)[0]!;
    const two = offers(matcher, { seats: 2 })[0]!;
    expect(two.totalPriceMicro).toBe(2n * one.farePerSeatMicro);
    expect(offers(matcher, { seats: 2, maxTotalPriceMicro: two.totalPriceMicro })).toHaveLength(1);
    expect(offers(matcher, { seats: 2, maxTotalPriceMicro: two.totalPriceMicro - 1n })).toEqual([]);
    expect(reason(t, { maxTotalPriceMicro: one.totalPriceMicro - 1n })).toBe(RideMismatch.TOO_EXPENSIVE);
  });

  it('prices a per-km trip by the leg length along the route', () => {
    const t = trip({ pricing: { kind: 'per-km', pricePerKmMicro: 100_000n } });
    const offer = offers(matcherWith(t))[0]!;
    const legM = offer.dropoff.routePositionM - offer.pickup.routePositionM;
    expect(offer.farePerSeatMicro).toBe(divRoundHalfEven(100_000n * BigInt(legM), 1_000n));
  });

  it('never offers riders their own trip (OWN_TRIP) nor a trip that has departed (DEPARTED)', () => {
    const t = trip();
    const matcher = matcherWith(t);
    expect(offers(matcher, { riderId: 'driver-1' })).toEqual([]);
    expect(reason(t, { riderId: 'driver-1' })).toBe(RideMismatch.OWN_TRIP);
    expect(offers(matcher, { nowMs: DEPARTURE })).toEqual([]);
    expect(reason(t, { nowMs: DEPARTURE })).toBe(RideMismatch.DEPARTED);
    expect(offers(matcher, { nowMs: DEPARTURE - 1 })).toHaveLength(1);
  });

  it('ranks by arrival time, then price, then trip id, and cuts to the limit after ranking', () => {
    const matcher = matcherWith(
      trip({ tripId: 'late-cheap', departureMs: DEPARTURE + 60_000, arrivalMs: DEPARTURE + 21 * 60_000, pricing: { kind: 'per-seat', pricePerSeatMicro: 1_000_000n } }),
      trip({ tripId: 'b-dear' }),
      trip({ tripId: 'a-dear' }),
      trip({ tripId: 'cheap', pricing: { kind: 'per-seat', pricePerSeatMicro: 5_000_000n } }),
      trip({ tripId: 'early', departureMs: DEPARTURE - 60_000, arrivalMs: DEPARTURE + 19 * 60_000, pricing: { kind: 'per-seat', pricePerSeatMicro: 9_000_000n } }),
    );
    expect(offers(matcher).map((o) => o.tripId)).toEqual(['early', 'cheap', 'a-dear', 'b-dear', 'late-cheap']);
    expect(offers(matcher, { limit: 2 }).map((o) => o.tripId)).toEqual(['early', 'cheap']);
  });

  it('breaks ties of arrival and price by detour, then walking, then trip id', () => {
    const base = offers(matcherWith(trip()))[0]!;
    const variant = (tripId: string, detourM: number, walkingM: number): RideOffer => ({ ...base, tripId, detourM, walkingM });
    const sorted = [variant('c', 0, 500), variant('a', 100, 0), variant('b', 0, 500), variant('d', 0, 200)].sort(compareOffers);
    expect(sorted.map((o) => o.tripId)).toEqual(['d', 'b', 'c', 'a']);
    expect(compareOffers({ ...base, dropoffAtMs: 1 }, { ...base, dropoffAtMs: 2, totalPriceMicro: 0n })).toBeLessThan(0);
    expect(compareOffers({ ...base, totalPriceMicro: 2n }, { ...base, totalPriceMicro: 1n, detourM: 9_999 })).toBeGreaterThan(0);
  });

  it('finds the pickup on the route’s nearest pass and the dropoff on a later pass when the route doubles back', () => {
    // East along 48.85°, then north, then back west along 48.856°: the dropoff lies between
    // the two passes, nearer the outbound one, which is before the pickup.
    const loop = trip({ route: [[48.85, 2.30], [48.85, 2.40], [48.856, 2.40], [48.856, 2.30]], arrivalMs: DEPARTURE + 45 * 60_000 });
    const [offer] = offers(matcherWith(loop), { pickup: north([48.85, 2.38], 50), dropoff: north([48.85, 2.32], 250) });
    expect(offer!.dropoff.routePositionM).toBeGreaterThan(offer!.pickup.routePositionM);
    // The way back runs 0.006° ≈ 667 m north of the way out: 417 m from the dropoff.
    expect(Math.abs(offer!.dropoff.walkingM - 417)).toBeLessThanOrEqual(1);
    expect(offer!.dropoff.routePositionM).toBeGreaterThan(loop.routeLengthM / 2);
  });

  it('reports search rejections with stable codes and changes nothing', () => {
    const matcher = matcherWith(trip());
    const cases: Array<[Partial<RideRequest>, string]> = [
      [{ pickup: [91, 2.3] }, RideRejectCode.LAT_OUT_OF_RANGE],
      [{ dropoff: [48.85, 181] }, RideRejectCode.LON_OUT_OF_RANGE],
      [{ pickup: [48.85] as unknown as LatLng }, RideRejectCode.MALFORMED_INPUT],
      [{ earliestDepartureMs: NOW + 1, latestDepartureMs: NOW }, RideRejectCode.TIME_WINDOW_INVALID],
      [{ latestDepartureMs: NOW + 49 * 3_600_000 }, RideRejectCode.TIME_WINDOW_INVALID],
      [{ seats: 0 }, RideRejectCode.SEATS_NOT_POSITIVE],
      [{ seats: 65 }, RideRejectCode.SEATS_ABOVE_MAX],
      [{ maxTotalPriceMicro: -1n }, RideRejectCode.PRICE_NEGATIVE],
      [{ walkingRadiusM: 3_001 }, RideRejectCode.WALKING_RADIUS_OUT_OF_RANGE],
      [{ limit: 0 }, RideRejectCode.LIMIT_OUT_OF_RANGE],
      [{ riderId: '' }, RideRejectCode.ID_INVALID],
    ];
    for (const [overrides, code] of cases) expect(matcher.search(request(overrides))).toMatchObject({ status: 'rejected', code });
    expect(offers(matcher)).toHaveLength(1);
  });

  it('looks only at trips passing near the pickup at a possible time: trips elsewhere or on other days are not candidates', () => {
    const matcher = matcherWith(trip());
    const before = matcher.search(request());
    for (let i = 0; i < 300; i++) {
      // Lyon, same hours.
      matcher.addTrip(trip({ tripId: `lyon-${i}`, route: [[45.76, 4.80 + i * 1e-4], [45.76, 4.88]] }));
      // Paris, same route, the next day.
      matcher.addTrip(trip({ tripId: `tomorrow-${i}`, departureMs: DEPARTURE + 86_400_000 + i * 1_000, arrivalMs: DEPARTURE + 86_400_000 + i * 1_000 + 20 * 60_000 }));
    }
    const after = matcher.search(request());
    if (before.status !== 'accepted' || after.status !== 'accepted') throw new Error('search rejected');
    expect(after.offers).toEqual(before.offers);
    expect(after.stats.pickupCandidates).toBe(1);
    expect(after.stats.evaluated).toBe(1);
    expect(after.stats.runsScanned).toBe(before.stats.runsScanned);
  });
});

describe('RideMatcher trips', () => {
  it('forgets a removed trip, and refuses to remove or update an unknown one with UNKNOWN_TRIP', () => {
    const matcher = matcherWith(trip());
    expect(matcher.removeTrip('trip-1')).toEqual({ status: 'accepted' });
    expect(offers(matcher)).toEqual([]);
    expect(matcher.size).toBe(0);
    expect(matcher.indexedRuns).toBe(0);
    expect(matcher.removeTrip('trip-1')).toMatchObject({ code: RideRejectCode.UNKNOWN_TRIP });
    expect(matcher.updateTrip(trip())).toMatchObject({ code: RideRejectCode.UNKNOWN_TRIP });
  });

  it('refuses a second trip with the same id (DUPLICATE_TRIP_ID) and more trips than configured (TOO_MANY_TRIPS)', () => {
    const matcher = new RideMatcher({ maxTrips: 1 });
    expect(matcher.addTrip(trip()).status).toBe('accepted');
    expect(matcher.addTrip(trip())).toMatchObject({ code: RideRejectCode.DUPLICATE_TRIP_ID });
    expect(matcher.addTrip(trip({ tripId: 'trip-2' }))).toMatchObject({ code: RideRejectCode.TOO_MANY_TRIPS });
  });

  it('finds an updated trip where its new route goes, not where the old one went', () => {
    const matcher = matcherWith(trip());
    const moved = trip({ route: [[48.87, 2.30], [48.87, 2.40]] });
    expect(matcher.updateTrip(moved)).toEqual({ status: 'accepted' });
    expect(offers(matcher)).toEqual([]);
    expect(offers(matcher, { pickup: north([48.87, 2.31], 100), dropoff: north([48.87, 2.39], 100) })).toHaveLength(1);
  });

  it('indexes the same trip value again exactly as the first time after a removal (its route cells are reused)', () => {
    const t = trip();
    const matcher = matcherWith(t);
    const runs = matcher.indexedRuns;
    const first = offers(matcher);
    for (let i = 0; i < 3; i++) {
      expect(matcher.removeTrip('trip-1')).toEqual({ status: 'accepted' });
      expect(matcher.indexedRuns).toBe(0);
      expect(matcher.addTrip(t)).toEqual({ status: 'accepted' });
    }
    expect(matcher.indexedRuns).toBe(runs);
    expect(offers(matcher)).toEqual(first);
    expect(offers(matcherWith(t))).toEqual(first);
    // Another trip on another route is indexed by its own cells, not the cached ones.
    expect(matcher.removeTrip('trip-1')).toEqual({ status: 'accepted' });
    expect(matcher.addTrip(trip({ route: [[48.87, 2.30], [48.87, 2.40]] }))).toEqual({ status: 'accepted' });
    expect(offers(matcher)).toEqual([]);
  });

  it('keeps bookings through an update of price and times, but refuses to change a booked route (ROUTE_LOCKED_BY_BOOKINGS) or seats below the booked (SEATS_BELOW_BOOKED)', () => {
    const matcher = matcherWith(trip());
    matcher.book({ tripId: 'trip-1', bookingId: 'b1', riderId: 'r-1', range: { fromM: 0, toM: 5_000 }, seats: 2, nowMs: NOW });
    expect(matcher.updateTrip(trip({ route: [[48.87, 2.30], [48.87, 2.40]] }))).toMatchObject({ code: RideRejectCode.ROUTE_LOCKED_BY_BOOKINGS });
    expect(matcher.updateTrip(trip({ driverId: 'someone-else' }))).toMatchObject({ code: RideRejectCode.ROUTE_LOCKED_BY_BOOKINGS });
    expect(matcher.updateTrip(trip({ seatsOffered: 1 }))).toMatchObject({ code: RideRejectCode.SEATS_BELOW_BOOKED });
    expect(offers(matcher, { seats: 2 })).toEqual([]);
    expect(matcher.updateTrip(trip({ seatsOffered: 4, pricing: { kind: 'per-seat', pricePerSeatMicro: 3_000_000n } }))).toEqual({ status: 'accepted' });
    expect(matcher.inventory('trip-1')!.bookings()).toHaveLength(1);
    const [offer] = offers(matcher, { seats: 2 });
    expect(offer!.farePerSeatMicro).toBeLessThan(3_000_000n);
  });

  it('throws MatchingError at construction for a bad configuration', () => {
    expect(() => new RideMatcher({ roadFactor: 0.9 })).toThrow(MatchingError);
    expect(() => new RideMatcher({ h3Resolution: 11 })).toThrow(MatchingError);
    expect(() => new RideMatcher({ maxTrips: 0 })).toThrow(MatchingError);
  });
});

describe('RideMatcher bookings', () => {
  it('books exactly three of a hundred riders on a 3-seat leg, the others with NOT_ENOUGH_SEATS; also across overlapping legs', () => {
    const matcher = matcherWith(trip());
    const results = Array.from({ length: 100 }, (_, i) =>
      matcher.book({ tripId: 'trip-1', bookingId: `b${i}`, riderId: `r${i}`, range: i % 2 === 0 ? { fromM: 1_000, toM: 4_000 } : { fromM: 3_000, toM: 6_000 }, seats: 1, nowMs: NOW }),
    );
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected' && r.code === RideRejectCode.NOT_ENOUGH_SEATS)).toHaveLength(97);
    expect(matcher.inventory('trip-1')!.maxBookedSeats()).toBe(3);
  });

  it('refuses booking one’s own trip (OWN_TRIP), after departure (TRIP_DEPARTED) and an unknown trip (UNKNOWN_TRIP), changing nothing', () => {
    const matcher = matcherWith(trip());
    const command = { tripId: 'trip-1', bookingId: 'b1', riderId: 'r1', range: { fromM: 0, toM: 1_000 }, seats: 1, nowMs: NOW };
    expect(matcher.book({ ...command, riderId: 'driver-1' })).toMatchObject({ code: RideRejectCode.OWN_TRIP });
    expect(matcher.book({ ...command, nowMs: DEPARTURE })).toMatchObject({ code: RideRejectCode.TRIP_DEPARTED });
    expect(matcher.book({ ...command, tripId: 'nope' })).toMatchObject({ code: RideRejectCode.UNKNOWN_TRIP });
    expect(matcher.inventory('trip-1')!.bookingCount).toBe(0);
  });

  it('answers a retried booking the same way, even after departure, and refuses the same id with another body (BOOKING_ID_CONFLICT)', () => {
    const matcher = matcherWith(trip());
    const command = { tripId: 'trip-1', bookingId: 'b1', riderId: 'r1', range: { fromM: 0, toM: 1_000 }, seats: 1, nowMs: NOW };
    expect(matcher.book(command)).toEqual({ status: 'accepted', replayed: false });
    expect(matcher.book({ ...command, nowMs: DEPARTURE + 1 })).toEqual({ status: 'accepted', replayed: true });
    expect(matcher.book({ ...command, seats: 2 })).toMatchObject({ code: RideRejectCode.BOOKING_ID_CONFLICT });
  });

  it('releases seats so the next rider can have them', () => {
    const matcher = matcherWith(trip({ seatsOffered: 1 }));
    matcher.book({ tripId: 'trip-1', bookingId: 'b1', riderId: 'r1', range: { fromM: 0, toM: 7_000 }, seats: 1, nowMs: NOW });
    expect(offers(matcher)).toEqual([]);
    expect(matcher.release('trip-1', 'b1').status).toBe('accepted');
    expect(offers(matcher)).toHaveLength(1);
    expect(matcher.release('trip-1', 'b1')).toMatchObject({ code: RideRejectCode.UNKNOWN_BOOKING });
    expect(matcher.release('nope', 'b1')).toMatchObject({ code: RideRejectCode.UNKNOWN_TRIP });
  });
});
