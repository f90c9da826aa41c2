import 'reflect-metadata';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { simulatorConfig } from './config';
import { SimulatorModule } from './simulator.module';

void runMain(async () => {
  const config = loadConfig(simulatorConfig, process.env);
  await startService({ service: 'simulator', module: SimulatorModule.forRoot(config), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
