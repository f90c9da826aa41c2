import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, asAppError, ErrorCode } from '@ampool/contracts';
import { RIDES_CONFIG, type RideMarketConfig } from '../config';
import { BookingSaga, type CreateInput, type Outcome } from './booking-saga.service';

/** Batches running at once: one can wait on settlement while the next reserves seats. */
const MAX_IN_FLIGHT = 2;
/** Requests waiting for a batch, at most (beyond it new requests are refused as unavailable). */
const MAX_QUEUED = 10_000;

interface Waiting {
  input: CreateInput;
  resolve: (outcome: Outcome) => void;
}

/**
 * Groups concurrent booking requests so that one database transaction and one settlement
 * request serve many: a request starts a batch at once when fewer than MAX_IN_FLIGHT run;
 * otherwise it waits for the next one, which takes everything queued (up to
 * BOOKING_BATCH_MAX). Alone, a booking pays no delay; under load, batches grow by themselves.
 */
@Injectable()
export class BookingBatcher {
  private readonly log = new Logger(BookingBatcher.name);
  private readonly queue: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly saga: BookingSaga,
    @Inject(RIDES_CONFIG) private readonly config: RideMarketConfig,
  ) {}

  book(input: CreateInput): Promise<Outcome> {
    if (this.queue.length >= MAX_QUEUED) {
      return Promise.resolve({ ok: false, error: new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'too many bookings waiting; retry with the same id') });
    }
    return new Promise((resolve) => {
      this.queue.push({ input, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.BOOKING_BATCH_MAX);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.saga.create(batch.map((w) => w.input));
      batch.forEach((w, i) => w.resolve(outcomes[i]!));
    } catch (error) {
      // A database or broker outage is retryable (UPSTREAM_*); anything else is ours.
      const e = asAppError(error, 'booking failed');
      if (e.code === ErrorCode.INTERNAL) this.log.error('booking batch failed', (error as Error)?.stack ?? String(error));
      else if (!(error instanceof AppError)) this.log.warn(`booking batch failed: ${e.message}`);
      for (const w of batch) w.resolve({ ok: false, error: e });
    }
  }
}
