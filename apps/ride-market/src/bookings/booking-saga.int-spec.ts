import { randomBytes } from 'node:crypto';
import type { BookingHoldPlace, BookingHoldRelease, RpcRequest, RpcResponse } from '@ampool/contracts';
import { didKeyFromPublicKey, publicKeyFromSecret } from '@ampool/crypto';
import { uuidv7, type Clock } from '@ampool/domain';
import { UnitOfWork, type OutboxRelay } from '@ampool/messaging';
import { createPrismaClient, OutboxStore, ProcessedEventsStore, type PrismaClient } from '@ampool/persistence';
import { createTestDatabase, eventually, type TestDatabase } from '@ampool/testing';
import type { RideMarketConfig } from '../config';
import type { SearchIndex } from '../search/search-index.service';
import { TripCache } from '../trips/trip-cache';
import { tripOfStored, type StoredSpec } from '../trips/trip-spec';
import { TripsRepository } from '../trips/trips.repository';
import { BookingSaga, type CreateInput } from './booking-saga.service';
import { BookingsRepository } from './bookings.repository';
import type { SettlementHolds } from './settlement-holds.client';

type PlaceResults = RpcResponse<typeof BookingHoldPlace>['results'];
type Releases = RpcRequest<typeof BookingHoldRelease>['releases'];

const didOf = () => didKeyFromPublicKey(publicKeyFromSecret(randomBytes(32)));
const DRIVER = didOf();
const RIDER = didOf();

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Two drives of one booking at once — a retry or a sweep on another instance — against real
 * PostgreSQL, with settlement answering each as the test decides: whatever the interleaving,
 * a booking ends confirmed with its hold, or undone with its hold released, never confirmed
 * with its money given back.
 */
describe('the booking saga with two drives of one booking', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let saga: BookingSaga;
  const bookings = () => new BookingsRepository(prisma);
  const settlement = { place: jest.fn<Promise<PlaceResults>, [{ bookingId: string }[]]>(), release: jest.fn<Promise<unknown[]>, [Releases]>() };
  const held = async (holds: { bookingId: string }[]): Promise<PlaceResults> => holds.map((h) => ({ bookingId: h.bookingId, status: 'held' as const, transferId: uuidv7() }));
  const released = async (rs: Releases) => rs.map((r) => ({ bookingId: r.bookingId, status: 'released' as const, wasHeld: true }));
  const seatsTaken = async (tripId: string) =>
    (await prisma.$queryRawUnsafe<{ max: number }[]>('SELECT max(seats_taken)::int AS max FROM rides.trip_leg WHERE trip_id = $1::uuid', tripId))[0]!.max;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url, poolMax: 8 });
    const uow = new UnitOfWork(prisma, new OutboxStore('rides'), new ProcessedEventsStore('rides'), { notify: () => undefined } as unknown as OutboxRelay);
    const config = { SERVICE_FEE_BPS: 1_000, FREE_CANCELLATION_HOURS: 24, LATE_CANCELLATION_DRIVER_SHARE_BPS: 5_000, APPROVAL_TIMEOUT_MINUTES: 720 } as RideMarketConfig;
    const index = { roadFactor: 1.3, poke: () => undefined } as unknown as SearchIndex;
    saga = new BookingSaga(bookings(), new TripsRepository(prisma), new TripCache(), settlement as unknown as SettlementHolds, index, uow, config, { now: () => Date.now() } as Clock);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });
  beforeEach(() => {
    settlement.place.mockReset();
    settlement.release.mockReset();
  });

  async function newTrip(): Promise<string> {
    const id = uuidv7();
    const departureMs = Date.now() + 48 * 3_600_000;
    const spec: StoredSpec = {
      route: [[48.85, 2.3], [48.85, 2.35], [48.85, 2.4]], stopovers: [], departureMs, arrivalMs: departureMs + 20 * 60_000, vehicleCapacity: 4, seatsOffered: 3,
      pricing: { kind: 'per-seat', pricePerSeatMicro: '6000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
    };
    const routeLengthM = tripOfStored(id, DRIVER, spec).routeLengthM;
    await prisma.$transaction((tx) => new TripsRepository(prisma).insert(tx, { id, driver: DRIVER, spec, routeLengthM, requestHash: 'test' }));
    return id;
  }
  const request = (tripId: string): CreateInput => ({ id: uuidv7(), tripId, rider: RIDER, pickup: [48.8502, 2.31], dropoff: [48.8502, 2.39], seats: 1 });

  it('keeps a booking another drive confirmed when its own hold is refused: no money is given back', async () => {
    const tripId = await newTrip();
    const input = request(tripId);
    const firstPlace = deferred<PlaceResults>();
    settlement.place.mockImplementationOnce(() => firstPlace.promise).mockImplementationOnce(held);
    const creating = saga.create([input]);
    await eventually(async () => settlement.place.mock.calls.length === 1, 10_000, 'the first placement');
    const row = (await bookings().find([input.id])).get(input.id)!;
    expect(row).toMatchObject({ state: 'reserved', holdState: 'placing' });

    // The second drive (funds arrived meanwhile) gets the hold and confirms.
    const second = await saga.drive([row]);
    expect(second.get(input.id)).toMatchObject({ ok: true, booking: { state: 'confirmed', holdState: 'held' } });
    // The first drive's placement comes back refused: it must not release the hold the booking stands on.
    firstPlace.resolve([{ bookingId: input.id, status: 'refused', code: 'INSUFFICIENT_FUNDS' }]);
    const [outcome] = await creating;
    expect(outcome).toMatchObject({ ok: true, booking: { state: 'confirmed', holdState: 'held' } });
    expect(settlement.release).not.toHaveBeenCalled();
    expect(await seatsTaken(tripId)).toBe(1);
  });

  it('does not confirm a booking another drive is undoing: it is undone, its seat given back', async () => {
    const tripId = await newTrip();
    const input = request(tripId);
    const firstPlace = deferred<PlaceResults>();
    const firstRelease = deferred<void>();
    settlement.place.mockImplementationOnce(() => firstPlace.promise).mockImplementationOnce(held);
    settlement.release.mockImplementationOnce(async (rs) => {
      await firstRelease.promise;
      return released(rs);
    });
    settlement.release.mockImplementation(released);
    const creating = saga.create([input]);
    await eventually(async () => settlement.place.mock.calls.length === 1, 10_000, 'the first placement');
    // The second drive read the booking while it was still being placed.
    const stale = (await bookings().find([input.id])).get(input.id)!;
    firstPlace.resolve([{ bookingId: input.id, status: 'refused', code: 'INSUFFICIENT_FUNDS' }]);
    await eventually(async () => settlement.release.mock.calls.length === 1, 10_000, 'the compensating release');
    expect((await bookings().findOne(input.id))?.holdState).toBe('releasing');

    // Its placement succeeds (the release is not through yet), but the claimed row does not confirm.
    const second = await saga.drive([stale]);
    expect(second.get(input.id)).toMatchObject({ ok: false });
    firstRelease.resolve();
    const [outcome] = await creating;
    expect(outcome).toMatchObject({ ok: false, error: { code: 'INSUFFICIENT_FUNDS' } });
    expect(await bookings().findOne(input.id)).toBeUndefined();
    expect(await seatsTaken(tripId)).toBe(0);
    // Every release asked for gives the rider everything back.
    for (const [rs] of settlement.release.mock.calls) expect(rs).toEqual([expect.objectContaining({ bookingId: input.id, rule: 'hold-refused', payeePayoutMicro: 0n, platformFeeMicro: 0n })]);
  });

  it('lets two sweeps at once take disjoint sets of stuck bookings, and neither again until they are stuck again', async () => {
    const tripId = await newTrip();
    // Settlement does not answer: the bookings stay reserved for the sweeper.
    settlement.place.mockRejectedValue(new Error('timeout'));
    const inputs = [request(tripId), request(tripId), request(tripId)];
    const outcomes = await saga.create(inputs);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    const ids = inputs.map((i) => i.id).sort();
    // A minute untouched: stuck for any sweep with the usual cutoff.
    await prisma.$executeRawUnsafe(`UPDATE rides.booking SET updated_at = CURRENT_TIMESTAMP - interval '1 minute' WHERE id = ANY($1::uuid[])`, ids);
    const cutoff = () => new Date(Date.now() - 4_000);
    const [a, b] = await Promise.all([bookings().claimStuck(cutoff(), 500), bookings().claimStuck(cutoff(), 500)]);
    const taken = [...a, ...b].map((x) => x.id).filter((id) => ids.includes(id)).sort();
    expect(taken).toEqual(ids);
    // Taken just now: a sweep with the usual cutoff (untouched for a while) leaves them alone.
    expect((await bookings().claimStuck(cutoff(), 500)).filter((x) => ids.includes(x.id))).toEqual([]);
  });
});
