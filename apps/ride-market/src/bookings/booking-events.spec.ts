import fc from 'fast-check';
import { BookingConfirmed, BookingRequested, type EventContract } from '@ampool/contracts';
import { bookingEvents } from './booking-events';
import type { BookingRecord } from './bookings.repository';

const did = fc.constantFrom('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp');
const uuid = fc.constantFrom('0190a6e4-8f6b-7c3d-9a1b-2c3d4e5f6a7b', '0190a6e4-8f6b-7c3d-8a1b-ffffffffffff');
const int = fc.integer({ min: 0, max: 1_000_000 });
const money = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
const instant = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms));
const point = fc.record({
  kind: fc.constantFrom('on-route' as const, 'off-route' as const),
  // JSON has no -0: a payload's 0 is the same coordinate.
  lat: fc.double({ min: -90, max: 90, noNaN: true }).map((v) => v + 0),
  lon: fc.double({ min: -180, max: 180, noNaN: true }).map((v) => v + 0),
  routePositionM: int, offRouteM: int, walkingM: int, detourM: int, detourMs: int,
});
const record = (state: 'requested' | 'confirmed'): fc.Arbitrary<BookingRecord> =>
  fc.record({
    id: uuid, tripId: uuid, rider: did, driver: did, bookingMode: fc.constantFrom('instant' as const, 'approval' as const), state: fc.constant(state),
    holdState: fc.constant('held' as const), seats: int, fromM: int, toM: int, pickup: point, dropoff: point, pickupAt: instant, dropoffAt: instant,
    farePerSeatMicro: money, fareMicro: money, feeMicro: money, requestHash: fc.constant('h'), expiresAt: fc.constant(null), rule: fc.constant(null),
    riderRefundMicro: fc.constant(null), driverPayoutMicro: fc.constant(null), platformFeeMicro: fc.constant(null), cancelledBy: fc.constant(null),
    createdAt: instant, updatedAt: instant,
  });

/** What the contract's own encode writes for this data. */
function viaSchema(contract: EventContract, data: unknown): unknown {
  return contract.data.encode(data);
}

function fact(b: BookingRecord, at: Date, state: BookingRecord['state']) {
  return { bookingId: b.id, tripId: b.tripId, rider: b.rider, driver: b.driver, seats: b.seats, fromM: b.fromM, toM: b.toM, fareMicro: b.fareMicro, serviceFeeMicro: b.feeMicro, state, at };
}

describe('booking events of the booking path', () => {
  it('are written as the contracts encode them, in envelopes that decode', () => {
    fc.assert(
      fc.property(fc.oneof(record('requested'), record('confirmed')), fc.boolean(), instant, (b, instantStep, at) => {
        const state = b.state;
        const rows = bookingEvents(b, { at, instantStep });
        const expected: [EventContract, unknown][] =
          state === 'requested'
            ? [[BookingRequested, fact(b, at, 'requested')]]
            : [
                ...(instantStep ? [[BookingRequested, fact(b, at, 'requested')] as [EventContract, unknown]] : []),
                [BookingConfirmed, { ...fact(b, at, 'confirmed'), pickupPoint: { lat: b.pickup.lat, lon: b.pickup.lon, at: b.pickupAt }, dropoffPoint: { lat: b.dropoff.lat, lon: b.dropoff.lon, at: b.dropoffAt } }],
              ];
        expect(rows.map((r) => r.subject)).toEqual(expected.map(([c]) => c.subject));
        rows.forEach((row, i) => {
          const [contract, data] = expected[i]!;
          const wire = JSON.parse(row.payload) as { id: string; data: unknown };
          expect(wire.id).toBe(row.id);
          expect(wire.data).toEqual(viaSchema(contract, data));
          const decoded = contract.envelope.decode(wire as never);
          expect(decoded.data).toEqual(data);
          expect(decoded.subject).toBe(contract.subject);
          expect(decoded.source).toBe('rides');
        });
      }),
      { numRuns: 300, endOnFailure: true },
    );
  });
});
