import { BookingConfirmed, BookingExpired, BookingRequested, TripCancelled, TripPublished } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { applyLive, emptyLiveState, rideFigures } from './live-state';

const DRIVER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const RIDER = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';

/** Real envelopes, encoded with the contracts, as the gateway relays them. */
function envelope<C extends { subject: string; envelope: { encode: (v: never) => unknown } }>(contract: C, data: unknown) {
  const encoded = contract.envelope.encode({ id: uuidv7(), subject: contract.subject, source: 'rides', occurredAt: new Date(), data } as never);
  return JSON.parse(JSON.stringify(encoded));
}

const trip = (tripId: string) => ({ tripId, driver: DRIVER, version: 1, departureAt: new Date(), seatsOffered: 3, bookingMode: 'approval', at: new Date() });
const booking = (bookingId: string, state: string) => ({
  bookingId, tripId: uuidv7(), rider: RIDER, driver: DRIVER, seats: 1, fromM: 0, toM: 5_000, fareMicro: 2_500_000n, serviceFeeMicro: 250_000n, state, at: new Date(),
});
const outcome = { rule: 'expired', riderRefundMicro: 2_750_000n, driverPayoutMicro: 0n, platformFeeMicro: 0n, driverReliabilityMark: false };

describe('the dashboard ride figures', () => {
  it('counts trips, open requests and the match rate from booking events', () => {
    const state = emptyLiveState();
    const t = uuidv7();
    applyLive(state, TripPublished.subject, envelope(TripPublished, trip(t)));
    applyLive(state, TripPublished.subject, envelope(TripPublished, trip(uuidv7())));
    applyLive(state, TripCancelled.subject, envelope(TripCancelled, trip(t)));
    expect([state.rides.tripsPublished, state.rides.tripsCancelled]).toEqual([2, 1]);
    expect(rideFigures(state.rides)).toEqual({ openRequests: 0, matchRate: null });

    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    for (const id of [a, b, c]) applyLive(state, BookingRequested.subject, envelope(BookingRequested, booking(id, 'requested')));
    expect(rideFigures(state.rides)).toEqual({ openRequests: 3, matchRate: null });
    applyLive(state, BookingConfirmed.subject, envelope(BookingConfirmed, booking(a, 'confirmed')));
    applyLive(state, BookingExpired.subject, envelope(BookingExpired, { ...booking(b, 'expired'), outcome }));
    expect(rideFigures(state.rides)).toEqual({ openRequests: 1, matchRate: 0.5 });
    expect(state.rides.fareHeldMicro).toBe(2_500_000n);
    // A late "requested" (redelivered out of order) does not reopen a decided booking.
    applyLive(state, BookingRequested.subject, envelope(BookingRequested, booking(a, 'requested')));
    expect(rideFigures(state.rides)).toEqual({ openRequests: 1, matchRate: 0.5 });
  });
});
