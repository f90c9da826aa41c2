import 'reflect-metadata';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { ledgerConfig } from './config';
import { LedgerModule } from './ledger.module';

void runMain(async () => {
  const config = loadConfig(ledgerConfig, process.env);
  await startService({ service: 'ledger', module: LedgerModule.forRoot(config), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
