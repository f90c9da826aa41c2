import { Injectable, Logger } from '@nestjs/common';
import { BookingCancelled, BookingConfirmed, DURABLE_CONSUMERS, type EventData, type EventEnvelope } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import type { AgreedLeg } from '@ampool/metering';
import { TripLegsRepository } from './trip-legs.repository';
import { TripProofsService } from './trip-proofs.service';

const toE6 = (degrees: number): number => Math.round(degrees * 1e6);

/**
 * Learns the legs to judge from the ride market: a confirmed booking opens its leg with the
 * agreed meeting points and times; a cancelled one closes it (no verdict is reached on a
 * booking that no longer exists). Both are idempotent (insert-if-absent, conditional update)
 * and marked processed in the same transaction.
 */
@Injectable()
export class BookingLegsConsumer {
  private readonly logger = new Logger(BookingLegsConsumer.name);

  constructor(
    consumers: EventConsumers,
    private readonly legs: TripLegsRepository,
    private readonly proofs: TripProofsService,
    private readonly uow: UnitOfWork,
  ) {
    const confirmed = DURABLE_CONSUMERS.meteringBookingsConfirmed;
    consumers.register({ durable: confirmed.durable, contract: confirmed.contract, handle: (e) => this.confirmed(confirmed.durable, e) });
    const cancelled = DURABLE_CONSUMERS.meteringBookingsCancelled;
    consumers.register({ durable: cancelled.durable, contract: cancelled.contract, handle: (e) => this.cancelled(cancelled.durable, e) });
  }

  async confirmed(consumer: string, event: EventEnvelope<EventData<typeof BookingConfirmed>>): Promise<void> {
    const b = event.data;
    if (!b.pickupPoint || !b.dropoffPoint) {
      this.logger.warn(`booking ${b.bookingId} was confirmed without meeting points: it cannot be judged on trip proofs`);
      return;
    }
    const agreed: AgreedLeg = {
      legId: b.bookingId,
      pickup: { latE6: toE6(b.pickupPoint.lat), lonE6: toE6(b.pickupPoint.lon), atMs: b.pickupPoint.at.getTime() },
      dropoff: { latE6: toE6(b.dropoffPoint.lat), lonE6: toE6(b.dropoffPoint.lon), atMs: b.dropoffPoint.at.getTime() },
    };
    await this.uow.runOnce(consumer, event.id, async (tx) => {
      await this.legs.insertLeg(tx, { bookingId: b.bookingId, tripId: b.tripId, driver: b.driver, rider: b.rider, agreed, deadlineAt: this.proofs.deadlineOf(agreed) });
    });
  }

  async cancelled(consumer: string, event: EventEnvelope<EventData<typeof BookingCancelled>>): Promise<void> {
    await this.uow.runOnce(consumer, event.id, async (tx) => {
      await this.legs.voidLeg(tx, event.data.bookingId);
    });
  }
}
