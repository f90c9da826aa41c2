import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import type { EnergyMarketConfig } from './config';
import { ORDER_RULES, orderRulesFrom } from './orders/order-rules';
import { OrdersController } from './orders/orders.controller';
import { OrdersRepository } from './orders/orders.repository';
import { OrdersService } from './orders/orders.service';
import { ParticipantStatusConsumer } from './orders/participant-status.consumer';
import { TradeProgressConsumer } from './trades/trade-progress.consumer';
import { TradesController } from './trades/trades.controller';
import { TradesRepository } from './trades/trades.repository';

/** Order books per (zone, delivery interval), matching, and the trades they produce. */
@Module({})
export class EnergyMarketModule {
  static forRoot(config: EnergyMarketConfig): DynamicModule {
    return {
      module: EnergyMarketModule,
      imports: statefulServiceImports({ service: 'energy', schema: 'energy', config, publishes: [STREAMS.energy] }),
      controllers: [createHealthController('energy'), OrdersController, TradesController],
      providers: [
        { provide: ORDER_RULES, useValue: orderRulesFrom(config) },
        OrdersRepository,
        OrdersService,
        TradesRepository,
        TradeProgressConsumer,
        ParticipantStatusConsumer,
      ],
    };
  }
}
