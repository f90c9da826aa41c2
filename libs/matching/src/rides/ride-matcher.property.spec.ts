import fc from 'fast-check';
import { EARTH_RADIUS_M, type LatLng, greatCircleDistanceM } from './geo';
import { RideMatcher } from './ride-matcher';
import { scanAllTrips } from './ride-matcher.reference';
import { type RideOffer, type RideRequest, compareOffers, driverReachM } from './ride-rules';
import { type Trip, type TripInput, createTrip, farePerSeatMicro } from './trip';

const NOW = Date.UTC(2030, 0, 15, 6);
const CENTRE: LatLng = [48.85, 2.35];
const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180;
const COS_CENTRE = Math.cos((CENTRE[0] * Math.PI) / 180);
/** A 6 km × 6 km city. */
const HALF_SIDE_M = 3_000;
const ROAD_FACTOR = 1.3;

/** A point `east`, `north` metres from the centre. */
function at(east: number, north: number): LatLng {
  return [CENTRE[0] + north / M_PER_DEG, CENTRE[1] + east / (M_PER_DEG * COS_CENTRE)];
}

function offset([lat, lon]: LatLng, east: number, north: number): LatLng {
  return [lat + north / M_PER_DEG, lon + east / (M_PER_DEG * Math.cos((lat * Math.PI) / 180))];
}

const cityMetre = fc.integer({ min: -HALF_SIDE_M, max: HALF_SIDE_M });

const tripInputArbitrary = (index: number): fc.Arbitrary<TripInput> =>
  fc
    .record({
      points: fc.array(fc.tuple(cityMetre, cityMetre), { minLength: 2, maxLength: 8 }),
      departureMinute: fc.integer({ min: 0, max: 180 }),
      durationMinutes: fc.integer({ min: 5, max: 90 }),
      seats: fc.integer({ min: 1, max: 4 }),
      perKm: fc.boolean(),
      price: fc.integer({ min: 0, max: 20_000_000 }),
      detour: fc.oneof(fc.constant<[number, number]>([0, 0]), fc.tuple(fc.integer({ min: 100, max: 6_000 }), fc.integer({ min: 1, max: 20 }))),
      driver: fc.integer({ min: 0, max: 3 }),
      instant: fc.boolean(),
    })
    .map(({ points, departureMinute, durationMinutes, seats, perKm, price, detour, driver, instant }) => ({
      tripId: `trip-${String(index).padStart(2, '0')}`,
      driverId: `driver-${driver}`,
      route: points.map(([east, north]) => at(east, north)),
      departureMs: NOW + departureMinute * 60_000,
      arrivalMs: NOW + (departureMinute + durationMinutes) * 60_000,
      vehicleCapacity: 4,
      seatsOffered: seats,
      pricing: perKm ? { kind: 'per-km', pricePerKmMicro: BigInt(Math.floor(price / 50)) } : { kind: 'per-seat', pricePerSeatMicro: BigInt(price) },
      maxDetourM: detour[0],
      maxDetourMinutes: detour[1],
      bookingMode: instant ? 'instant' : 'approval',
    }));

type Step = { kind: 'add'; input: TripInput } | { kind: 'update'; input: TripInput } | { kind: 'remove'; tripId: string } | { kind: 'book'; tripId: string; from: number; to: number; seats: number };

/** How a request is placed relative to a chosen route: a random draw, or right at a threshold. */
interface RequestDraw {
  readonly tripPick: number;
  readonly pickupFraction: number;
  readonly dropoffFraction: number;
  readonly pickupDistance: { readonly kind: 'walk' | 'reach' | 'any'; readonly delta: number; readonly any: number };
  readonly dropoffDistance: { readonly kind: 'walk' | 'reach' | 'any'; readonly delta: number; readonly any: number };
  readonly angle: number;
  readonly perpendicular: boolean;
  readonly uniform: readonly [number, number, number, number] | null;
  readonly windowStartMinute: number;
  readonly windowMinutes: number;
  readonly seats: number;
  readonly walkingRadiusM: number;
  readonly maxTotalPriceMicro: number;
  readonly rider: number;
  readonly nowMinute: number | null;
  readonly limit: number;
}

const distanceArbitrary = fc.record({
  kind: fc.constantFrom<'walk' | 'reach' | 'any'>('walk', 'reach', 'any'),
  delta: fc.integer({ min: -40, max: 40 }),
  any: fc.integer({ min: 0, max: 3_000 }),
});

const requestDrawArbitrary: fc.Arbitrary<RequestDraw> = fc.record({
  tripPick: fc.nat(),
  pickupFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  dropoffFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  pickupDistance: distanceArbitrary,
  dropoffDistance: distanceArbitrary,
  angle: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
  perpendicular: fc.boolean(),
  uniform: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.tuple(cityMetre, cityMetre, cityMetre, cityMetre), weight: 1 }),
  windowStartMinute: fc.integer({ min: -30, max: 240 }),
  windowMinutes: fc.integer({ min: 0, max: 120 }),
  seats: fc.integer({ min: 1, max: 3 }),
  walkingRadiusM: fc.oneof(fc.constant(800), fc.integer({ min: 0, max: 1_500 })),
  maxTotalPriceMicro: fc.integer({ min: 0, max: 40_000_000 }),
  rider: fc.integer({ min: 0, max: 19 }),
  nowMinute: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 120 }), weight: 1 }),
  limit: fc.oneof(fc.constant(500), fc.integer({ min: 1, max: 5 })),
});

/** A point on `trip`'s route at `fraction` of its length, pushed off it by a distance chosen to sit on a threshold. */
function placeNear(trip: Trip, fraction: number, distance: RequestDraw['pickupDistance'], walkingRadiusM: number, angle: number, perpendicular: boolean): LatLng {
  const route = trip.route;
  const positionM = fraction * route.lengthM;
  let segment = 0;
  while (segment < route.pointCount - 2 && route.cumulativeM[segment + 1]! < positionM) segment++;
  const length = route.cumulativeM[segment + 1]! - route.cumulativeM[segment]!;
  const t = length > 0 ? (positionM - route.cumulativeM[segment]!) / length : 0;
  const onRoute: LatLng = [
    route.lat[segment]! + t * (route.lat[segment + 1]! - route.lat[segment]!),
    route.lon[segment]! + t * (route.lon[segment + 1]! - route.lon[segment]!),
  ];
  const base = distance.kind === 'walk' ? walkingRadiusM : distance.kind === 'reach' ? driverReachM(trip, ROAD_FACTOR) : distance.any;
  const d = Math.max(0, base + (distance.kind === 'any' ? 0 : distance.delta));
  let direction = angle;
  if (perpendicular) {
    const east = (route.lon[segment + 1]! - route.lon[segment]!) * COS_CENTRE;
    const north = route.lat[segment + 1]! - route.lat[segment]!;
    direction = Math.atan2(north, east) + (angle < Math.PI ? Math.PI / 2 : -Math.PI / 2);
  }
  return offset(onRoute, d * Math.cos(direction), d * Math.sin(direction));
}

function toRequest(draw: RequestDraw, trips: readonly Trip[]): RideRequest {
  const common = {
    riderId: `driver-${draw.rider}`,
    seats: draw.seats,
    walkingRadiusM: draw.walkingRadiusM,
    maxTotalPriceMicro: BigInt(draw.maxTotalPriceMicro),
    limit: draw.limit,
    ...(draw.nowMinute === null ? {} : { nowMs: NOW + draw.nowMinute * 60_000 }),
  };
  if (draw.uniform !== null || trips.length === 0) {
    const [a, b, c, d] = draw.uniform ?? [0, 0, 100, 100];
    const earliest = NOW + draw.windowStartMinute * 60_000;
    return { ...common, pickup: at(a, b), dropoff: at(c, d), earliestDepartureMs: earliest, latestDepartureMs: earliest + draw.windowMinutes * 60_000 };
  }
  const trip = trips[draw.tripPick % trips.length]!;
  const [p, q] = draw.pickupFraction <= draw.dropoffFraction ? [draw.pickupFraction, draw.dropoffFraction] : [draw.dropoffFraction, draw.pickupFraction];
  // The window lies around the time the trip passes the pickup, so time rarely decides alone.
  const passingMs = trip.departureMs + Math.round(p * trip.durationMs);
  const earliest = passingMs - Math.round(((draw.windowStartMinute + 30) / 270) * (draw.windowMinutes + 10) * 60_000) + 5 * 60_000;
  return {
    ...common,
    pickup: placeNear(trip, p, draw.pickupDistance, draw.walkingRadiusM, draw.angle, draw.perpendicular),
    dropoff: placeNear(trip, q, draw.dropoffDistance, draw.walkingRadiusM, draw.angle + 1, draw.perpendicular),
    earliestDepartureMs: earliest,
    latestDepartureMs: earliest + draw.windowMinutes * 60_000,
  };
}

/** Re-checks an offer against the rules with arithmetic of its own (not `evaluateTrip`). */
function checkOfferIndependently(offer: RideOffer, request: RideRequest, trip: Trip, matcher: RideMatcher): void {
  const walk = request.walkingRadiusM ?? 800;
  for (const [end, point] of [[offer.pickup, request.pickup], [offer.dropoff, request.dropoff]] as const) {
    if (end.kind === 'on-route') {
      expect(end.walkingM).toBeLessThanOrEqual(walk);
      expect(Math.abs(greatCircleDistanceM(point[0], point[1], end.lat, end.lon) - end.walkingM)).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(end.detourM).toBe(0);
    } else {
      expect(end.offRouteM).toBeGreaterThan(walk);
      expect([end.lat, end.lon, end.walkingM]).toEqual([point[0], point[1], 0]);
      expect(end.detourM).toBe(Math.ceil(2 * ROAD_FACTOR * end.offRouteM));
    }
  }
  expect(offer.pickup.routePositionM).toBeLessThan(offer.dropoff.routePositionM);
  expect(offer.pickupAtMs).toBeGreaterThanOrEqual(request.earliestDepartureMs);
  expect(offer.pickupAtMs).toBeLessThanOrEqual(request.latestDepartureMs);
  expect(offer.dropoffAtMs).toBeGreaterThan(offer.pickupAtMs - 1);
  expect(offer.detourM).toBeLessThanOrEqual(trip.maxDetourM);
  expect(offer.detourMs).toBeLessThanOrEqual(trip.maxDetourMinutes * 60_000);
  expect(offer.totalPriceMicro).toBeLessThanOrEqual(request.maxTotalPriceMicro);
  expect(offer.totalPriceMicro).toBe(farePerSeatMicro(trip, offer.pickup.routePositionM, offer.dropoff.routePositionM) * BigInt(request.seats));
  const free = matcher.inventory(trip.tripId)!.freeSeats({ fromM: offer.pickup.routePositionM, toM: offer.dropoff.routePositionM });
  expect(free.status === 'accepted' && free.freeSeats >= request.seats).toBe(true);
  expect(trip.driverId).not.toBe(request.riderId);
  if (request.nowMs !== undefined) expect(trip.departureMs).toBeGreaterThan(request.nowMs);
}

/**
 * Trips that follow the first trip's route with up to ±60 m of jitter per point: riders on
 * a busy corridor match many trips at once, which exercises ranking and the limit.
 */
function followFirst(inputs: TripInput[], followers: readonly boolean[], jitter: readonly number[]): TripInput[] {
  const first = inputs[0]!;
  return inputs.map((input, i) =>
    i > 0 && followers[i]
      ? { ...input, route: first.route.map((point, j) => offset(point, jitter[(i + j) % jitter.length]!, jitter[(i + 2 * j + 1) % jitter.length]!)) }
      : input,
  );
}

const scenarioArbitrary = fc
  .integer({ min: 1, max: 25 })
  .chain((count) =>
    fc.record({
      inputs: fc
        .tuple(
          fc.tuple(...Array.from({ length: count }, (_, i) => tripInputArbitrary(i))),
          fc.array(fc.boolean(), { minLength: count, maxLength: count }),
          fc.array(fc.integer({ min: -60, max: 60 }), { minLength: 7, maxLength: 7 }),
        )
        .map(([inputs, followers, jitter]) => followFirst(inputs, followers, jitter)),
      updates: fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 4 }),
      replacements: fc.array(tripInputArbitrary(0), { minLength: 4, maxLength: 4 }),
      bookings: fc.array(fc.tuple(fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 3 })), { maxLength: 10 }),
      draws: fc.array(requestDrawArbitrary, { minLength: 1, maxLength: 6 }),
    }),
  );

describe('RideMatcher search against a full scan', () => {
  const tally = { searches: 0, withOffers: 0, offRoute: 0, truncated: 0, byTripRuns: 0, byCellRuns: 0 };

  it('returns exactly the offers a scan over every trip accepts, in the documented order, after random adds, updates, removals and bookings', () => {
    fc.assert(
      fc.property(scenarioArbitrary, ({ inputs, updates, replacements, bookings, draws }) => {
        const matcher = new RideMatcher({ roadFactor: ROAD_FACTOR });
        const live = new Map<string, Trip>();
        const steps: Step[] = inputs.map((input) => ({ kind: 'add', input }));
        updates.forEach(([pick, remove], i) => {
          const tripId = inputs[pick % inputs.length]!.tripId;
          steps.push(remove ? { kind: 'remove', tripId } : { kind: 'update', input: { ...replacements[i]!, tripId } });
        });
        bookings.forEach(([pick, a, b, seats]) => steps.push({ kind: 'book', tripId: inputs[pick % inputs.length]!.tripId, from: Math.min(a, b), to: Math.max(a, b), seats }));
        for (const step of steps) {
          if (step.kind === 'remove') {
            expect(matcher.removeTrip(step.tripId).status).toBe(live.has(step.tripId) ? 'accepted' : 'rejected');
            live.delete(step.tripId);
          } else if (step.kind === 'book') {
            const trip = live.get(step.tripId);
            if (!trip) continue;
            const fromM = Math.floor(step.from * trip.routeLengthM);
            const toM = Math.max(fromM + 1, Math.floor(step.to * trip.routeLengthM));
            matcher.book({ tripId: step.tripId, bookingId: `b-${fromM}-${toM}`, riderId: 'rider-x', range: { fromM, toM: Math.min(toM, trip.routeLengthM) }, seats: step.seats, nowMs: NOW });
          } else {
            const created = createTrip(step.input, { nowMs: NOW });
            if (created.status !== 'accepted') continue;
            const result = step.kind === 'add' ? matcher.addTrip(created.trip) : matcher.updateTrip(created.trip);
            if (result.status === 'accepted') live.set(created.trip.tripId, created.trip);
          }
        }
        expect(matcher.size).toBe(live.size);
        const liveTrips = [...live.values()];
        const universe = liveTrips.map((trip) => ({ trip, inventory: matcher.inventory(trip.tripId)! }));
        for (const draw of draws) {
          const request = toRequest(draw, liveTrips);
          const indexed = matcher.search(request);
          const scanned = scanAllTrips(universe, request, ROAD_FACTOR);
          if (indexed.status !== 'accepted' || scanned.status !== 'accepted') throw new Error('generated request rejected');
          expect(indexed.offers).toEqual(scanned.offers);
          for (let i = 1; i < indexed.offers.length; i++) expect(compareOffers(indexed.offers[i - 1]!, indexed.offers[i]!)).toBeLessThan(0);
          for (const offer of indexed.offers) checkOfferIndependently(offer, request, live.get(offer.tripId)!, matcher);
          tally.searches++;
          if (indexed.offers.length > 0) tally.withOffers++;
          if (indexed.offers.some((o) => o.pickup.kind === 'off-route' || o.dropoff.kind === 'off-route')) tally.offRoute++;
          if (indexed.stats.matched > indexed.offers.length) tally.truncated++;
          if (indexed.offers.length > 0) tally[indexed.stats.dropoffPass === 'cell-runs' ? 'byCellRuns' : 'byTripRuns']++;
        }
      }),
      { numRuns: 600 },
    );
  });

  it('exercised the interesting cases: searches with offers, drivers fetching riders, results cut by the limit, and both ways of reading the dropoff side', () => {
    // Guards the generator: a test that never finds an offer would prove nothing.
    expect(tally.searches).toBeGreaterThan(500);
    expect(tally.withOffers / tally.searches).toBeGreaterThan(0.08);
    expect(tally.offRoute).toBeGreaterThan(10);
    expect(tally.truncated).toBeGreaterThan(5);
    expect(tally.byTripRuns).toBeGreaterThan(10);
    expect(tally.byCellRuns).toBeGreaterThan(10);
  });

  it('finds the trips a scan finds at the edges: a rider at exactly the walking radius or the driver’s reach, near a route end, with the window closing at the pickup time', () => {
    // Short straight routes leave a single vertex or a single stretch near the rider, and a
    // window that ends (or starts) exactly at the estimated pickup time leaves no slack: a
    // ring too small, a run that does not cover its neighbours' positions, or a time span
    // without the detour delay would each drop a trip here.
    const edgeTrip = fc
      .record({
        start: fc.tuple(cityMetre, cityMetre),
        heading: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        lengthM: fc.integer({ min: 300, max: 3_000 }),
        bend: fc.option(fc.integer({ min: -60, max: 60 })),
        durationMinutes: fc.integer({ min: 3, max: 20 }),
        detour: fc.oneof(fc.constant<[number, number]>([0, 0]), fc.tuple(fc.integer({ min: 500, max: 8_000 }), fc.integer({ min: 1, max: 30 }))),
        departureMinute: fc.integer({ min: 0, max: 60 }),
      })
      .map(({ start, heading, lengthM, bend, durationMinutes, detour, departureMinute }): TripInput => {
        const a = at(start[0], start[1]);
        const b = offset(a, lengthM * Math.cos(heading), lengthM * Math.sin(heading));
        const route = bend === null ? [a, b] : [a, b, offset(b, lengthM * Math.cos(heading + (bend * Math.PI) / 180), lengthM * Math.sin(heading + (bend * Math.PI) / 180))];
        return {
          tripId: 'edge',
          driverId: 'driver-e',
          route,
          departureMs: NOW + departureMinute * 60_000,
          arrivalMs: NOW + (departureMinute + durationMinutes) * 60_000,
          vehicleCapacity: 4,
          seatsOffered: 2,
          pricing: { kind: 'per-seat', pricePerSeatMicro: 1_000_000n },
          maxDetourM: detour[0],
          maxDetourMinutes: detour[1],
          bookingMode: 'instant',
        };
      });
    const edgePlacement = fc.record({
      where: fc.constantFrom<'before-start' | 'beside' | 'after-end'>('before-start', 'beside', 'after-end'),
      threshold: fc.constantFrom<'walk' | 'reach'>('walk', 'reach'),
      inside: fc.double({ min: 0, max: 3, noNaN: true }),
      angle: fc.double({ min: -Math.PI / 2, max: Math.PI / 2, noNaN: true }),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    let matched = 0;
    fc.assert(
      fc.property(
        fc.array(edgeTrip, { minLength: 1, maxLength: 4 }),
        edgePlacement,
        edgePlacement,
        fc.integer({ min: 100, max: 1_500 }),
        fc.constantFrom<'ends-at-pickup' | 'starts-at-pickup' | 'exact'>('ends-at-pickup', 'starts-at-pickup', 'exact'),
        fc.nat(),
        (inputs, pickupPlace, dropoffPlace, walkingRadiusM, windowKind, pick) => {
          const matcher = new RideMatcher({ roadFactor: ROAD_FACTOR });
          const trips = inputs.flatMap((input, i) => {
            const created = createTrip({ ...input, tripId: `edge-${i}` }, { nowMs: NOW });
            return created.status === 'accepted' && matcher.addTrip(created.trip).status === 'accepted' ? [created.trip] : [];
          });
          fc.pre(trips.length > 0);
          const target = trips[pick % trips.length]!;
          const place = (placement: typeof pickupPlace, lateHalf: boolean): LatLng => {
            const route = target.route;
            const n = route.pointCount;
            const reach = driverReachM(target, ROAD_FACTOR);
            const distance = Math.max(0, (placement.threshold === 'reach' ? Math.max(reach, walkingRadiusM) : walkingRadiusM) - placement.inside);
            const toEast = (i: number, j: number): [number, number] => [
              (route.lon[j]! - route.lon[i]!) * M_PER_DEG * COS_CENTRE,
              (route.lat[j]! - route.lat[i]!) * M_PER_DEG,
            ];
            if (placement.where === 'before-start' || placement.where === 'after-end') {
              const [from, to] = placement.where === 'before-start' ? [1, 0] : [n - 2, n - 1];
              const [dx, dy] = toEast(from, to);
              const direction = Math.atan2(dy, dx) + placement.angle;
              return offset([route.lat[to]!, route.lon[to]!], distance * Math.cos(direction), distance * Math.sin(direction));
            }
            const f = lateHalf ? 0.5 + placement.fraction / 2 : placement.fraction / 2;
            const [dx, dy] = toEast(0, 1);
            const direction = Math.atan2(dy, dx) + (placement.angle >= 0 ? Math.PI / 2 : -Math.PI / 2);
            const point: LatLng = [route.lat[0]! + f * (route.lat[1]! - route.lat[0]!), route.lon[0]! + f * (route.lon[1]! - route.lon[0]!)];
            return offset(point, distance * Math.cos(direction), distance * Math.sin(direction));
          };
          const pickup = place(pickupPlace, false);
          const dropoff = place({ ...dropoffPlace, where: dropoffPlace.where === 'before-start' ? 'beside' : dropoffPlace.where }, true);
          const base = { riderId: 'rider-e', pickup, dropoff, seats: 1, maxTotalPriceMicro: 10_000_000n, walkingRadiusM, limit: 500 };
          // Learn the target's pickup time with a wide window, then pin the window to it.
          const wide = scanAllTrips([{ trip: target, inventory: matcher.inventory(target.tripId)! }], { ...base, earliestDepartureMs: NOW - 86_400_000, latestDepartureMs: NOW + 86_400_000 }, ROAD_FACTOR);
          if (wide.status !== 'accepted') throw new Error('generated request rejected');
          const pickupAtMs = wide.offers[0]?.pickupAtMs ?? NOW + 30 * 60_000;
          const [earliest, latest] =
            windowKind === 'exact' ? [pickupAtMs, pickupAtMs] : windowKind === 'ends-at-pickup' ? [pickupAtMs - 3_600_000, pickupAtMs] : [pickupAtMs, pickupAtMs + 3_600_000];
          const request: RideRequest = { ...base, earliestDepartureMs: earliest, latestDepartureMs: latest };
          const indexed = matcher.search(request);
          const scanned = scanAllTrips(trips.map((trip) => ({ trip, inventory: matcher.inventory(trip.tripId)! })), request, ROAD_FACTOR);
          if (indexed.status !== 'accepted' || scanned.status !== 'accepted') throw new Error('generated request rejected');
          expect(indexed.offers).toEqual(scanned.offers);
          if (indexed.offers.some((offer) => offer.tripId === target.tripId)) matched++;
        },
      ),
      { numRuns: 3_000 },
    );
    expect(matched).toBeGreaterThan(300);
  });

  it('gives the same offers whatever order the trips were added in', () => {
    fc.assert(
      fc.property(fc.array(tripInputArbitrary(0), { minLength: 1, maxLength: 15 }), fc.array(requestDrawArbitrary, { minLength: 1, maxLength: 4 }), (inputs, draws) => {
        const trips = inputs
          .map((input, i) => createTrip({ ...input, tripId: `t${i}` }, { nowMs: NOW }))
          .flatMap((result) => (result.status === 'accepted' ? [result.trip] : []));
        const forward = new RideMatcher();
        const backward = new RideMatcher();
        for (const trip of trips) forward.addTrip(trip);
        for (const trip of [...trips].reverse()) backward.addTrip(trip);
        for (const draw of draws) {
          const request = toRequest(draw, trips);
          expect(forward.search(request)).toEqual(backward.search(request));
        }
      }),
      { numRuns: 100 },
    );
  });
});
