import fc from 'fast-check';
import { type LatLng, greatCircleDistanceM } from './geo';
import { MAX_DETOUR_M, MAX_POLYLINE_POINTS, MAX_PRICE_PER_KM_MICRO, MAX_PRICE_PER_SEAT_MICRO, MAX_STOPOVERS, MAX_TRIP_DURATION_MS } from './ride-bounds';
import { RideRejectCode } from './ride-codes';
import { type Trip, type TripInput, createTrip, drivingTimeMs, farePerSeatMicro, timeAtPositionMs } from './trip';

const NOW = Date.UTC(2030, 0, 15, 6);
const ROUTE: LatLng[] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];

function input(overrides: Partial<TripInput> = {}): TripInput {
  return {
    tripId: 'trip-1',
    driverId: 'driver-1',
    route: ROUTE,
    departureMs: NOW + 3_600_000,
    arrivalMs: NOW + 3_600_000 + 20 * 60_000,
    vehicleCapacity: 4,
    seatsOffered: 3,
    pricing: { kind: 'per-seat', pricePerSeatMicro: 6_000_000n },
    maxDetourM: 2_000,
    maxDetourMinutes: 10,
    bookingMode: 'instant',
    ...overrides,
  };
}

function trip(overrides: Partial<TripInput> = {}): Trip {
  const result = createTrip(input(overrides), { nowMs: NOW });
  if (result.status !== 'accepted') throw new Error(`trip rejected: ${result.code} ${result.message}`);
  return result.trip;
}

describe('createTrip', () => {
  it('accepts a valid trip and fixes its length in whole metres and its duration', () => {
    const t = trip();
    const lengthM = greatCircleDistanceM(48.85, 2.30, 48.85, 2.35) + greatCircleDistanceM(48.85, 2.35, 48.85, 2.40);
    expect(t.routeLengthM).toBe(Math.round(lengthM));
    expect(t.durationMs).toBe(20 * 60_000);
    expect(t.stopovers).toEqual([]);
  });

  it.each<[string, Partial<TripInput>, string]>([
    ['an empty trip id', { tripId: '' }, RideRejectCode.ID_INVALID],
    ['a driver id of 129 characters', { driverId: 'd'.repeat(129) }, RideRejectCode.ID_INVALID],
    ['an empty route', { route: [] }, RideRejectCode.POLYLINE_EMPTY],
    ['a route of too many points', { route: Array.from({ length: MAX_POLYLINE_POINTS + 1 }, (_, i): LatLng => [48.85, 2.3 + i * 1e-4]) }, RideRejectCode.POLYLINE_TOO_LONG],
    ['a route of one repeated point', { route: [[48.85, 2.3], [48.85, 2.3]] }, RideRejectCode.POLYLINE_DEGENERATE],
    ['a latitude of 91°', { route: [[91, 2.3], [48.85, 2.4]] }, RideRejectCode.LAT_OUT_OF_RANGE],
    ['a longitude of −181°', { route: [[48.85, -181], [48.85, 2.4]] }, RideRejectCode.LON_OUT_OF_RANGE],
    ['a 50 m route', { route: [[48.85, 2.3], [48.85, 2.3007]] }, RideRejectCode.ROUTE_TOO_SHORT],
    ['a 2,224 km route', { route: [[0, 0], [0, 20]], arrivalMs: NOW + 3_600_000 + 40 * 3_600_000 }, RideRejectCode.ROUTE_TOO_LONG],
    ['a departure before now', { departureMs: NOW - 1 }, RideRejectCode.DEPARTURE_IN_PAST],
    ['an arrival at the departure', { arrivalMs: NOW + 3_600_000 }, RideRejectCode.ARRIVAL_NOT_AFTER_DEPARTURE],
    ['an arrival before the departure', { arrivalMs: NOW }, RideRejectCode.ARRIVAL_NOT_AFTER_DEPARTURE],
    ['a 49-hour trip', { arrivalMs: NOW + 3_600_000 + MAX_TRIP_DURATION_MS + 3_600_000 }, RideRejectCode.DURATION_ABOVE_MAX],
    ['7.3 km in one minute', { arrivalMs: NOW + 3_600_000 + 60_000 }, RideRejectCode.SPEED_IMPLAUSIBLE],
    ['a fractional departure', { departureMs: NOW + 0.5 }, RideRejectCode.MALFORMED_INPUT],
    ['a capacity of 0', { vehicleCapacity: 0 }, RideRejectCode.CAPACITY_INVALID],
    ['0 seats offered', { seatsOffered: 0 }, RideRejectCode.SEATS_NOT_POSITIVE],
    ['−2 seats offered', { seatsOffered: -2 }, RideRejectCode.SEATS_NOT_POSITIVE],
    ['1.5 seats offered', { seatsOffered: 1.5 }, RideRejectCode.MALFORMED_INPUT],
    ['5 seats in a 4-seat car', { seatsOffered: 5 }, RideRejectCode.SEATS_ABOVE_CAPACITY],
    ['a negative price per seat', { pricing: { kind: 'per-seat', pricePerSeatMicro: -1n } }, RideRejectCode.PRICE_NEGATIVE],
    ['a price per seat above the bound', { pricing: { kind: 'per-seat', pricePerSeatMicro: MAX_PRICE_PER_SEAT_MICRO + 1n } }, RideRejectCode.PRICE_ABOVE_MAX],
    ['a price per km above the bound', { pricing: { kind: 'per-km', pricePerKmMicro: MAX_PRICE_PER_KM_MICRO + 1n } }, RideRejectCode.PRICE_ABOVE_MAX],
    ['a price given as a number', { pricing: { kind: 'per-seat', pricePerSeatMicro: 5 as unknown as bigint } }, RideRejectCode.MALFORMED_INPUT],
    ['an unknown pricing kind', { pricing: { kind: 'per-minute' } as unknown as TripInput['pricing'] }, RideRejectCode.MALFORMED_INPUT],
    ['a negative detour', { maxDetourM: -1 }, RideRejectCode.DETOUR_OUT_OF_RANGE],
    ['a detour above the bound', { maxDetourM: MAX_DETOUR_M + 1 }, RideRejectCode.DETOUR_OUT_OF_RANGE],
    ['a fractional detour time', { maxDetourMinutes: 2.5 }, RideRejectCode.DETOUR_OUT_OF_RANGE],
    ['an unknown booking mode', { bookingMode: 'auction' as unknown as TripInput['bookingMode'] }, RideRejectCode.MALFORMED_INPUT],
    ['too many stopovers', { stopovers: Array.from({ length: MAX_STOPOVERS + 1 }, (_, i): LatLng => [48.85, 2.301 + i * 0.004]) }, RideRejectCode.TOO_MANY_STOPOVERS],
    ['a stopover 1 km off the route', { stopovers: [[48.859, 2.35]] }, RideRejectCode.STOPOVER_NOT_ON_ROUTE],
    ['stopovers in the wrong order', { stopovers: [[48.85, 2.38], [48.85, 2.32]] }, RideRejectCode.STOPOVERS_OUT_OF_ORDER],
    ['a stopover out of range', { stopovers: [[48.85, 200]] }, RideRejectCode.LON_OUT_OF_RANGE],
  ])('refuses %s', (_name, overrides, code) => {
    expect(createTrip(input(overrides), { nowMs: NOW })).toMatchObject({ status: 'rejected', code });
  });

  it('accepts a departure exactly at now', () => {
    expect(createTrip(input({ departureMs: NOW, arrivalMs: NOW + 20 * 60_000 }), { nowMs: NOW }).status).toBe('accepted');
  });

  it('locates stopovers on the route, in order, with their positions', () => {
    const t = trip({ stopovers: [[48.8501, 2.32], [48.85, 2.38]] });
    expect(t.stopovers.map((s) => s.routePositionM)).toEqual([
      Math.round(greatCircleDistanceM(48.85, 2.30, 48.85, 2.32)),
      Math.round(greatCircleDistanceM(48.85, 2.30, 48.85, 2.38)),
    ]);
  });
});

describe('timeAtPositionMs and drivingTimeMs', () => {
  const t = trip();

  it('is the departure at the start and the arrival at the end', () => {
    expect(timeAtPositionMs(t, 0)).toBe(t.departureMs);
    expect(timeAtPositionMs(t, t.routeLengthM)).toBe(t.arrivalMs);
  });

  it('moves at the route’s average speed: half the length, half the duration', () => {
    expect(timeAtPositionMs(t, t.routeLengthM / 2)).toBe(t.departureMs + Math.round(t.durationMs / 2));
  });

  it('never goes backwards along the route', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: t.routeLengthM }), fc.integer({ min: 0, max: t.routeLengthM }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(timeAtPositionMs(t, lo)).toBeLessThanOrEqual(timeAtPositionMs(t, hi));
      }),
    );
  });

  it('rounds a detour time up, never down', () => {
    // 1 m takes durationMs / routeLengthM ≈ 164 ms, not a whole number of milliseconds.
    expect(drivingTimeMs(t, 1)).toBe(Math.ceil(t.durationMs / t.routeLengthM));
    expect(drivingTimeMs(t, t.routeLengthM)).toBe(t.durationMs);
    expect(drivingTimeMs(t, 0)).toBe(0);
  });
});

/** Half to even, characterised without division: 2·|q·d − n| ≤ d, and an exact half goes to the even q. */
function isHalfEvenQuotient(q: bigint, n: bigint, d: bigint): boolean {
  const twiceError = 2n * (q * d - n);
  const abs = twiceError < 0n ? -twiceError : twiceError;
  if (abs > d) return false;
  return abs < d || q % 2n === 0n;
}

describe('farePerSeatMicro', () => {
  it('charges the whole published price for the whole route', () => {
    const t = trip();
    expect(farePerSeatMicro(t, 0, t.routeLengthM)).toBe(6_000_000n);
  });

  it('charges a partial leg its share of the route, rounded half to even', () => {
    const t = trip();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: t.routeLengthM - 1 }), fc.integer({ min: 1, max: t.routeLengthM }), (a, span) => {
        const to = Math.min(t.routeLengthM, a + span);
        fc.pre(to > a);
        const fare = farePerSeatMicro(t, a, to);
        expect(isHalfEvenQuotient(fare, 6_000_000n * BigInt(to - a), BigInt(t.routeLengthM))).toBe(true);
      }),
    );
  });

  it('charges per kilometre of the leg along the route', () => {
    const t = trip({ pricing: { kind: 'per-km', pricePerKmMicro: 120_000n } });
    expect(farePerSeatMicro(t, 1_000, 3_500)).toBe(300_000n);
    // 2.5 µ and 1.5 µ: exact halves go to the even neighbour.
    const tiny = trip({ pricing: { kind: 'per-km', pricePerKmMicro: 5n } });
    expect(farePerSeatMicro(tiny, 0, 500)).toBe(2n);
    const tiny3 = trip({ pricing: { kind: 'per-km', pricePerKmMicro: 3n } });
    expect(farePerSeatMicro(tiny3, 0, 500)).toBe(2n);
  });

  it('keeps consecutive legs within a µ per leg of the whole fare', () => {
    const t = trip();
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: t.routeLengthM - 1 }), { maxLength: 6 }), (cuts) => {
        const points = [0, ...cuts.sort((x, y) => x - y), t.routeLengthM];
        let sum = 0n;
        for (let i = 1; i < points.length; i++) sum += farePerSeatMicro(t, points[i - 1]!, points[i]!);
        const error = sum - 6_000_000n;
        expect(error < 0n ? -error : error).toBeLessThanOrEqual(BigInt(points.length - 1));
      }),
    );
  });
});
