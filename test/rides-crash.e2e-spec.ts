import { bookSeats, publishTrip } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { PARIS_A as A, PARIS_C as C, PARIS_ROUTE as ROUTE, query, sendLikeAClient, startTestSystem, type TestSystem } from '@ampool/testing';

const HOUR = 3_600_000;
const TRIPS = 4;
const SEATS = 30;
const BOOKINGS = 160;

/**
 * ride-market is SIGKILLed during a burst of bookings; riders retry what failed with the same
 * booking id, as clients do. Afterwards no booking a rider saw confirmed is lost, none is left
 * half done, and settlement holds money for exactly the live bookings: no orphan hold.
 */
describe('ride-market killed during a booking burst', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ services: ['identity', 'settlement', 'ride-market'], serviceEnvOverrides: { 'ride-market': { SWEEP_SECONDS: '1', RPC_TIMEOUT_MS: '2000' } } });
  });
  afterAll(() => sys?.stop());

  it('loses no confirmed booking and leaves no orphan hold', async () => {
    const driver = await sys.participant('driver');
    const departure = Date.now() + 48 * HOUR;
    const trips: { id: string }[] = [];
    for (let i = 0; i < TRIPS; i++) {
      trips.push(
        await publishTrip(sys.client, driver.key, {
          id: uuidv7(), route: ROUTE, departureAt: new Date(departure).toISOString(), arrivalAt: new Date(departure + 20 * 60_000).toISOString(),
          vehicleCapacity: 64, seatsOffered: SEATS, pricing: { kind: 'per-seat', pricePerSeatMicro: '6000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
        }),
      );
    }
    const riders = await Promise.all(Array.from({ length: 8 }, () => sys.participant('rider')));
    const op = await sys.operator();
    for (const r of riders) await sys.client.post('/v1/deposits', { id: uuidv7(), participant: r.did, amountMicro: '1000000000' }, op);

    const rides = sys.processes.get('ride-market')!;
    const seenConfirmed = new Set<string>();
    const outcome = new Map<string, string>();
    let started = 0;
    let killed: Promise<unknown> | undefined;
    let retries = 0;
    const book = async (i: number) => {
      const id = uuidv7();
      const body = { id, tripId: trips[i % TRIPS]!.id, pickup: A, dropoff: C, seats: 1 };
      if (++started === Math.floor(BOOKINGS / 3)) killed = rides.kill('SIGKILL').then(() => sys.start('ride-market'));
      const r = await sendLikeAClient(() => bookSeats(sys.client, riders[i % riders.length]!.key, body), { delayMs: 250, onRetry: () => retries++ });
      if (r.ok && r.value.state === 'confirmed') seenConfirmed.add(id);
      outcome.set(id, r.ok ? r.value.state : r.code);
    };
    await Promise.all(Array.from({ length: BOOKINGS }, (_, i) => new Promise((r) => setTimeout(r, i * 5)).then(() => book(i))));
    await killed;
    expect(retries).toBeGreaterThan(0); // the kill landed in the middle of the burst

    // Nothing stays between the saga's steps once the sweeper has run.
    for (let i = 0; i < 100; i++) {
      const [left] = await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM rides.booking WHERE state = 'reserved' OR hold_state IN ('placing', 'releasing')`);
      if (left!.n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const live = await query<{ id: string; trip_id: string }>(sys.db.url, `SELECT id::text, trip_id::text FROM rides.booking WHERE state IN ('confirmed', 'requested') ORDER BY id`);
    const stuck = await query<{ id: string }>(sys.db.url, `SELECT id::text FROM rides.booking WHERE state = 'reserved' OR hold_state IN ('placing', 'releasing')`);
    expect(stuck).toEqual([]);
    const liveIds = new Set(live.map((b) => b.id));
    for (const id of seenConfirmed) expect(liveIds.has(id)).toBe(true);
    // Every booking a rider was told is confirmed is live, and every answer was final.
    expect([...outcome.values()].every((s) => s === 'confirmed' || s === 'NOT_ENOUGH_SEATS')).toBe(true);
    expect(live.length).toBe([...outcome.values()].filter((s) => s === 'confirmed').length);
    expect(live.length).toBeLessThanOrEqual(TRIPS * SEATS);

    const held = await query<{ booking_id: string }>(sys.db.url, `SELECT booking_id::text FROM settlement.booking_hold WHERE state = 'held' ORDER BY booking_id`);
    expect(held.map((h) => h.booking_id)).toEqual(live.map((b) => b.id));
    const [pending] = await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM settlement.transfer WHERE code = 'booking-hold' AND state = 'pending'`);
    expect(pending!.n).toBe(live.length);
    for (const t of trips) {
      const [legs] = await query<{ max: number }>(sys.db.url, 'SELECT max(seats_taken)::int AS max FROM rides.trip_leg WHERE trip_id = $1', [t.id]);
      expect(legs!.max).toBe(live.filter((b) => b.trip_id === t.id).length);
    }
  });
});
