import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IdentityCache, UnitOfWork } from '@ampool/messaging';
import { Clock } from '@ampool/domain';
import { METERING_CONFIG, type MeteringConfig } from '../config';
import { Finalizer } from './finalizer.service';
import { IntervalsRepository } from './intervals.repository';

/** Devices looked at per sweep: a bound on one sweep's work. */
const DEVICES_PER_SWEEP = 500;

/**
 * A device that stops reporting still has its intervals finalized: once an interval has been
 * over for ESTIMATE_AFTER_MINUTES without a reading after it, it is finalized as `estimated`
 * (flagged, so money never moves on it silently).
 */
@Injectable()
export class EstimationSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EstimationSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly intervals: IntervalsRepository,
    private readonly finalizer: Finalizer,
    private readonly identity: IdentityCache,
    private readonly uow: UnitOfWork,
    @Inject(METERING_CONFIG) private readonly config: MeteringConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sweep().then(() => undefined).finally(() => (this.running = undefined));
    }, this.config.SWEEP_SECONDS * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Finalizes what has become estimable; returns how many interval revisions were written. */
  async sweep(nowMs = this.clock.now()): Promise<number> {
    const dueBefore = new Date(nowMs - (this.config.INTERVAL_MINUTES + this.config.ESTIMATE_AFTER_MINUTES) * 60_000);
    let written = 0;
    for (const { device, owner } of await this.intervals.devicesPendingBefore(dueBefore, DEVICES_PER_SWEEP)) {
      try {
        const registration = await this.identity.device(device);
        written += await this.uow.run(async (tx, emit) => {
          await this.intervals.lockDevice(tx, device);
          return this.finalizer.run(tx, emit, { did: device, owner, type: registration.type, ratedPowerW: registration.powerW }, undefined, nowMs);
        });
      } catch (error) {
        this.logger.warn(`estimation for ${device} failed: ${(error as Error).message}`);
      }
    }
    return written;
  }
}
