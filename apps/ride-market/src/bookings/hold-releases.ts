import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MAX_BOOKING_HOLDS_PER_REQUEST } from '@ampool/contracts';
import { BookingSaga } from './booking-saga.service';
import type { BookingRecord } from './bookings.repository';

/** Bookings waiting for their release, at most (beyond it they are left to the sweeper). */
const MAX_QUEUED = 20_000;

/**
 * Releases the holds of bookings that verdicts just ended, many per settlement request: one
 * release runs at a time, and whatever arrived meanwhile goes in the next (up to the
 * contract's batch size). The bookings are already durably `releasing`, so anything this does
 * not finish — settlement away, a crash, a full queue — the recovery sweeper releases later;
 * releases are idempotent per booking in settlement.
 */
@Injectable()
export class HoldReleases implements OnModuleDestroy {
  private readonly logger = new Logger(HoldReleases.name);
  private readonly queue = new Map<string, BookingRecord>();
  private running?: Promise<void>;

  constructor(private readonly saga: BookingSaga) {}

  enqueue(b: BookingRecord): void {
    if (this.queue.size >= MAX_QUEUED) return;
    this.queue.set(b.id, b);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  async onModuleDestroy(): Promise<void> {
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0) {
      const batch = [...this.queue.values()].slice(0, MAX_BOOKING_HOLDS_PER_REQUEST);
      for (const b of batch) this.queue.delete(b.id);
      try {
        await this.saga.releaseMoney(batch);
      } catch (error) {
        this.logger.warn(`release of ${batch.length} holds postponed to the sweeper: ${(error as Error).message}`);
      }
    }
  }
}
