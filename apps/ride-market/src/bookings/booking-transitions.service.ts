import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '@ampool/contracts';
import { applyBookingEvent, type BookingEvent, type BookingState } from '@ampool/matching';
import { Clock } from '@ampool/domain';
import { UnitOfWork, type Emit } from '@ampool/messaging';
import type { Tx } from '@ampool/persistence';
import { policyOf, RIDES_CONFIG, type RideMarketConfig } from '../config';
import { rideError } from '../ride-errors';
import { SearchIndex } from '../search/search-index.service';
import { TripsRepository } from '../trips/trips.repository';
import { bookingEvents } from './booking-events';
import { BookingSaga } from './booking-saga.service';
import { BookingsRepository, type BookingRecord } from './bookings.repository';
import { HoldReleases } from './hold-releases';
import { TripProofs } from './trip-proofs';

const FREES_SEATS: ReadonlySet<string> = new Set(['declined', 'expired', 'cancelled']);

/**
 * Every move of a booking after it was placed: approve, decline, cancel (by rider or
 * driver), expire, no-show. Each is one transaction that moves the state forward (the
 * engine's machine refuses anything else), gives seats back when the booking ends early,
 * records the policy's split of the hold and the driver's reliability mark, and writes the
 * event; the money then moves in settlement (`releasing` → `released`), retried by the
 * sweeper if settlement is away.
 */
@Injectable()
export class BookingTransitions {
  private readonly logger = new Logger(BookingTransitions.name);

  constructor(
    private readonly bookings: BookingsRepository,
    private readonly trips: TripsRepository,
    private readonly saga: BookingSaga,
    private readonly index: SearchIndex,
    private readonly proofs: TripProofs,
    private readonly uow: UnitOfWork,
    @Inject(RIDES_CONFIG) private readonly config: RideMarketConfig,
    private readonly clock: Clock,
    private readonly releases: HoldReleases,
  ) {}

  approve(id: string, driver: string): Promise<BookingRecord> {
    return this.move(id, (b) => this.requireDriver(b, driver), () => ({ type: 'confirm' }));
  }

  decline(id: string, driver: string): Promise<BookingRecord> {
    return this.move(id, (b) => this.requireDriver(b, driver), () => ({ type: 'decline' }));
  }

  cancel(id: string, by: string, nowMs = this.clock.now()): Promise<BookingRecord> {
    return this.move(
      id,
      (b) => {
        if (by !== b.rider && by !== b.driver) throw new AppError(ErrorCode.FORBIDDEN, 'only the rider or the driver may cancel a booking');
      },
      (b) => ({ type: 'cancel', by: by === b.driver ? 'driver' : 'rider', atMs: nowMs }),
    );
  }

  expire(id: string, nowMs = this.clock.now()): Promise<BookingRecord> {
    return this.move(
      id,
      (b) => {
        if (b.state !== 'requested' || b.expiresAt === null || b.expiresAt.getTime() > nowMs) {
          throw new AppError(ErrorCode.INVALID_TRANSITION, `booking ${id} is not an expired request`);
        }
      },
      () => ({ type: 'expire' }),
    );
  }

  /**
   * The driver reports a rider no-show. The fare goes to the driver only with metering's trip
   * proofs (the driver's pick-up proof, the waiting time over, nothing from the rider); without
   * them the engine refuses (NO_SHOW_NOT_PROVEN) and nothing changes. Metering announces the
   * same verdict as an event; whichever arrives second finds the booking final and does nothing.
   */
  noShow(id: string, driver: string): Promise<BookingRecord> {
    return this.move(
      id,
      (b) => this.requireDriver(b, driver),
      async (b) => ({ type: 'no-show', proofVerified: await this.proofs.riderAbsentProven(b) }),
      // Metering's verdict event may have moved the booking while it was being asked: the same outcome.
      (b) => b.state === 'no-show',
    );
  }

  /** Cancels, by the driver, every live booking of a trip being cancelled (inside its transaction). */
  async cancelAllOnTrip(tx: Tx, emit: Emit, tripId: string, nowMs = this.clock.now()): Promise<BookingRecord[]> {
    const live = await this.bookings.liveOnTrip(tx, tripId);
    const out: BookingRecord[] = [];
    for (const b of live) out.push(await this.applyIn(tx, emit, b, { type: 'cancel', by: 'driver', atMs: nowMs }));
    return out;
  }

  /**
   * Applies a verdict of metering's trip proofs (an event, possibly delivered again): in one
   * transaction the event is marked processed and the confirmed booking moves (completed,
   * no-show or refunded) with its split and its own event; then settlement releases the hold
   * (batched with other verdicts' releases), or the sweeper does if settlement is away. A booking no longer `confirmed` (cancelled
   * meanwhile, or already moved by this verdict) is left as it is: a verdict never pays twice.
   */
  async applyVerdict(consumer: string, eventId: string, verdict: { bookingId: string; driver: string; rider: string }, event: BookingEvent): Promise<BookingRecord | undefined> {
    let moved: BookingRecord | undefined;
    await this.uow.runOnce(consumer, eventId, async (tx, emit) => {
      moved = undefined;
      const b = await this.bookings.findOne(verdict.bookingId, tx, true);
      if (!b || b.driver !== verdict.driver || b.rider !== verdict.rider) {
        this.logger.warn(`trip verdict for ${verdict.bookingId} names no booking with those parties: ignored`);
        return;
      }
      if (b.state !== 'confirmed') {
        this.logger.log(`trip verdict (${event.type}) for booking ${b.id}, which is ${b.state}: nothing to do`);
        return;
      }
      moved = await this.applyIn(tx, emit, b, event);
    });
    if (!moved) return undefined;
    this.index.poke();
    if (moved.holdState === 'releasing') this.releases.enqueue(moved);
    return moved;
  }

  /** Moves the money of bookings that just ended; failures are left to the sweeper. */
  async settle(bookings: BookingRecord[]): Promise<void> {
    try {
      await this.saga.releaseMoney(bookings);
    } catch (error) {
      this.logger.warn(`release of ${bookings.length} holds postponed: ${(error as Error).message}`);
    }
  }

  private requireDriver(b: BookingRecord, driver: string): void {
    if (b.driver !== driver) throw new AppError(ErrorCode.FORBIDDEN, 'only the trip\'s driver may do this');
  }

  private async move(
    id: string,
    authorize: (b: BookingRecord) => void,
    event: (b: BookingRecord) => BookingEvent | Promise<BookingEvent>,
    alreadyDone?: (b: BookingRecord) => boolean,
  ): Promise<BookingRecord> {
    const before = await this.bookings.findOne(id);
    if (!before) throw new AppError(ErrorCode.NOT_FOUND, `no booking ${id}`);
    authorize(before);
    const e = await event(before);
    const moved = await this.uow.run(async (tx, emit) => {
      const b = await this.bookings.findOne(id, tx, true);
      if (!b) throw new AppError(ErrorCode.NOT_FOUND, `no booking ${id}`);
      authorize(b);
      if (alreadyDone?.(b)) return b;
      return this.applyIn(tx, emit, b, e);
    });
    this.index.poke();
    if (moved.holdState === 'releasing') {
      await this.settle([moved]);
      return (await this.bookings.findOne(id)) ?? moved;
    }
    return moved;
  }

  private async applyIn(tx: Tx, emit: Emit, b: BookingRecord, event: BookingEvent): Promise<BookingRecord> {
    if (b.state === 'reserved') throw new AppError(ErrorCode.INVALID_TRANSITION, `booking ${b.id} is still being placed; try again shortly`);
    const outcome = applyBookingEvent(
      b.state as BookingState,
      { fareMicro: b.fareMicro, serviceFeeMicro: b.feeMicro, departureMs: b.pickupAt.getTime() },
      event,
      policyOf(this.config),
    );
    if (outcome.status === 'rejected') throw rideError(outcome, 'request');
    if (FREES_SEATS.has(outcome.state)) {
      await this.trips.lock(tx, [b.tripId]);
      await this.trips.releaseSeats(tx, [{ tripId: b.tripId, fromM: b.fromM, toM: b.toM, seats: b.seats }]);
      await this.trips.touch(tx, [b.tripId]);
    }
    const split = outcome.split
      ? { rule: outcome.rule, riderRefundMicro: outcome.split.riderRefundMicro, driverPayoutMicro: outcome.split.driverPayoutMicro, platformFeeMicro: outcome.split.platformFeeMicro }
      : null;
    const holdState = split ? (b.fareMicro + b.feeMicro > 0n ? 'releasing' : 'released') : undefined;
    const cancelledBy = event.type === 'cancel' ? event.by : null;
    const updated = await this.bookings.transition(tx, b.id, { state: outcome.state, ...(holdState ? { holdState } : {}), split, cancelledBy });
    if (outcome.driverReliabilityMark) await this.bookings.addDriverMark(tx, b.id, b.driver);
    emit(...bookingEvents(updated, { at: new Date(this.clock.now()), driverMark: outcome.driverReliabilityMark }));
    return updated;
  }
}
