import 'reflect-metadata';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { ridesConfig } from './config';
import { RideMarketModule } from './ride-market.module';

void runMain(async () => {
  const config = loadConfig(ridesConfig, process.env);
  await startService({ service: 'rides', module: RideMarketModule.forRoot(config), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
