import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, TripCancelled, TripPublished, TripUpdated, type RpcRequest, type TripPublish, type TripView } from '@ampool/contracts';
import { createTrip, maxSeatsTaken, type Trip } from '@ampool/matching';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { Clock } from '@ampool/domain';
import type { Tx } from '@ampool/persistence';
import { BookingTransitions } from '../bookings/booking-transitions.service';
import { rideError } from '../ride-errors';
import { SearchIndex } from '../search/search-index.service';
import { TripCache } from './trip-cache';
import { specHash, specOf, tripInputOf, tripView, type TripRecord } from './trip-spec';
import { TripsRepository } from './trips.repository';

type TripRequest = RpcRequest<typeof TripPublish>;

function tripFact(r: TripRecord, at: Date) {
  return {
    tripId: r.id, driver: r.driver, version: r.version, departureAt: new Date(r.spec.departureMs), seatsOffered: r.spec.seatsOffered,
    bookingMode: r.spec.bookingMode, at,
  };
}

/** Drivers' trips: publish, update, cancel, read. */
@Injectable()
export class TripsService {
  constructor(
    private readonly trips: TripsRepository,
    private readonly cache: TripCache,
    private readonly index: SearchIndex,
    private readonly transitions: BookingTransitions,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async publish(input: TripRequest, nowMs = this.clock.now()): Promise<TripView> {
    const spec = specOf(input);
    const hash = specHash(input.driver, spec);
    const replay = async () => {
      const existing = await this.trips.find(input.id);
      if (!existing) return null;
      if (existing.requestHash !== hash) throw new AppError(ErrorCode.ID_CONFLICT, `trip ${input.id} exists with a different body`);
      return this.view(existing);
    };
    const earlier = await replay();
    if (earlier) return earlier;
    const created = createTrip(tripInputOf(input.id, input.driver, spec), { nowMs });
    if (created.status === 'rejected') throw rideError(created, 'trip');
    const inserted = await this.uow.run(async (tx, emit) => {
      const ok = await this.trips.insert(tx, { id: input.id, driver: input.driver, spec, routeLengthM: created.trip.routeLengthM, requestHash: hash });
      if (!ok) return null;
      const record = (await this.trips.find(input.id, tx))!;
      emit(outboxEvent(TripPublished, tripFact(record, new Date(nowMs)), 'rides'));
      return record;
    });
    if (!inserted) return (await replay())!;
    this.cache.put(inserted.id, inserted.version, created.trip);
    this.index.poke();
    return tripView(inserted, created.trip);
  }

  async update(input: TripRequest, nowMs = this.clock.now()): Promise<TripView> {
    const spec = specOf(input);
    const created = createTrip(tripInputOf(input.id, input.driver, spec), { nowMs });
    const record = await this.uow.run(async (tx, emit) => {
      const current = await this.lockOwned(tx, input.id, input.driver);
      if (JSON.stringify(current.spec) === JSON.stringify(spec)) return current;
      if (created.status === 'rejected') throw rideError(created, 'trip');
      const legs = (await this.trips.legs(tx, [input.id])).get(input.id) ?? [];
      const booked = maxSeatsTaken(legs);
      const routeChanged = JSON.stringify(current.spec.route) !== JSON.stringify(spec.route);
      if (booked > 0 && routeChanged) {
        throw new AppError(ErrorCode.TRIP_INVALID, `trip ${input.id} has bookings; its route cannot change`, { rideCode: 'ROUTE_LOCKED_BY_BOOKINGS' });
      }
      if (booked > spec.seatsOffered) {
        throw new AppError(ErrorCode.TRIP_INVALID, `${booked} seats are booked on some leg; at least that many must stay offered`, { rideCode: 'SEATS_BELOW_BOOKED' });
      }
      await this.trips.update(tx, { id: input.id, spec, routeLengthM: created.trip.routeLengthM, routeChanged });
      const updated = (await this.trips.find(input.id, tx))!;
      emit(outboxEvent(TripUpdated, tripFact(updated, new Date(nowMs)), 'rides'));
      return updated;
    });
    this.index.poke();
    return this.view(record);
  }

  /** Cancels the trip and, by the driver, every live booking on it. */
  async cancel(input: { id: string; driver: string }): Promise<{ trip: TripView; cancelledBookings: number }> {
    const { record, cancelled } = await this.uow.run(async (tx, emit) => {
      const current = await this.lockOwned(tx, input.id, input.driver, true);
      if (current.status === 'cancelled') return { record: current, cancelled: [] };
      await this.trips.cancel(tx, input.id);
      const nowMs = this.clock.now();
      const cancelledBookings = await this.transitions.cancelAllOnTrip(tx, emit, input.id, nowMs);
      const after = (await this.trips.find(input.id, tx))!;
      emit(outboxEvent(TripCancelled, tripFact(after, new Date(nowMs)), 'rides'));
      return { record: after, cancelled: cancelledBookings };
    });
    await this.transitions.settle(cancelled);
    this.index.poke();
    return { trip: await this.view(record), cancelledBookings: cancelled.length };
  }

  async get(id: string): Promise<TripView> {
    const record = await this.trips.find(id);
    if (!record) throw new AppError(ErrorCode.NOT_FOUND, `no trip ${id}`);
    return this.view(record);
  }

  async list(driver: string, after: string | undefined, limit: number): Promise<{ trips: TripView[]; next: string | null }> {
    const records = await this.trips.listByDriver(driver, after, limit);
    return { trips: records.map((r) => this.viewOf(r)), next: records.length === limit ? records[records.length - 1]!.id : null };
  }

  private async lockOwned(tx: Tx, id: string, driver: string, allowCancelled = false): Promise<TripRecord> {
    const current = (await this.trips.lock(tx, [id])).get(id);
    if (!current) throw new AppError(ErrorCode.NOT_FOUND, `no trip ${id}`);
    if (current.driver !== driver) throw new AppError(ErrorCode.FORBIDDEN, 'only the trip\'s driver may change it');
    if (current.status !== 'published' && !allowCancelled) throw new AppError(ErrorCode.TRIP_NOT_OPEN, `trip ${id} was cancelled`);
    return current;
  }

  private async view(record: TripRecord): Promise<TripView> {
    const full = record.legs.length > 0 ? record : ((await this.trips.find(record.id)) ?? record);
    return this.viewOf(full);
  }

  private viewOf(record: TripRecord): TripView {
    const trip: Trip = this.cache.get(record.id, record.version, record.driver, record.spec);
    return tripView(record, trip);
  }
}
