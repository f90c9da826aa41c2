import { bookSeats, confirmTrip, getTripLeg, publishTrip, signingWith, type BookingWire } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { eventually, query, startTestSystem, type TestSystem } from '@ampool/testing';

const HOUR = 3_600_000;
const ROUTE: [number, number][] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];
const A: [number, number] = [48.8502, 2.31];
const C: [number, number] = [48.8502, 2.39];
const BOOKINGS = 48;

/**
 * ride-market is SIGKILLed while metering's verdicts are completing bookings and settlement is
 * paying drivers. After the restart every proven booking is completed and paid exactly once:
 * one payout of the fare to the driver, one fee to the platform, the hold voided, and the
 * books still balance.
 */
describe('ride-market killed while trip verdicts are being paid', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({
      services: ['identity', 'settlement', 'metering', 'ride-market'],
      serviceEnvOverrides: {
        'ride-market': { SWEEP_SECONDS: '1', RPC_TIMEOUT_MS: '2000' },
        metering: { TRIP_CLOCK_SKEW_SECONDS: String(3 * 86_400) },
      },
    });
  });
  afterAll(() => sys?.stop());

  it('completes and pays every proven booking exactly once', async () => {
    const driver = await sys.participant('driver');
    const departure = Date.now() + 48 * HOUR;
    const trip = await publishTrip(sys.client, driver.key, {
      id: uuidv7(), route: ROUTE, departureAt: new Date(departure).toISOString(), arrivalAt: new Date(departure + 20 * 60_000).toISOString(),
      vehicleCapacity: 64, seatsOffered: 60, pricing: { kind: 'per-seat', pricePerSeatMicro: '6000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
    });
    const riders = await Promise.all(Array.from({ length: 6 }, () => sys.participant('rider')));
    const op = await sys.operator();
    for (const r of riders) await sys.client.post('/v1/deposits', { id: uuidv7(), participant: r.did, amountMicro: '1000000000' }, op);
    const bookings: { b: BookingWire; rider: (typeof riders)[number] }[] = [];
    for (let i = 0; i < BOOKINGS; i++) {
      const rider = riders[i % riders.length]!;
      bookings.push({ b: await bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: trip.id, pickup: A, dropoff: C, seats: 1 }), rider });
    }
    for (const { b, rider } of bookings) await eventually(() => getTripLeg(sys.client, signingWith(rider.key), b.id), 30_000, 'metering to learn the legs');

    // Both drop-offs prove a leg; the driver's first, then the riders' while ride-market dies.
    const dropoff = (b: BookingWire, role: 'driver' | 'rider') => ({ role, event: 'dropoff' as const, atMs: Date.parse(b.dropoffAt), lat: b.dropoff.lat, lon: b.dropoff.lon });
    for (const { b } of bookings) await confirmTrip(sys.client, driver.key, b.id, dropoff(b, 'driver'));
    const ids = bookings.map(({ b }) => b.id);
    const completedCount = async () =>
      (await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM rides.booking WHERE id = ANY($1::uuid[]) AND state = 'completed'`, [ids]))[0]!.n;
    // The kill lands once the first bookings are completed, while the rest are still arriving.
    const rides = sys.processes.get('ride-market')!;
    const killer = (async () => {
      const before = await eventually(async () => {
        const n = await completedCount();
        return n >= 3 ? n : undefined;
      }, 60_000, 'the first completions');
      await rides.kill('SIGKILL');
      await sys.start('ride-market');
      return before;
    })();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (;;) {
          const item = bookings[next++];
          if (!item) return;
          expect((await confirmTrip(sys.client, item.rider.key, item.b.id, dropoff(item.b, 'rider'))).leg.status).toBe('proven');
        }
      }),
    );
    expect(await killer).toBeLessThan(BOOKINGS);

    await eventually(async () => {
      const [row] = await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM rides.booking WHERE id = ANY($1::uuid[]) AND state = 'completed' AND hold_state = 'released'`, [ids]);
      return row!.n === BOOKINGS;
    }, 90_000, 'every booking to be completed and paid');

    const transfers = await query<{ reference_id: string; code: string; state: string; amount_micro: string }>(
      sys.db.url, `SELECT reference_id::text, code, state, amount_micro::text FROM settlement.transfer WHERE reference_id = ANY($1::uuid[]) ORDER BY reference_id, code`, [ids],
    );
    let fares = 0n;
    let fees = 0n;
    for (const { b } of bookings) {
      const mine = transfers.filter((t) => t.reference_id === b.id).map((t) => `${t.code}:${t.state}:${t.amount_micro}`);
      expect(mine).toEqual([`booking-fee:posted:${b.serviceFeeMicro}`, `booking-hold:voided:${BigInt(b.fareMicro) + BigInt(b.serviceFeeMicro)}`, `booking-payout:posted:${b.fareMicro}`]);
      fares += BigInt(b.fareMicro);
      fees += BigInt(b.serviceFeeMicro);
    }
    const account = async (owner: string) =>
      (await query<{ credits: string; pending: string }>(sys.db.url, 'SELECT credits_posted_micro::text AS credits, credits_pending_micro::text AS pending FROM settlement.account WHERE owner = $1', [owner]))[0];
    expect(await account(driver.did)).toEqual({ credits: fares.toString(), pending: '0' });
    expect(await account('system:platform-fee')).toEqual({ credits: fees.toString(), pending: '0' });
    const [sum] = await query<{ posted: string; pending: string }>(
      sys.db.url,
      'SELECT sum(credits_posted_micro - debits_posted_micro)::text AS posted, sum(credits_pending_micro - debits_pending_micro)::text AS pending FROM settlement.account',
    );
    expect(sum).toEqual({ posted: '0', pending: '0' });
    const [held] = await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM settlement.booking_hold WHERE state = 'held'`);
    expect(held!.n).toBe(0);
  }, 240_000);
});
