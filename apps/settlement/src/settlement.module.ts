import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import type { SettlementConfig } from './config';
import { DepositsController } from './deposits/deposits.controller';
import { DepositsService } from './deposits/deposits.service';
import { HoldsService } from './holds/holds.service';
import { TradeHoldsConsumer } from './holds/trade-holds.consumer';

/** Double-entry accounts, deposits, and holds on the buyer's money for each trade. */
@Module({})
export class SettlementModule {
  static forRoot(config: SettlementConfig): DynamicModule {
    return {
      module: SettlementModule,
      imports: statefulServiceImports({ service: 'settlement', schema: 'settlement', config, publishes: [STREAMS.settlement] }),
      controllers: [createHealthController('settlement'), AccountsController, DepositsController],
      providers: [AccountsRepository, DepositsService, HoldsService, TradeHoldsConsumer],
    };
  }
}
