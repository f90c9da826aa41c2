import { EARTH_RADIUS_M, type LatLng } from './geo';
import { quoteBooking, type BookingQuoteRequest } from './booking-quote';
import { RideMatcher } from './ride-matcher';
import { RideMismatch } from './ride-rules';
import { type Trip, type TripInput, createTrip } from './trip';

const NOW = Date.UTC(2030, 0, 15, 6);
const DEPARTURE = NOW + 3_600_000;
const M_PER_DEG_LAT = (Math.PI * EARTH_RADIUS_M) / 180;
const ROUTE: LatLng[] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];
const north = ([lat, lon]: LatLng, metres: number): LatLng => [lat + metres / M_PER_DEG_LAT, lon];

function trip(overrides: Partial<TripInput> = {}): Trip {
  const result = createTrip(
    {
      tripId: 'trip-1', driverId: 'driver-1', route: ROUTE, departureMs: DEPARTURE, arrivalMs: DEPARTURE + 20 * 60_000,
      vehicleCapacity: 4, seatsOffered: 3, pricing: { kind: 'per-seat', pricePerSeatMicro: 6_000_000n },
      maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant', ...overrides,
    },
    { nowMs: NOW },
  );
  if (result.status !== 'accepted') throw new Error(result.code);
  return result.trip;
}

const ask = (overrides: Partial<BookingQuoteRequest> = {}): BookingQuoteRequest => ({
  riderId: 'rider-1', pickup: north([48.85, 2.31], 220), dropoff: north([48.85, 2.39], 110), seats: 2, nowMs: NOW, ...overrides,
});

describe('quoteBooking', () => {
  it('quotes exactly the offer search shows for the same points', () => {
    const t = trip();
    const matcher = new RideMatcher();
    matcher.addTrip(t);
    const searched = matcher.search({
      riderId: 'rider-1', pickup: ask().pickup, dropoff: ask().dropoff, earliestDepartureMs: NOW, latestDepartureMs: NOW + 4 * 3_600_000,
      seats: 2, maxTotalPriceMicro: 100_000_000n,
    });
    if (searched.status !== 'accepted') throw new Error(searched.code);
    const quote = quoteBooking(t, ask(), matcher.roadFactor);
    expect(quote).toEqual({ status: 'quoted', offer: searched.offers[0] });
    if (quote.status !== 'quoted') throw new Error('not quoted');
    // The README's worked example: 5,853 m of 7,317 m at 6.000000 a seat.
    expect(quote.offer.farePerSeatMicro).toBe(4_799_508n);
    expect(quote.offer.totalPriceMicro).toBe(9_599_016n);
  });

  it('refuses the driver, a departed trip and more seats than offered, before any geometry', () => {
    const t = trip();
    expect(quoteBooking(t, ask({ riderId: 'driver-1' }), 1.3)).toMatchObject({ status: 'rejected', code: 'OWN_TRIP' });
    expect(quoteBooking(t, ask({ nowMs: DEPARTURE }), 1.3)).toMatchObject({ status: 'rejected', code: 'TRIP_DEPARTED' });
    expect(quoteBooking(t, ask({ nowMs: DEPARTURE - 1 }), 1.3).status).toBe('quoted');
    expect(quoteBooking(t, ask({ seats: 4 }), 1.3)).toMatchObject({ status: 'rejected', code: 'NOT_ENOUGH_SEATS' });
  });

  it('refuses bad points and seat counts with the request codes', () => {
    const t = trip();
    expect(quoteBooking(t, ask({ pickup: [91, 2.3] }), 1.3)).toMatchObject({ code: 'LAT_OUT_OF_RANGE' });
    expect(quoteBooking(t, ask({ dropoff: [48.85, 181] }), 1.3)).toMatchObject({ code: 'LON_OUT_OF_RANGE' });
    expect(quoteBooking(t, ask({ seats: 0 }), 1.3)).toMatchObject({ code: 'SEATS_NOT_POSITIVE' });
  });

  it('says which rule fails when the trip does not serve the points', () => {
    const t = trip();
    expect(quoteBooking(t, ask({ pickup: north([48.85, 2.31], 2_000) }), 1.3)).toEqual({ status: 'not-served', reason: RideMismatch.PICKUP_TOO_FAR });
    expect(quoteBooking(t, ask({ pickup: ask().dropoff, dropoff: ask().pickup }), 1.3)).toEqual({ status: 'not-served', reason: RideMismatch.WRONG_DIRECTION });
    expect(quoteBooking(t, ask({ maxTotalPriceMicro: 9_599_015n }), 1.3)).toEqual({ status: 'not-served', reason: RideMismatch.TOO_EXPENSIVE });
    expect(quoteBooking(t, ask({ maxTotalPriceMicro: 9_599_016n }), 1.3).status).toBe('quoted');
  });

  it('takes a pickup at any time of the trip, even more than two days after now', () => {
    const later = trip({ departureMs: NOW + 5 * 24 * 3_600_000, arrivalMs: NOW + 5 * 24 * 3_600_000 + 20 * 60_000 });
    expect(quoteBooking(later, ask(), 1.3).status).toBe('quoted');
  });
});
