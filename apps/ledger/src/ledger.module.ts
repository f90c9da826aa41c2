import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import type { LedgerConfig } from './config';
import { EntriesConsumer } from './entries/entries.consumer';
import { EntriesController } from './entries/entries.controller';
import { EntriesRepository } from './entries/entries.repository';
import { EntriesService } from './entries/entries.service';

/** Records every trade and hold as an append-only entry with the hash of its canonical JSON. */
@Module({})
export class LedgerModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerModule,
      imports: statefulServiceImports({ service: 'ledger', schema: 'ledger', config, publishes: [STREAMS.ledger] }),
      controllers: [createHealthController('ledger'), EntriesController],
      providers: [EntriesRepository, EntriesService, EntriesConsumer],
    };
  }
}
