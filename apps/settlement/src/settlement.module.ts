import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import { BookingHoldsController } from './bookings/booking-holds.controller';
import { BookingHoldsRepository } from './bookings/booking-holds.repository';
import { BookingHoldsService } from './bookings/booking-holds.service';
import type { SettlementConfig } from './config';
import { DepositsController } from './deposits/deposits.controller';
import { DepositsService } from './deposits/deposits.service';
import { HoldsService } from './holds/holds.service';
import { TradeHoldsConsumer } from './holds/trade-holds.consumer';
import { OrderHoldReleasesConsumer } from './order-holds/order-hold-releases.consumer';
import { OrderHoldsController } from './order-holds/order-holds.controller';
import { OrderHoldsRepository } from './order-holds/order-holds.repository';
import { OrderHoldsService } from './order-holds/order-holds.service';

/** Double-entry accounts, deposits, holds on the buyer's money for each trade, and ride booking holds. */
@Module({})
export class SettlementModule {
  static forRoot(config: SettlementConfig): DynamicModule {
    return {
      module: SettlementModule,
      imports: statefulServiceImports({ service: 'settlement', schema: 'settlement', config, publishes: [STREAMS.settlement] }),
      controllers: [createHealthController('settlement'), AccountsController, DepositsController, BookingHoldsController, OrderHoldsController],
      providers: [AccountsRepository, DepositsService, HoldsService, TradeHoldsConsumer, BookingHoldsRepository, BookingHoldsService, OrderHoldsRepository, OrderHoldsService, OrderHoldReleasesConsumer],
    };
  }
}
