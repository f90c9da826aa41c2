import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppError, ErrorCode } from '@ampool/contracts';
import { Clock } from '@ampool/domain';
import { RIDES_CONFIG, type RideMarketConfig } from '../config';
import { BookingSaga } from './booking-saga.service';
import { BookingTransitions } from './booking-transitions.service';
import { BookingsRepository } from './bookings.repository';

/** Bookings looked at per sweep: a bound on one sweep's work. */
const PER_SWEEP = 500;

/**
 * Finishes what a crash or an absent settlement left half done, at start and every
 * SWEEP_SECONDS: bookings still `reserved` (hold asked, never confirmed) are driven again
 * through the idempotent hold and confirm steps — or compensated if settlement refuses;
 * bookings whose money is `releasing` are released again; approval requests past their
 * deadline expire. Several instances may sweep at once: every step is idempotent or
 * conditional on the state it expects (a hold placed twice is one hold, a confirm moves only a
 * row still `reserved` and `placing`, a compensation first claims its row, a release is one
 * per booking in settlement, an expiry locks the row and finds it expired already).
 */
@Injectable()
export class RecoverySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RecoverySweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly bookings: BookingsRepository,
    private readonly saga: BookingSaga,
    private readonly transitions: BookingTransitions,
    @Inject(RIDES_CONFIG) private readonly config: RideMarketConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // The usual cutoff even at start: other instances may have bookings in flight right now.
    this.kick();
    this.timer = setInterval(() => this.kick(), this.config.SWEEP_SECONDS * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private kick(cutoffMs?: number): void {
    if (this.running) return;
    this.running = this.sweep(this.clock.now(), cutoffMs)
      .catch((error) => this.logger.warn(`sweep failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }

  /**
   * One sweep. A booking counts as stuck once untouched for twice the RPC timeout (a
   * request in flight on another instance finishes or fails within it): real time, as the
   * database stamps rows, while approval deadlines are business time (`nowMs`, the Clock).
   * Returns what was done.
   */
  async sweep(nowMs = this.clock.now(), cutoffMs = Date.now() - 2 * this.config.RPC_TIMEOUT_MS): Promise<{ driven: number; released: number; expired: number }> {
    // Taken, not just read: two instances sweeping at once do not both drive the same bookings.
    const stuck = await this.bookings.claimStuck(new Date(cutoffMs), PER_SWEEP);
    const reserved = stuck.filter((b) => b.state === 'reserved');
    // A reserved booking with its hold `releasing` is a compensation left half done: drive() finishes it.
    const releasing = stuck.filter((b) => b.holdState === 'releasing' && b.state !== 'reserved');
    if (reserved.length > 0) {
      await this.saga.drive(reserved, nowMs);
      this.logger.log(`recovered ${reserved.length} bookings left between reserve and confirm`);
    }
    if (releasing.length > 0) await this.saga.releaseMoney(releasing);
    let expired = 0;
    for (const id of await this.bookings.expiredRequests(new Date(nowMs), PER_SWEEP)) {
      try {
        await this.transitions.expire(id, nowMs);
        expired++;
      } catch (error) {
        // Another instance's sweep (or the driver's answer) moved it first: nothing left to do.
        if (error instanceof AppError && error.code === ErrorCode.INVALID_TRANSITION) continue;
        this.logger.warn(`expiry of ${id} failed: ${(error as Error).message}`);
      }
    }
    return { driven: reserved.length, released: releasing.length, expired };
  }
}
