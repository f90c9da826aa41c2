import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, HEALTH_CHECKS, statefulServiceImports } from '@ampool/messaging';
import { VALIDATOR_SETTINGS, type LedgerConfig, type ValidatorSettings } from './config';
import { LedgerController } from './api/ledger.controller';
import { ChainStore } from './chain/chain.store';
import { ValidatorLease } from './chain/validator-lease.service';
import { ValidatorService } from './chain/validator.service';

/**
 * One ledger validator: orders entries by the submit stream, cuts and stores blocks in its
 * own schema, signs them, and collects the other validators' signatures until a quorum makes
 * each block final. The services sign and submit their own entries; a validator submits none.
 * A member may run several instances: the one holding its lease validates, the others stand by.
 */
@Module({})
export class LedgerModule {
  static forRoot(config: LedgerConfig, settings: ValidatorSettings): DynamicModule {
    return {
      module: LedgerModule,
      imports: statefulServiceImports({ service: 'ledger', schema: 'ledger', config, publishes: [STREAMS.ledger, STREAMS.ledgerSubmit, STREAMS.ledgerVotes] }),
      controllers: [createHealthController('ledger'), LedgerController],
      providers: [
        { provide: VALIDATOR_SETTINGS, useValue: settings },
        { provide: ChainStore, useFactory: () => ChainStore.connect(settings.databaseUrl, settings.schema, Math.min(settings.poolMax, 4), `ledger-${settings.name}`) },
        ValidatorService,
        ValidatorLease,
        // The health report names the role: `validator` (holds the member's lease) or `standby`.
        { provide: HEALTH_CHECKS, useExisting: ValidatorLease },
      ],
    };
  }
}
