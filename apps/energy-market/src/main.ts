import 'reflect-metadata';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { energyMarketConfig } from './config';
import { EnergyMarketModule } from './energy-market.module';

void runMain(async () => {
  const config = loadConfig(energyMarketConfig, process.env);
  await startService({ service: 'energy', module: EnergyMarketModule.forRoot(config), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
