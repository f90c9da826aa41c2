import 'reflect-metadata';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { settlementConfig } from './config';
import { SettlementModule } from './settlement.module';

void runMain(async () => {
  const config = loadConfig(settlementConfig, process.env);
  await startService({ service: 'settlement', module: SettlementModule.forRoot(config), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
