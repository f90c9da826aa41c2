import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { loadConfig, runMain } from '@ampool/config';
import { logLevelsUpTo } from '@ampool/messaging';
import { gatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { keepRawUtf8Body } from './http/raw-body';

void runMain(async () => {
  const config = loadConfig(gatewayConfig, process.env);
  const logger = new ConsoleLogger({ prefix: 'gateway', logLevels: logLevelsUpTo(config.LOG_LEVEL) });
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), { logger, bodyParser: false });
  app.use(json({ limit: config.BODY_LIMIT_BYTES, strict: true, verify: keepRawUtf8Body }));
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.log(`gateway listening on http://${config.HOST}:${config.PORT}`);
});
