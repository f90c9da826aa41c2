import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { METERING_CONFIG, type MeteringConfig } from '../config';
import { TripProofsService } from './trip-proofs.service';

/**
 * Every TRIP_SWEEP_SECONDS: legs still open after their deadline are judged on the proofs they
 * have (rider absent, or disputed naming what is missing), and disputes no operator resolved
 * in time get the documented default. Several instances may sweep at once: each leg is
 * decided under its row lock, and only from the state the step expects.
 */
@Injectable()
export class TripLegsSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TripLegsSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly proofs: TripProofsService,
    @Inject(METERING_CONFIG) private readonly config: MeteringConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.TRIP_SWEEP_SECONDS * 1000);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.proofs
      .sweep()
      .then((r) => {
        if (r.judged + r.timedOut > 0) this.logger.log(`judged ${r.judged} legs at their deadline, ${r.timedOut} disputes timed out`);
      })
      .catch((error) => this.logger.warn(`trip-leg sweep failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }
}
