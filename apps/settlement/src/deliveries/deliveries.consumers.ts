import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers } from '@ampool/messaging';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../config';
import { DeliveriesService } from './deliveries.service';

/** Intervals looked at per sweep, at most. */
const PER_SWEEP = 200;

/** Records trades and metering's intervals, and settles each interval as soon as it may. */
@Injectable()
export class DeliveriesConsumers {
  constructor(consumers: EventConsumers, deliveries: DeliveriesService) {
    const trades = DURABLE_CONSUMERS.settlementEnergyTrades;
    consumers.register({
      durable: trades.durable,
      contract: trades.contract,
      handle: (event) => deliveries.recordTrade(event),
      handleBatch: (events) => deliveries.recordTrades(events),
    });
    const finalized = DURABLE_CONSUMERS.settlementIntervalsFinalized;
    consumers.register({ durable: finalized.durable, contract: finalized.contract, handle: (event) => deliveries.recordInterval(finalized.durable, event) });
    const corrected = DURABLE_CONSUMERS.settlementIntervalsCorrected;
    consumers.register({ durable: corrected.durable, contract: corrected.contract, handle: (event) => deliveries.recordInterval(corrected.durable, event) });
  }
}

/**
 * Settles intervals that could not settle when their event arrived: a hold that had not been
 * placed yet, a trade that arrived after its interval, an unproven interval past its timeout.
 */
@Injectable()
export class DeliverySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliverySweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly deliveries: DeliveriesService,
    @Inject(SETTLEMENT_CONFIG) private readonly config: SettlementConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), this.config.DELIVERY_SWEEP_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.deliveries
      .settleDue(PER_SWEEP)
      .catch((error) => this.logger.warn(`delivery sweep failed: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
  }
}
