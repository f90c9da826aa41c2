import 'reflect-metadata';
import { loadConfig, runMain } from '@ampool/config';
import { startService } from '@ampool/messaging';
import { identityConfig } from './config';
import { IdentityModule } from './identity.module';

void runMain(async () => {
  const config = loadConfig(identityConfig, process.env);
  await startService({ service: 'identity', module: IdentityModule.forRoot(config), servers: config.NATS_URL, logLevel: config.LOG_LEVEL, user: config.NATS_USER, pass: config.NATS_PASSWORD });
});
