import fc from 'fast-check';
import { bookingView, bookingViewWire, rideOfferView, rideOfferWire, type BookingView, type RideOfferView } from './ride';

const did = fc.constantFrom('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp');
const tripId = fc.constantFrom('0190a6e4-8f6b-7c3d-9a1b-2c3d4e5f6a7b', '0190a6e4-8f6b-7c3d-8a1b-ffffffffffff');
const int = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
const money = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
const instant = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms));
const meetingPoint = fc.record({
  kind: fc.constantFrom('on-route' as const, 'off-route' as const),
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  routePositionM: int, offRouteM: int, walkingM: int, detourM: int, detourMs: int,
});
const offer: fc.Arbitrary<RideOfferView> = fc.record({
  tripId, driver: did, bookingMode: fc.constantFrom('instant' as const, 'approval' as const), pickup: meetingPoint, dropoff: meetingPoint,
  pickupAt: instant, dropoffAt: instant, detourM: int, detourMs: int, walkingM: int, seats: int,
  farePerSeatMicro: money, fareMicro: money, serviceFeeMicro: money, totalMicro: money,
});

describe('rideOfferWire', () => {
  it('writes exactly what the contract’s encode writes, for any offer', () => {
    fc.assert(
      fc.property(offer, (o) => {
        expect(rideOfferWire(o)).toEqual(rideOfferView.encode(o));
      }),
      { numRuns: 500 },
    );
  });

  it('passes only the named fields of a meeting point, and its answer decodes back to the offer', () => {
    const [o] = fc.sample(offer, { numRuns: 1, seed: 7 });
    const withExtra = { ...o!, pickup: { ...o!.pickup, secret: 'internal' } } as RideOfferView;
    const wire = rideOfferWire(withExtra);
    expect(Object.keys(wire.pickup)).not.toContain('secret');
    expect(rideOfferView.decode(wire)).toEqual(o);
  });
});

const booking: fc.Arbitrary<BookingView> = fc.record({
  id: tripId, tripId, rider: did, driver: did, bookingMode: fc.constantFrom('instant' as const, 'approval' as const),
  state: fc.constantFrom('reserved' as const, 'requested' as const, 'confirmed' as const, 'completed' as const, 'cancelled' as const, 'expired' as const, 'declined' as const, 'no-show' as const),
  holdState: fc.constantFrom('placing' as const, 'held' as const, 'releasing' as const, 'released' as const),
  seats: int, pickup: meetingPoint, dropoff: meetingPoint, pickupAt: instant, dropoffAt: instant,
  farePerSeatMicro: money, fareMicro: money, serviceFeeMicro: money, expiresAt: fc.option(instant, { nil: null }),
  outcome: fc.option(
    fc.record({
      rule: fc.constantFrom('completed' as const, 'driver-cancel' as const, 'hold-refused' as const, 'dispute-timeout' as const),
      riderRefundMicro: money, driverPayoutMicro: money, platformFeeMicro: money, driverReliabilityMark: fc.boolean(),
    }),
    { nil: null },
  ),
  cancelledBy: fc.constantFrom('rider' as const, 'driver' as const, null), createdAt: instant, updatedAt: instant,
});

describe('bookingViewWire', () => {
  it('writes exactly what the contract’s encode writes, for any booking', () => {
    fc.assert(
      fc.property(booking, (b) => {
        expect(bookingViewWire(b)).toEqual(bookingView.encode(b));
        expect(bookingView.decode(bookingViewWire(b))).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });
});
