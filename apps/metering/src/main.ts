import 'reflect-metadata';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { meteringConfig } from './config';
import { MeteringModule } from './metering.module';

void runMain(async () => {
  const config = loadConfig(meteringConfig, process.env);
  await startService({ service: 'metering', module: MeteringModule.forRoot(config), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
