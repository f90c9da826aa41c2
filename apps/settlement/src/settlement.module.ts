import { Module, type DynamicModule } from '@nestjs/common';
import { BookingHoldPlaced, BookingHoldReleased, HoldPlaced, STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import { BookingHoldsController } from './bookings/booking-holds.controller';
import { BookingHoldsRepository } from './bookings/booking-holds.repository';
import { BookingHoldsService } from './bookings/booking-holds.service';
import { SETTLEMENT_CONFIG, type SettlementConfig } from './config';
import { DeliveriesConsumers, DeliverySweeper } from './deliveries/deliveries.consumers';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DepositsController } from './deposits/deposits.controller';
import { DepositsService } from './deposits/deposits.service';
import { HoldsService } from './holds/holds.service';
import { TradeHoldsConsumer } from './holds/trade-holds.consumer';
import { DailyPayouts, PayoutsService } from './payouts/payouts.service';
import { ReportsController } from './reports/reports.controller';
import { StatementsService } from './reports/statements.service';
import { TimeoutSweeper } from './transfers/timeout-sweeper';
import { TransferEngine } from './transfers/transfer-engine';
import { LedgerCommitsConsumer } from './ledger/ledger-commits.consumer';
import { TransferEntries } from './ledger/transfer-entries';
import { TransfersController } from './transfers/transfers.controller';
import { TransfersRepository } from './transfers/transfers.repository';
import { TransfersService } from './transfers/transfers.service';
import { OrderHoldReleasesConsumer } from './order-holds/order-hold-releases.consumer';
import { OrderHoldsController } from './order-holds/order-holds.controller';
import { OrderHoldsRepository } from './order-holds/order-holds.repository';
import { OrderHoldsService } from './order-holds/order-holds.service';

/**
 * Double-entry accounts and two-phase transfers, deposits and withdrawals, holds on the buyer's
 * money for each trade, energy deliveries settled on metering, ride booking holds, statements
 * and the invariant check.
 */
@Module({})
export class SettlementModule {
  static forRoot(config: SettlementConfig): DynamicModule {
    return {
      module: SettlementModule,
      imports: statefulServiceImports({
        service: 'settlement',
        schema: 'settlement',
        config,
        publishes: [STREAMS.settlement],
        // Holds and booking releases are entries as their events; transfers through TransferEntries.
        ledger: {
          submitter: 'settlement',
          genesisFile: config.LEDGER_GENESIS_FILE,
          keyFile: config.LEDGER_SUBMITTER_KEY_FILE,
          events: [
            { subject: HoldPlaced.subject, type: 'settlement.hold' },
            { subject: BookingHoldPlaced.subject, type: 'settlement.booking-hold' },
            { subject: BookingHoldReleased.subject, type: 'settlement.booking-release' },
          ],
        },
      }),
      controllers: [createHealthController('settlement'), AccountsController, DepositsController, BookingHoldsController, TransfersController, ReportsController, OrderHoldsController],
      providers: [
        { provide: SETTLEMENT_CONFIG, useValue: config },
        AccountsRepository,
        DepositsService,
        HoldsService,
        TradeHoldsConsumer,
        BookingHoldsRepository,
        BookingHoldsService,
        TransfersRepository,
        TransferEngine,
        TransferEntries,
        LedgerCommitsConsumer,
        TransfersService,
        TimeoutSweeper,
        DeliveriesRepository,
        DeliveriesService,
        DeliveriesConsumers,
        DeliverySweeper,
        StatementsService,
        PayoutsService,
        DailyPayouts,
        OrderHoldsRepository,
        OrderHoldsService,
        OrderHoldReleasesConsumer,
      ],
    };
  }
}
