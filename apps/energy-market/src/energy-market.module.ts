import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS, TradeExecuted } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import { AreasController } from './areas/areas.controller';
import { AreasRepository } from './areas/areas.repository';
import { AreasService } from './areas/areas.service';
import type { EnergyMarketConfig } from './config';
import { Journal } from './engine/journal';
import { ENGINE_OPTIONS, MarketEngine } from './engine/market-engine.service';
import { MarketStore } from './engine/market-store.repository';
import { AreaLeases, LEASE_OPTIONS } from './leases/area-leases.service';
import { AreaRouter } from './leases/area-router.service';
import { MarketReadController } from './markets/market-read.controller';
import { OrderActionsService } from './orders/order-actions.service';
import { OrdersController } from './orders/orders.controller';
import { OrdersRepository } from './orders/orders.repository';
import { OrdersService } from './orders/orders.service';
import { ParticipantStatusConsumer } from './orders/participant-status.consumer';
import { PoliciesController } from './policies/policies.controller';
import { POLICY_EVAL_MS, PoliciesService } from './policies/policies.service';
import { TradeProgressConsumer } from './trades/trade-progress.consumer';
import { TradesController } from './trades/trades.controller';
import { TradesRepository } from './trades/trades.repository';

/**
 * Markets per (area of zones, delivery interval): operator-configured areas, one in-memory
 * engine per market made durable by a JetStream journal and snapshots, orders with their
 * device and funds checks, and the trades they produce. Instances share areas by leases: one
 * writer per area, requests routed to it.
 */
@Module({})
export class EnergyMarketModule {
  static forRoot(config: EnergyMarketConfig): DynamicModule {
    return {
      module: EnergyMarketModule,
      imports: statefulServiceImports({
        service: 'energy',
        schema: 'energy',
        config,
        publishes: [STREAMS.energy],
        // Each executed trade is also the market's own signed ledger entry.
        ledger: { submitter: 'energy-market', genesisFile: config.LEDGER_GENESIS_FILE, keyFile: config.LEDGER_SUBMITTER_KEY_FILE, events: [{ subject: TradeExecuted.subject, type: 'energy.trade' }] },
      }),
      controllers: [createHealthController('energy'), AreasController, OrdersController, TradesController, MarketReadController, PoliciesController],
      providers: [
        { provide: ENGINE_OPTIONS, useValue: { batchMax: config.ENGINE_BATCH_MAX, snapshotEveryBatches: config.SNAPSHOT_EVERY_BATCHES, tickMs: config.ENGINE_TICK_MS } },
        { provide: POLICY_EVAL_MS, useValue: config.POLICY_EVAL_MS },
        { provide: LEASE_OPTIONS, useValue: { ttlMs: config.AREA_LEASE_TTL_MS, renewMs: Math.min(config.AREA_LEASE_RENEW_MS, Math.floor(config.AREA_LEASE_TTL_MS / 3)) } },
        AreaLeases,
        AreaRouter,
        PoliciesService,
        AreasRepository,
        AreasService,
        Journal,
        MarketStore,
        MarketEngine,
        OrdersRepository,
        OrdersService,
        OrderActionsService,
        TradesRepository,
        TradeProgressConsumer,
        ParticipantStatusConsumer,
      ],
    };
  }
}
