import { approveBooking, bookSeats, cancelBooking, cancelTrip, declineBooking, getBooking, getTrip, listMyBookings, listMyTrips, publishTrip, reportNoShow, searchRides, signingWith } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { codeOf, PARIS_A, PARIS_B, PARIS_C, parisTrip, query, startTestSystem, type TestSystem } from '@ampool/testing';
import type { RegisteredParticipant } from '@ampool/client';

const HOUR = 3_600_000;
/** Pickup and drop-off points along the Paris route. */
const [A, B, C] = [PARIS_A, PARIS_B, PARIS_C];

/**
 * The ride market through the gateway with signed requests: drivers publish, riders find and
 * book, drivers approve and cancel; seats per leg never oversell under 100 concurrent
 * bookings; money is held in settlement exactly for the bookings that hold seats.
 */
describe('the ride-seat market', () => {
  let sys: TestSystem;
  let driver: RegisteredParticipant;
  const fund = async (did: string, micro: bigint) =>
    sys.client.post('/v1/deposits', { id: uuidv7(), participant: did, amountMicro: micro.toString() }, await sys.operator());
  const pendingHolds = async () =>
    query<{ booking_id: string; amount_micro: string }>(sys.db.url, `SELECT booking_id::text, amount_micro::text FROM settlement.booking_hold WHERE state = 'held' ORDER BY booking_id`);

  beforeAll(async () => {
    sys = await startTestSystem({ services: ['identity', 'settlement', 'metering', 'ride-market'] });
    driver = await sys.participant('driver', 'Driver D');
  });
  afterAll(() => sys?.stop());

  it('lets a rider find and book a seat, holding fare and fee, and cancel with the policy', async () => {
    const rider = await sys.participant('rider', 'Rider R');
    await fund(rider.did, 100_000_000n);
    const t = await publishTrip(sys.client, driver.key, parisTrip());
    expect(t.legs).toEqual([{ fromM: 0, toM: t.routeLengthM, seats: 3, seatsTaken: 0 }]);
    expect((await listMyTrips(sys.client, driver.key)).trips.map((x) => x.id)).toContain(t.id);

    let offers: Awaited<ReturnType<typeof searchRides>> = [];
    for (let i = 0; i < 40 && offers.length === 0; i++) {
      offers = await searchRides(sys.client, rider.key, {
        pickup: A, dropoff: C, earliestDepartureAt: new Date(Date.now() + 47 * HOUR).toISOString(), latestDepartureAt: new Date(Date.now() + 49 * HOUR).toISOString(), seats: 2,
      });
      if (offers.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(offers.map((o) => o.tripId)).toContain(t.id);
    const offer = offers.find((o) => o.tripId === t.id)!;

    const booking = await bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup: A, dropoff: C, seats: 2 });
    expect(booking.state).toBe('confirmed');
    expect(booking.holdState).toBe('held');
    expect(booking.fareMicro).toBe(offer.fareMicro);
    expect(BigInt(booking.serviceFeeMicro)).toBe((BigInt(booking.fareMicro) + 5n) / 10n); // 10 % (no half here)
    const held = (await pendingHolds()).find((h) => h.booking_id === booking.id);
    expect(held?.amount_micro).toBe((BigInt(booking.fareMicro) + BigInt(booking.serviceFeeMicro)).toString());
    const afterBooking = await getTrip(sys.client, rider.key, t.id);
    expect(Math.max(...afterBooking.legs.map((l) => l.seatsTaken))).toBe(2);

    // More than 24 h before pickup: the fare comes back, the fee stays with the platform.
    const cancelled = await cancelBooking(sys.client, rider.key, booking.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.outcome).toMatchObject({ rule: 'rider-early-cancel', riderRefundMicro: booking.fareMicro, driverPayoutMicro: '0', platformFeeMicro: booking.serviceFeeMicro });
    expect(cancelled.holdState).toBe('released');
    expect((await pendingHolds()).find((h) => h.booking_id === booking.id)).toBeUndefined();
    const account = await sys.client.get<{ account: { availableMicro: string } }>(`/v1/accounts/${rider.did}`, signingWith(rider.key));
    expect(account.account.availableMicro).toBe((100_000_000n - BigInt(booking.serviceFeeMicro)).toString());
    const after = await getTrip(sys.client, rider.key, t.id);
    expect(Math.max(...after.legs.map((l) => l.seatsTaken))).toBe(0);
    expect(await codeOf(cancelBooking(sys.client, rider.key, booking.id))).toBe('INVALID_TRANSITION');
  });

  it('answers the same booking id and body with the same booking, and a different body with ID_CONFLICT', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const t = await publishTrip(sys.client, driver.key, parisTrip());
    const body = { id: uuidv7(), tripId: t.id, pickup: A, dropoff: B, seats: 1 };
    const first = await bookSeats(sys.client, rider.key, body);
    const again = await bookSeats(sys.client, rider.key, body);
    expect(again.id).toBe(first.id);
    expect(again.state).toBe('confirmed');
    expect(await codeOf(bookSeats(sys.client, rider.key, { ...body, seats: 2 }))).toBe('ID_CONFLICT');
    expect((await pendingHolds()).filter((h) => h.booking_id === body.id)).toHaveLength(1);
  });

  it('lets a driver approve or decline requests, releasing seats and money on a decline', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const t = await publishTrip(sys.client, driver.key, parisTrip({ bookingMode: 'approval', seatsOffered: 1 }));
    const first = await bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup: A, dropoff: B, seats: 1 });
    expect(first.state).toBe('requested');
    expect(first.expiresAt).not.toBeNull();
    expect(await codeOf(bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup: A, dropoff: C, seats: 1 }))).toBe('NOT_ENOUGH_SEATS');
    const second = await bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup: B, dropoff: C, seats: 1 });
    expect(await codeOf(approveBooking(sys.client, rider.key, first.id))).toBe('FORBIDDEN');
    expect((await approveBooking(sys.client, driver.key, first.id)).state).toBe('confirmed');
    const declined = await declineBooking(sys.client, driver.key, second.id);
    expect(declined).toMatchObject({ state: 'declined', holdState: 'released', outcome: { rule: 'declined', driverPayoutMicro: '0', platformFeeMicro: '0' } });
    expect(await codeOf(approveBooking(sys.client, driver.key, second.id))).toBe('INVALID_TRANSITION');
    // Without trip proofs a no-show moves nothing.
    expect(await codeOf(reportNoShow(sys.client, driver.key, first.id))).toBe('NO_SHOW_NOT_PROVEN');
    expect((await getBooking(sys.client, rider.key, first.id)).state).toBe('confirmed');
    expect((await listMyBookings(sys.client, driver.key, { as: 'driver' })).bookings.map((b) => b.id)).toEqual(expect.arrayContaining([first.id, second.id]));
  });

  it('cancels every live booking with the trip, refunding in full and marking the driver', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const t = await publishTrip(sys.client, driver.key, parisTrip());
    const b = await bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup: A, dropoff: C, seats: 1 });
    const out = await cancelTrip(sys.client, driver.key, t.id);
    expect(out).toMatchObject({ cancelledBookings: 1, trip: { status: 'cancelled' } });
    let after = await getBooking(sys.client, rider.key, b.id);
    for (let i = 0; i < 50 && after.holdState !== 'released'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await getBooking(sys.client, rider.key, b.id);
    }
    expect(after).toMatchObject({ state: 'cancelled', cancelledBy: 'driver', holdState: 'released', outcome: { rule: 'driver-cancel', driverReliabilityMark: true } });
    expect(BigInt(after.outcome!.riderRefundMicro)).toBe(BigInt(b.fareMicro) + BigInt(b.serviceFeeMicro));
    const [marks] = await query<{ n: number }>(sys.db.url, 'SELECT count(*)::int AS n FROM rides.driver_mark WHERE booking_id = $1', [b.id]);
    expect(marks!.n).toBe(1);
    expect(await codeOf(bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup: A, dropoff: C, seats: 1 }))).toBe('TRIP_NOT_OPEN');
  });

  it('confirms exactly 3 of 100 simultaneous bookings for 3 seats, and holds money only for those', async () => {
    const t = await publishTrip(sys.client, driver.key, parisTrip({ seatsOffered: 3 }));
    const riders = await Promise.all(Array.from({ length: 10 }, () => sys.participant('rider')));
    for (const r of riders) await fund(r.did, 500_000_000n);
    const ids = Array.from({ length: 100 }, () => uuidv7());
    const codes = await Promise.all(
      ids.map((id, i) => codeOf(bookSeats(sys.client, riders[i % 10]!.key, { id, tripId: t.id, pickup: A, dropoff: C, seats: 1 }))),
    );
    expect(codes.filter((c) => c === 'OK')).toHaveLength(3);
    expect(codes.filter((c) => c === 'NOT_ENOUGH_SEATS')).toHaveLength(97);
    const confirmed = await query<{ id: string }>(sys.db.url, `SELECT id::text FROM rides.booking WHERE trip_id = $1 AND state = 'confirmed' ORDER BY id`, [t.id]);
    expect(confirmed).toHaveLength(3);
    const holds = (await pendingHolds()).filter((h) => ids.includes(h.booking_id));
    expect(holds.map((h) => h.booking_id).sort()).toEqual(confirmed.map((c) => c.id));
    const [legs] = await query<{ max: number }>(sys.db.url, 'SELECT max(seats_taken)::int AS max FROM rides.trip_leg WHERE trip_id = $1', [t.id]);
    expect(legs!.max).toBe(3);
  });

  it('never oversells across overlapping legs: A→B and B→C share no seat, A→C needs both', async () => {
    const t = await publishTrip(sys.client, driver.key, parisTrip({ seatsOffered: 2 }));
    const riders = await Promise.all(Array.from({ length: 6 }, () => sys.participant('rider')));
    for (const r of riders) await fund(r.did, 500_000_000n);
    const legs: [number, number][][] = [[A, B], [B, C], [A, C]];
    const attempts = Array.from({ length: 90 }, (_, i) => ({ id: uuidv7(), rider: riders[i % 6]!, leg: legs[i % 3]! }));
    const codes = await Promise.all(
      attempts.map((a) => codeOf(bookSeats(sys.client, a.rider.key, { id: a.id, tripId: t.id, pickup: a.leg[0]!, dropoff: a.leg[1]!, seats: 1 }))),
    );
    expect(codes.every((c) => c === 'OK' || c === 'NOT_ENOUGH_SEATS')).toBe(true);
    const rows = await query<{ from_m: number; to_m: number; seats: number }>(
      sys.db.url, `SELECT from_m, to_m, seats FROM rides.booking WHERE trip_id = $1 AND state = 'confirmed'`, [t.id],
    );
    expect(rows).toHaveLength(codes.filter((c) => c === 'OK').length);
    // Recount occupancy metre by metre at every booking boundary: never above 2.
    const points = [...new Set(rows.flatMap((r) => [r.from_m, r.to_m]))];
    for (const p of points) expect(rows.filter((r) => r.from_m <= p && p < r.to_m).length).toBeLessThanOrEqual(2);
    // Both halves can be full at once (2 + 2 seats sold as A→B and B→C) only if A→C sold none, and so on: at least 2 sold.
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const holds = (await pendingHolds()).filter((h) => attempts.some((a) => a.id === h.booking_id));
    expect(holds).toHaveLength(rows.length);
  });

  it('refuses a booking the rider cannot pay, taking no seat', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 1_000n);
    const t = await publishTrip(sys.client, driver.key, parisTrip({ seatsOffered: 1 }));
    expect(await codeOf(bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup: A, dropoff: C, seats: 1 }))).toBe('INSUFFICIENT_FUNDS');
    const after = await getTrip(sys.client, rider.key, t.id);
    expect(Math.max(...after.legs.map((l) => l.seatsTaken))).toBe(0);
    const [rows] = await query<{ n: number }>(sys.db.url, 'SELECT count(*)::int AS n FROM rides.booking WHERE trip_id = $1', [t.id]);
    expect(rows!.n).toBe(0);
  });
});
