import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  ApiError,
  bookSeats,
  cancelBooking,
  confirmTrip,
  getBooking,
  getTripLeg,
  listTripLegs,
  publishTrip,
  registerDevice,
  reportNoShow,
  resolveTripDispute,
  signingWith,
  signTripProof,
  submitTripProof,
  type BookingWire,
  type RegisteredParticipant,
  type TripBody,
} from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { eventually, query, startTestSystem, type TestSystem } from '@ampool/testing';

const MIN = 60_000;
/** A straight east-west route through Paris, about 7.3 km; pick-up at its start, drop-off near its end. */
const ROUTE: [number, number][] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];
const START: [number, number] = [48.85, 2.30];
const C: [number, number] = [48.8502, 2.39];
const DISPUTE_TIMEOUT_S = 15;

function trip(departInMs: number): TripBody {
  const departure = Date.now() + departInMs;
  return {
    id: uuidv7(), route: ROUTE, departureAt: new Date(departure).toISOString(), arrivalAt: new Date(departure + 20 * MIN).toISOString(),
    vehicleCapacity: 4, seatsOffered: 3, pricing: { kind: 'per-seat', pricePerSeatMicro: '6000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
  };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof ApiError ? e.code : String(e);
  }
}

/** Where and when the booking agreed the pick-up or the drop-off, as a party's confirmation. */
function at(b: BookingWire, role: 'driver' | 'rider', event: 'pickup' | 'dropoff', shift: { dLat?: number; dMs?: number } = {}) {
  const point = event === 'pickup' ? b.pickup : b.dropoff;
  const time = Date.parse(event === 'pickup' ? b.pickupAt : b.dropoffAt);
  return { role, event, atMs: time + (shift.dMs ?? 0), lat: point.lat + (shift.dLat ?? 0), lon: point.lon };
}

/**
 * Trip proofs end to end through the gateway: the driver and the rider sign their pick-up and
 * drop-off; metering judges the leg; the ride market completes the booking and settlement pays
 * the driver the fare and the platform its fee out of the rider's hold — or applies the no-show
 * rule, or waits for an operator (or the dispute timeout) when the proofs disagree.
 */
describe('trip proofs and ride completion', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let driver: RegisteredParticipant;
  let vehicle: Awaited<ReturnType<typeof registerDevice>>;
  const fund = async (did: string, micro: bigint) => sys.client.post('/v1/deposits', { id: uuidv7(), participant: did, amountMicro: micro.toString() }, await sys.operator());
  /** What the participant can spend; a driver who was never paid has no account yet: 0. */
  const available = async (p: RegisteredParticipant) => {
    try {
      return BigInt((await sys.client.get<{ account: { availableMicro: string } }>(`/v1/accounts/${p.did}`, signingWith(p.key))).account.availableMicro);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'ACCOUNT_UNKNOWN') return 0n;
      throw error;
    }
  };
  const platformFees = async () => {
    const [row] = await query<{ c: string }>(sys.db.url, `SELECT COALESCE(sum(credits_posted_micro), 0)::text AS c FROM settlement.account WHERE owner = 'system:platform-fee'`);
    return BigInt(row!.c);
  };
  const transfersOf = async (bookingId: string) =>
    query<{ code: string; state: string; amount_micro: string }>(sys.db.url, `SELECT code, state, amount_micro::text FROM settlement.transfer WHERE reference_id = $1 ORDER BY code, state`, [bookingId]);
  /** A confirmed booking whose leg metering already knows. */
  const book = async (rider: RegisteredParticipant, departInMs = 10 * MIN, pickup: [number, number] = START): Promise<BookingWire> => {
    const t = await publishTrip(sys.client, driver.key, trip(departInMs));
    const b = await bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: t.id, pickup, dropoff: C, seats: 1 });
    expect(b.state).toBe('confirmed');
    await eventually(() => getTripLeg(sys.client, signingWith(rider.key), b.id), 20_000, 'metering to learn the leg');
    return b;
  };
  const settled = (id: string, rider: RegisteredParticipant) =>
    eventually(async () => {
      const b = await getBooking(sys.client, rider.key, id);
      return b.holdState === 'released' ? b : undefined;
    }, 30_000, `booking ${id} to be settled`);

  beforeAll(async () => {
    sys = await startTestSystem({
      services: ['identity', 'settlement', 'metering', 'ride-market'],
      serviceEnvOverrides: {
        // Proofs are signed at the agreed (future) times here, so allow them ahead of now; no waiting at the
        // pick-up; proofs due at the agreed drop-off (the other tests' legs end minutes after they do).
        metering: { TRIP_CLOCK_SKEW_SECONDS: '86400', TRIP_NO_SHOW_WAIT_SECONDS: '0', TRIP_PROOF_WINDOW_SECONDS: '0', TRIP_DISPUTE_TIMEOUT_SECONDS: String(DISPUTE_TIMEOUT_S), TRIP_SWEEP_SECONDS: '1' },
      },
    });
    nc = await connect(sys.natsAdmin);
    driver = await sys.participant('driver', 'Driver D');
    vehicle = await registerDevice(sys.client, driver, 'vehicle', { powerW: 50_000n, capacityWh: 0n, reserveWh: 0n });
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  let completed: { booking: BookingWire; rider: RegisteredParticipant };

  it('pays the driver the fare and the platform its fee once both parties prove pick-up and drop-off', async () => {
    const rider = await sys.participant('rider', 'Rider R');
    await fund(rider.did, 100_000_000n);
    const driverBefore = await available(driver);
    const feesBefore = await platformFees();
    const b = await book(rider);
    const fare = BigInt(b.fareMicro);
    const fee = BigInt(b.serviceFeeMicro);
    expect(fare).toBeGreaterThan(0n);
    expect(await available(rider)).toBe(100_000_000n - fare - fee);

    // The driver's proofs come from the car (a device bound to the driver), the rider's from their own key.
    expect((await confirmTrip(sys.client, vehicle.key, b.id, at(b, 'driver', 'pickup'))).leg.status).toBe('open');
    const again = await confirmTrip(sys.client, vehicle.key, b.id, at(b, 'driver', 'pickup'));
    expect(again.duplicate).toBe(true);
    await confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'pickup', { dMs: 40_000 }));
    await confirmTrip(sys.client, vehicle.key, b.id, at(b, 'driver', 'dropoff'));
    const last = await confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'dropoff', { dLat: 0.0005, dMs: -60_000 }));
    expect(last.leg).toMatchObject({ status: 'proven', proofClass: 'C', codes: [] });
    expect(last.leg.proofs).toHaveLength(4);

    const done = await settled(b.id, rider);
    expect(done).toMatchObject({ state: 'completed', outcome: { rule: 'completed', riderRefundMicro: '0', driverPayoutMicro: b.fareMicro, platformFeeMicro: b.serviceFeeMicro } });
    expect(await available(driver)).toBe(driverBefore + fare);
    expect(await available(rider)).toBe(100_000_000n - fare - fee);
    expect(await platformFees()).toBe(feesBefore + fee);
    expect(await transfersOf(b.id)).toEqual([
      { code: 'booking-fee', state: 'posted', amount_micro: b.serviceFeeMicro },
      { code: 'booking-hold', state: 'voided', amount_micro: (fare + fee).toString() },
      { code: 'booking-payout', state: 'posted', amount_micro: b.fareMicro },
    ]);
    // A proven leg takes no more proofs.
    expect(await codeOf(confirmTrip(sys.client, vehicle.key, b.id, at(b, 'driver', 'dropoff', { dMs: 1_000 })))).toBe('TRIP_LEG_DECIDED');
    completed = { booking: b, rider };
  });

  it('proves a leg once when both parties send at the same moment, and stores a proof sent five times at once once', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const b = await book(rider);
    const pickups = await Promise.all(Array.from({ length: 5 }, () => confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'pickup'))));
    expect(pickups.filter((p) => !p.duplicate)).toHaveLength(1);
    const both = await Promise.all([
      confirmTrip(sys.client, driver.key, b.id, at(b, 'driver', 'dropoff')),
      confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'dropoff', { dMs: 30_000 })),
    ]);
    expect(both.map((x) => x.duplicate)).toEqual([false, false]);
    expect((await getTripLeg(sys.client, signingWith(rider.key), b.id)).status).toBe('proven');
    await settled(b.id, rider);
    const [n] = await query<{ n: number }>(sys.db.url, 'SELECT count(*)::int AS n FROM metering.trip_proof WHERE booking_id = $1', [b.id]);
    expect(n!.n).toBe(3);
    expect((await transfersOf(b.id)).filter((t) => t.code === 'booking-payout')).toEqual([{ code: 'booking-payout', state: 'posted', amount_micro: b.fareMicro }]);
  });

  it('refuses forged, foreign and implausible proofs with a code, and changes nothing', async () => {
    const rider = await sys.participant('rider');
    const stranger = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const b = await book(rider);
    const riderBefore = await available(rider);
    await confirmTrip(sys.client, driver.key, b.id, at(b, 'driver', 'pickup'));

    // A stranger may not confirm someone else's ride, nor sign for the rider.
    expect(await codeOf(confirmTrip(sys.client, stranger.key, b.id, at(b, 'rider', 'pickup')))).toBe('TRIP_PROOF_WRONG_PARTY');
    expect(await codeOf(submitTripProof(sys.client, rider.key, b.id, signTripProof(stranger.key, b.id, at(b, 'rider', 'pickup'))))).toBe('TRIP_PROOF_WRONG_PARTY');
    // The rider may not confirm as the driver.
    expect(await codeOf(confirmTrip(sys.client, rider.key, b.id, at(b, 'driver', 'dropoff')))).toBe('TRIP_PROOF_WRONG_PARTY');
    // A signature over other bytes (the position changed after signing).
    const forged = { ...signTripProof(rider.key, b.id, at(b, 'rider', 'dropoff')), latE6: Math.round(b.dropoff.lat * 1e6) + 1 };
    expect(await codeOf(submitTripProof(sys.client, rider.key, b.id, forged))).toBe('PROOF_INVALID');
    // 5.5 km from the agreed drop-off; 3 hours late; before the driver's own pick-up.
    expect(await codeOf(confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'dropoff', { dLat: 0.05 })))).toBe('TRIP_PROOF_TOO_FAR');
    expect(await codeOf(confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'dropoff', { dMs: 180 * MIN })))).toBe('TRIP_PROOF_OFF_TIME');
    // A drop-off 25 min before the agreed one is plausible on its own, but before the driver's own pick-up.
    expect(await codeOf(confirmTrip(sys.client, driver.key, b.id, at(b, 'driver', 'dropoff', { dMs: -25 * MIN })))).toBe('TRIP_PROOF_OUT_OF_ORDER');
    // A second, different pick-up statement by the driver: the first stands.
    expect(await codeOf(confirmTrip(sys.client, driver.key, b.id, at(b, 'driver', 'pickup', { dMs: 5_000 })))).toBe('TRIP_PROOF_CONFLICT');
    // No such booking.
    expect(await codeOf(confirmTrip(sys.client, rider.key, uuidv7(), at(b, 'rider', 'pickup')))).toBe('TRIP_LEG_UNKNOWN');

    const leg = await getTripLeg(sys.client, signingWith(driver.key), b.id);
    expect(leg.status).toBe('open');
    expect(leg.proofs.map((p) => `${p.role}/${p.event}`)).toEqual(['driver/pickup']);
    expect(await codeOf(getTripLeg(sys.client, signingWith(stranger.key), b.id))).toBe('FORBIDDEN');
    expect(await getBooking(sys.client, rider.key, b.id)).toMatchObject({ state: 'confirmed', holdState: 'held' });
    expect(await available(rider)).toBe(riderBefore);
    const [n] = await query<{ n: number }>(sys.db.url, 'SELECT count(*)::int AS n FROM metering.trip_proof WHERE booking_id = $1', [b.id]);
    expect(n!.n).toBe(1);
  });

  it('applies the no-show rule once the driver proved being at the pick-up and the rider sent nothing', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const driverBefore = await available(driver);
    // Departs in 8 s from the route's start, where the rider is to be picked up.
    const b = await book(rider, 8_000);
    await confirmTrip(sys.client, driver.key, b.id, at(b, 'driver', 'pickup'));
    if (Date.now() < Date.parse(b.pickupAt)) {
      // Before the agreed pick-up time the rider is not late yet.
      expect(await codeOf(reportNoShow(sys.client, driver.key, b.id))).toBe('NO_SHOW_NOT_PROVEN');
      expect((await getBooking(sys.client, rider.key, b.id)).state).toBe('confirmed');
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(b.pickupAt) - Date.now() + 500)));
    const noShow = await reportNoShow(sys.client, driver.key, b.id);
    expect(noShow).toMatchObject({ state: 'no-show', outcome: { rule: 'rider-no-show', riderRefundMicro: '0', driverPayoutMicro: b.fareMicro } });
    await settled(b.id, rider);
    expect(await available(driver)).toBe(driverBefore + BigInt(b.fareMicro));
    expect((await getTripLeg(sys.client, signingWith(rider.key), b.id)).status).toBe('rider-absent');
  });

  it('keeps the hold of a disputed leg until an operator resolves it, then pays as decided', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const driverBefore = await available(driver);
    const b = await book(rider);
    // Each drop-off is 330 m from the agreed point (allowed), but 660 m from the other (not).
    await confirmTrip(sys.client, driver.key, b.id, at(b, 'driver', 'dropoff', { dLat: 0.003 }));
    const out = await confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'dropoff', { dLat: -0.003 }));
    expect(out.leg).toMatchObject({ status: 'disputed', codes: ['DROPOFF_TOO_FAR'], proofClass: 'B' });
    expect(await getBooking(sys.client, rider.key, b.id)).toMatchObject({ state: 'confirmed', holdState: 'held' });
    const operator = await sys.operator();
    expect((await listTripLegs(sys.client, operator)).legs.map((l) => l.bookingId)).toContain(b.id);
    expect(await codeOf(resolveTripDispute(sys.client, signingWith(driver.key), b.id, 'completed'))).toBe('FORBIDDEN');

    const resolved = await resolveTripDispute(sys.client, operator, b.id, 'completed', 'dash-cam footage shows the drop-off');
    expect(resolved).toMatchObject({ status: 'resolved', resolution: { outcome: 'completed', by: 'operator', note: 'dash-cam footage shows the drop-off' } });
    expect((await resolveTripDispute(sys.client, operator, b.id, 'completed')).status).toBe('resolved');
    expect(await codeOf(resolveTripDispute(sys.client, operator, b.id, 'refund'))).toBe('TRIP_DISPUTE_NOT_OPEN');
    const done = await settled(b.id, rider);
    expect(done).toMatchObject({ state: 'completed', outcome: { rule: 'completed', driverPayoutMicro: b.fareMicro } });
    expect(await available(driver)).toBe(driverBefore + BigInt(b.fareMicro));
  });

  it('refunds the rider in full when nobody resolves a dispute before its timeout', async () => {
    const rider = await sys.participant('rider');
    await fund(rider.did, 50_000_000n);
    const b = await book(rider);
    await confirmTrip(sys.client, driver.key, b.id, at(b, 'driver', 'dropoff'));
    const out = await confirmTrip(sys.client, rider.key, b.id, at(b, 'rider', 'dropoff', { dMs: 20 * MIN }));
    expect(out.leg).toMatchObject({ status: 'disputed', codes: ['DROPOFF_TIME_MISMATCH'] });
    const done = await eventually(async () => {
      const x = await getBooking(sys.client, rider.key, b.id);
      return x.holdState === 'released' ? x : undefined;
    }, (DISPUTE_TIMEOUT_S + 20) * 1000, 'the dispute to time out');
    expect(done).toMatchObject({ state: 'cancelled', cancelledBy: null, outcome: { rule: 'dispute-timeout', driverPayoutMicro: '0', platformFeeMicro: '0' } });
    expect(await available(rider)).toBe(50_000_000n);
    expect((await getTripLeg(sys.client, signingWith(rider.key), b.id))).toMatchObject({ status: 'resolved', resolution: { outcome: 'refund', by: 'timeout' } });
  }, 60_000);

  it('judges legs at their deadline: the rider absent when only the driver proved the pick-up, disputed when nobody proved anything, a cancelled booking not at all', async () => {
    // A 200 m trip departing in 6 s and arriving 40 s later: the deadline (agreed drop-off) comes quickly.
    const departure = Date.now() + 6_000;
    const short = await publishTrip(sys.client, driver.key, {
      ...trip(0), route: [[48.85, 2.30], [48.85, 2.3027]], departureAt: new Date(departure).toISOString(), arrivalAt: new Date(departure + 40_000).toISOString(),
    });
    const riders = await Promise.all([sys.participant('rider'), sys.participant('rider'), sys.participant('rider')]);
    for (const r of riders) await fund(r.did, 50_000_000n);
    const driverBefore = await available(driver);
    const [absent, silent, gone] = await Promise.all(
      riders.map((r) => bookSeats(sys.client, r.key, { id: uuidv7(), tripId: short.id, pickup: START, dropoff: [48.85, 2.3027], seats: 1 })),
    );
    for (const [b, r] of [[absent!, riders[0]!], [silent!, riders[1]!], [gone!, riders[2]!]] as const) {
      await eventually(() => getTripLeg(sys.client, signingWith(r.key), b.id), 20_000, 'metering to learn the leg');
    }
    await confirmTrip(sys.client, driver.key, absent!.id, at(absent!, 'driver', 'pickup'));
    const cancelled = await cancelBooking(sys.client, riders[2]!.key, gone!.id);
    // Cancelled less than 24 h before the pick-up: half the fare goes to the driver (the policy's late cancellation).
    expect(cancelled).toMatchObject({ state: 'cancelled', outcome: { rule: 'rider-late-cancel' } });
    await eventually(async () => (await getTripLeg(sys.client, signingWith(riders[2]!.key), gone!.id)).status === 'void', 20_000, 'the cancelled leg to be void');

    const noShow = await eventually(async () => {
      const x = await getBooking(sys.client, riders[0]!.key, absent!.id);
      return x.holdState === 'released' ? x : undefined;
    }, 90_000, 'the absent rider\'s booking to be settled at the deadline');
    expect(noShow).toMatchObject({ state: 'no-show', outcome: { rule: 'rider-no-show', driverPayoutMicro: absent!.fareMicro } });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(absent!.dropoffAt));
    expect(await available(driver)).toBe(driverBefore + BigInt(absent!.fareMicro) + BigInt(cancelled.outcome!.driverPayoutMicro));
    expect(await getTripLeg(sys.client, signingWith(riders[0]!.key), absent!.id)).toMatchObject({ status: 'rider-absent', proofClass: 'B' });
    const disputed = await eventually(async () => {
      const leg = await getTripLeg(sys.client, signingWith(riders[1]!.key), silent!.id);
      return leg.status !== 'open' ? leg : undefined;
    }, 20_000, 'the silent leg to be judged');
    expect(disputed).toMatchObject({ status: 'disputed', proofClass: 'A', codes: ['MISSING_DRIVER_DROPOFF', 'MISSING_RIDER_DROPOFF'] });
    expect((await getBooking(sys.client, riders[1]!.key, silent!.id)).holdState).toBe('held');
    expect((await getTripLeg(sys.client, signingWith(riders[2]!.key), gone!.id)).status).toBe('void');
  }, 180_000);

  it('never pays twice when a verdict is delivered again', async () => {
    const { booking: b, rider } = completed;
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const balances = async () => query(sys.db.url, 'SELECT owner, credits_posted_micro::text, debits_posted_micro::text, debits_pending_micro::text FROM settlement.account ORDER BY owner');
    const before = { balances: await balances(), transfers: await transfersOf(b.id) };

    const stream = await jsm.streams.info('EVT_METERING');
    let original: Awaited<ReturnType<typeof jsm.streams.getMessage>> = null;
    for (let seq = stream.state.first_seq; seq <= stream.state.last_seq && !original; seq++) {
      const m = await jsm.streams.getMessage('EVT_METERING', { seq }).catch(() => null);
      if (m?.subject === 'evt.metering.trip-leg.proven.v1' && (m.json() as { data: { bookingId: string } }).data.bookingId === b.id) original = m;
    }
    expect((original!.json() as { data: { bookingId: string } }).data.bookingId).toBe(b.id);
    // The same event under a new message id passes JetStream's de-duplication; a copy with a new event id too.
    await js.publish(original!.subject, original!.data, { msgID: uuidv7() });
    const envelope = original!.json() as Record<string, unknown>;
    await js.publish(original!.subject, JSON.stringify({ ...envelope, id: uuidv7() }), { msgID: uuidv7() });

    await eventually(async () => {
      const info = await jsm.consumers.info('EVT_METERING', 'rides-trip-legs-proven');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 30_000, 'the redelivered verdicts to be consumed');
    expect(await getBooking(sys.client, rider.key, b.id)).toMatchObject({ state: 'completed', holdState: 'released' });
    expect(await transfersOf(b.id)).toEqual(before.transfers);
    expect(await balances()).toEqual(before.balances);
  });
});
