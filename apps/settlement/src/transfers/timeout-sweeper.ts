import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../config';
import { TransferEngine } from './transfer-engine';
import { TransfersRepository } from './transfers.repository';

/** Pending transfers expired per transaction, at most. */
const PER_SWEEP = 1_000;
/** Transactions per sweep, at most (the rest waits for the next tick). */
const MAX_ROUNDS = 20;

/**
 * Voids pending transfers whose timeout has passed (business time from the Clock), at start
 * and every TIMEOUT_SWEEP_MS. Several instances may sweep at once: each transfer is expired
 * under its accounts' locks and only while still pending, so never twice.
 */
@Injectable()
export class TimeoutSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TimeoutSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly repo: TransfersRepository,
    private readonly engine: TransferEngine,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Inject(SETTLEMENT_CONFIG) private readonly config: SettlementConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), this.config.TIMEOUT_SWEEP_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.sweep()
      .catch((error) => this.logger.warn(`timeout sweep failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }

  /** Expires everything due now; returns how many transfers it voided. */
  async sweep(): Promise<number> {
    let total = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const n = await this.uow.run(async (tx) => {
        const now = this.clock.now();
        const due = await this.repo.dueForExpiry(tx, new Date(now), PER_SWEEP);
        return (await this.engine.expire(tx, due, now)).length;
      });
      total += n;
      if (n < PER_SWEEP) break;
    }
    return total;
  }
}
