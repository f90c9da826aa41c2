import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode, type BookingCreate, type RpcRequest } from '@ampool/contracts';
import { approvalDeadlineMs, quoteBooking, serviceFeeMicro, takeSeats, type Leg } from '@ampool/matching';
import { Clock } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import { policyOf, RIDES_CONFIG, type RideMarketConfig } from '../config';
import { rideError } from '../ride-errors';
import { SearchIndex } from '../search/search-index.service';
import { TripCache } from '../trips/trip-cache';
import { TripsRepository } from '../trips/trips.repository';
import { bookingEvents } from './booking-events';
import { BookingsRepository, type BookingRecord } from './bookings.repository';
import { SettlementHolds } from './settlement-holds.client';

export type CreateInput = RpcRequest<typeof BookingCreate>;
export type Outcome = { ok: true; booking: BookingRecord } | { ok: false; error: AppError };

const fail = (error: AppError): Outcome => ({ ok: false, error });

/** What makes two create requests the same (the id is the key). */
export function createHash_(input: CreateInput): string {
  return createHash('sha256')
    .update(JSON.stringify([input.tripId, input.rider, input.pickup, input.dropoff, input.seats, input.walkingRadiusM ?? null, input.maxTotalPriceMicro?.toString() ?? null]))
    .digest('hex');
}

/**
 * The booking saga, crash-safe at every step:
 *
 * 1. **reserve** (one rides transaction per batch): the booking row is written as `reserved`
 *    and its seats taken on the trip's legs, under the trips' row locks;
 * 2. **hold**: settlement places the holds, idempotent per booking id;
 * 3. **confirm** (one transaction): held bookings become `confirmed` (instant) or `requested`
 *    (approval), with their events in the outbox. A booking whose hold is refused is
 *    compensated: the row is first claimed (hold `releasing`, which no confirm step accepts),
 *    then settlement records a release for it (so no later placement can hold money for it),
 *    then the row is deleted and its seats given back.
 *
 * A crash between steps leaves a `reserved` row; the recovery sweeper drives it again through
 * steps 2 and 3, which are idempotent. A timeout from settlement never compensates (the hold
 * may exist): the booking stays reserved for the sweeper, and the caller may retry with the
 * same id.
 */
@Injectable()
export class BookingSaga {
  private readonly logger = new Logger(BookingSaga.name);

  constructor(
    private readonly bookings: BookingsRepository,
    private readonly trips: TripsRepository,
    private readonly cache: TripCache,
    private readonly settlement: SettlementHolds,
    private readonly index: SearchIndex,
    private readonly uow: UnitOfWork,
    @Inject(RIDES_CONFIG) private readonly config: RideMarketConfig,
    private readonly clock: Clock,
  ) {}

  /** Books a batch of requests; one outcome per request, in order. */
  async create(items: CreateInput[], nowMs = this.clock.now()): Promise<Outcome[]> {
    const hashes = items.map(createHash_);
    const outcomes: (Outcome | undefined)[] = new Array(items.length);
    const replays = new Map<number, number>();
    const toDrive: BookingRecord[] = [];
    await this.uow.run(async (tx) => {
      outcomes.fill(undefined);
      replays.clear();
      toDrive.length = 0;
      await this.bookings.lockIds(tx, items.map((i) => i.id));
      const existing = await this.bookings.find(items.map((i) => i.id), tx);
      const first = new Map<string, number>();
      const fresh: number[] = [];
      items.forEach((item, i) => {
        const seen = first.get(item.id);
        if (seen !== undefined) {
          if (hashes[seen] === hashes[i]) replays.set(i, seen);
          else outcomes[i] = fail(new AppError(ErrorCode.ID_CONFLICT, `booking ${item.id} exists with a different body`));
          return;
        }
        first.set(item.id, i);
        const row = existing.get(item.id);
        if (!row) fresh.push(i);
        else if (row.requestHash !== hashes[i]) outcomes[i] = fail(new AppError(ErrorCode.ID_CONFLICT, `booking ${item.id} exists with a different body`));
        else if (row.state === 'reserved') toDrive.push(row);
        else outcomes[i] = { ok: true, booking: row };
      });
      if (fresh.length === 0) return;

      const tripIds = fresh.map((i) => items[i]!.tripId);
      const locked = await this.trips.lockHeads(tx, tripIds);
      const engineTrips = await this.cache.ensure(locked.values(), (ids) => this.trips.specs(ids, tx));
      const legsByTrip = await this.trips.legs(tx, [...locked.keys()]);
      const changed = new Map<string, Set<Leg>>();
      const rows: BookingRecord[] = [];
      const policy = policyOf(this.config);
      const now = new Date(nowMs);
      for (const i of fresh) {
        const item = items[i]!;
        const trip = locked.get(item.tripId);
        if (!trip) {
          outcomes[i] = fail(new AppError(ErrorCode.NOT_FOUND, `no trip ${item.tripId}`));
          continue;
        }
        if (trip.status !== 'published') {
          outcomes[i] = fail(new AppError(ErrorCode.TRIP_NOT_OPEN, `trip ${item.tripId} was cancelled`));
          continue;
        }
        const engineTrip = engineTrips.get(trip.id)!;
        const quote = quoteBooking(
          engineTrip,
          {
            riderId: item.rider, pickup: item.pickup, dropoff: item.dropoff, seats: item.seats, nowMs,
            ...(item.walkingRadiusM === undefined ? {} : { walkingRadiusM: item.walkingRadiusM }),
            ...(item.maxTotalPriceMicro === undefined ? {} : { maxTotalPriceMicro: item.maxTotalPriceMicro }),
          },
          this.index.roadFactor,
        );
        if (quote.status === 'rejected') {
          outcomes[i] = fail(rideError(quote, 'request'));
          continue;
        }
        if (quote.status === 'not-served') {
          outcomes[i] = fail(new AppError(ErrorCode.RIDE_NOT_SERVED, `trip ${item.tripId} does not serve this ride: ${quote.reason}`, { reason: quote.reason }));
          continue;
        }
        const offer = quote.offer;
        const legs = legsByTrip.get(trip.id) ?? [];
        const taken = takeSeats(legs, offer.pickup.routePositionM, offer.dropoff.routePositionM, item.seats);
        if (taken.status === 'rejected') {
          outcomes[i] = fail(rideError(taken, 'request'));
          continue;
        }
        const set = changed.get(trip.id) ?? new Set<Leg>();
        for (const l of taken.changed) set.add(l);
        changed.set(trip.id, set);
        // The row as inserted is also the record driven on (one object: this loop runs per booking).
        rows.push({
          id: item.id, tripId: trip.id, rider: item.rider, driver: trip.driver, bookingMode: engineTrip.bookingMode, state: 'reserved', holdState: 'placing',
          seats: item.seats, fromM: offer.pickup.routePositionM, toM: offer.dropoff.routePositionM, pickup: offer.pickup, dropoff: offer.dropoff,
          pickupAt: new Date(offer.pickupAtMs), dropoffAt: new Date(offer.dropoffAtMs), farePerSeatMicro: offer.farePerSeatMicro,
          fareMicro: offer.totalPriceMicro, feeMicro: serviceFeeMicro(offer.totalPriceMicro, policy), requestHash: hashes[i]!,
          expiresAt: null, rule: null, riderRefundMicro: null, driverPayoutMicro: null, platformFeeMicro: null, cancelledBy: null, createdAt: now, updatedAt: now,
        });
      }
      if (rows.length === 0) return;
      await this.bookings.insertReserved(tx, rows);
      await this.trips.upsertLegs(tx, [...changed].flatMap(([tripId, legs]) => [...legs].map((leg) => ({ tripId, leg }))));
      await this.trips.touch(tx, [...changed.keys()]);
      toDrive.push(...rows);
    });
    if (toDrive.length > 0) this.index.poke();
    const driven = await this.drive(toDrive, nowMs);
    items.forEach((item, i) => {
      if (outcomes[i] === undefined && !replays.has(i)) outcomes[i] = driven.get(item.id);
    });
    for (const [i, j] of replays) outcomes[i] = outcomes[j];
    return outcomes.map((o) => o ?? fail(new AppError(ErrorCode.INTERNAL, 'booking left without an outcome')));
  }

  /**
   * Steps 2 and 3 for reserved bookings (new ones, retried ones, and those the sweeper finds).
   * Safe to run twice at once for the same booking: every step is idempotent or conditional.
   */
  async drive(reserved: BookingRecord[], nowMs = this.clock.now()): Promise<Map<string, Outcome>> {
    const out = new Map<string, Outcome>();
    if (reserved.length === 0) return out;
    // Claimed for compensation by an earlier attempt (on any instance): only undoing is left.
    const refused: { booking: BookingRecord; error: AppError }[] = reserved
      .filter((b) => b.holdState === 'releasing')
      .map((booking) => ({ booking, error: new AppError(ErrorCode.ID_CONFLICT, `booking id ${booking.id} was refused before; book again with a new id`) }));
    const placing = reserved.filter((b) => b.holdState !== 'releasing');
    const paying = placing.filter((b) => b.fareMicro + b.feeMicro > 0n);
    const held: BookingRecord[] = placing.filter((b) => b.fareMicro + b.feeMicro === 0n);
    if (paying.length > 0) {
      let results;
      try {
        results = await this.settlement.place(paying.map((b) => ({ bookingId: b.id, payer: b.rider, payee: b.driver, amountMicro: b.fareMicro + b.feeMicro })));
      } catch (error) {
        // The holds may or may not exist: leave the bookings reserved for the sweeper.
        const e = error instanceof AppError ? error : new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'settlement did not answer');
        for (const b of paying) out.set(b.id, fail(e));
      }
      results?.forEach((r, k) => {
        const b = paying[k]!;
        if (r.status === 'held') held.push(b);
        else refused.push({ booking: b, error: refusalError(r.code, b) });
      });
    }

    const policy = policyOf(this.config);
    const confirmed = await this.uow.run(async (tx, emit) => {
      if (held.length === 0) return [];
      const tripIds = [...new Set(held.map((b) => b.tripId))].sort();
      await tx.$queryRawUnsafe(`SELECT id FROM rides.trip WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE`, tripIds);
      const moved = await this.bookings.confirmHeld(
        tx,
        held.map((b) => ({
          id: b.id,
          state: b.bookingMode === 'instant' ? ('confirmed' as const) : ('requested' as const),
          expiresAt: b.bookingMode === 'instant' ? null : new Date(approvalDeadlineMs(nowMs, b.pickupAt.getTime(), policy)),
        })),
      );
      const at = new Date(nowMs);
      for (const b of moved) emit(...bookingEvents(b, { at, instantStep: b.bookingMode === 'instant' }));
      return moved;
    });
    const movedIds = new Set(confirmed.map((b) => b.id));
    for (const b of confirmed) out.set(b.id, { ok: true, booking: b });
    // Held but not moved: already moved by someone else (a retry, the sweeper), or the trip was cancelled meanwhile.
    const notMoved = held.filter((b) => !movedIds.has(b.id));
    if (notMoved.length > 0) {
      const now = await this.bookings.find(notMoved.map((b) => b.id));
      for (const b of notMoved) {
        const row = now.get(b.id);
        if (row && row.state !== 'reserved') out.set(b.id, { ok: true, booking: row });
        else if (row?.holdState === 'releasing') refused.push({ booking: row, error: new AppError(ErrorCode.ID_CONFLICT, `booking id ${b.id} was refused before; book again with a new id`) });
        else if (row) refused.push({ booking: row, error: new AppError(ErrorCode.TRIP_NOT_OPEN, `trip ${b.tripId} was cancelled`) });
      }
    }
    if (refused.length > 0) await this.compensate(refused, out);
    return out;
  }

  /**
   * Undoes reserved bookings that will not go through: claim them (so that a drive of the same
   * booking running elsewhere cannot confirm it any more), release (or pre-empt) their holds,
   * then delete them and give the seats back. Without the claim, a second drive that got the
   * hold (the rider's funds changed in between) could confirm the booking after this released
   * its money: a confirmed booking with nothing held.
   */
  private async compensate(all: { booking: BookingRecord; error: AppError }[], out: Map<string, Outcome>): Promise<void> {
    const claimed = await this.bookings.claimForCompensation(all.map((r) => r.booking.id));
    const refused = all.filter((r) => claimed.has(r.booking.id));
    const lost = all.filter((r) => !claimed.has(r.booking.id));
    if (lost.length > 0) {
      // Confirmed by another drive before the claim (its hold stands), or already undone.
      const now = await this.bookings.find(lost.map((r) => r.booking.id));
      for (const r of lost) {
        const row = now.get(r.booking.id);
        out.set(r.booking.id, row ? { ok: true, booking: row } : fail(r.error));
      }
    }
    if (refused.length === 0) return;
    const paying = refused.filter((r) => r.booking.fareMicro + r.booking.feeMicro > 0n);
    try {
      if (paying.length > 0) {
        const results = await this.settlement.release(
          paying.map(({ booking: b }) => ({
            bookingId: b.id, payer: b.rider, payee: b.driver, rule: 'hold-refused' as const,
            payerRefundMicro: b.fareMicro + b.feeMicro, payeePayoutMicro: 0n, platformFeeMicro: 0n,
          })),
        );
        const bad = results.filter((r) => r.status !== 'released');
        if (bad.length > 0) throw new Error(`settlement refused ${bad.length} compensating releases`);
      }
    } catch (error) {
      this.logger.warn(`compensation of ${refused.length} bookings postponed: ${(error as Error).message}`);
      for (const r of refused) out.set(r.booking.id, fail(r.error));
      return;
    }
    await this.uow.run(async (tx) => {
      const ids = refused.map((r) => r.booking.id);
      await this.bookings.lockIds(tx, ids);
      const rows = await this.bookings.find(ids, tx);
      const reservedTrips = [...new Set([...rows.values()].filter((b) => b.state === 'reserved').map((b) => b.tripId))];
      await this.trips.lock(tx, reservedTrips);
      const deleted = await this.bookings.deleteReserved(tx, ids);
      await this.trips.releaseSeats(tx, deleted.map((b) => ({ tripId: b.tripId, fromM: b.fromM, toM: b.toM, seats: b.seats })));
      await this.trips.touch(tx, deleted.map((b) => b.tripId));
    });
    this.index.poke();
    for (const r of refused) out.set(r.booking.id, fail(r.error));
  }

  /** Moves the money of bookings whose hold is `releasing`, by their recorded split; marks them released. */
  async releaseMoney(bookings: BookingRecord[]): Promise<void> {
    const paying = bookings.filter((b) => b.holdState === 'releasing' && b.rule !== null);
    if (paying.length === 0) return;
    const results = await this.settlement.release(
      paying.map((b) => ({
        bookingId: b.id, payer: b.rider, payee: b.driver, rule: b.rule as 'declined',
        payerRefundMicro: b.riderRefundMicro!, payeePayoutMicro: b.driverPayoutMicro!, platformFeeMicro: b.platformFeeMicro!,
      })),
    );
    const done: string[] = [];
    results.forEach((r, k) => {
      if (r.status === 'released') done.push(paying[k]!.id);
      else this.logger.error(`settlement refused the release of booking ${paying[k]!.id}: ${r.code}`);
    });
    await this.bookings.markReleased(done);
  }
}

function refusalError(code: string, b: BookingRecord): AppError {
  switch (code) {
    case 'INSUFFICIENT_FUNDS':
      return new AppError(ErrorCode.INSUFFICIENT_FUNDS, `the rider's account cannot hold ${b.fareMicro + b.feeMicro} µ`);
    case 'ACCOUNT_UNKNOWN':
      return new AppError(ErrorCode.ACCOUNT_UNKNOWN, 'the rider has no settlement account');
    case 'HOLD_RELEASED':
      return new AppError(ErrorCode.ID_CONFLICT, `booking id ${b.id} was refused before; book again with a new id`);
    default:
      return new AppError(ErrorCode.ID_CONFLICT, `booking id ${b.id} is held with a different body`);
  }
}
