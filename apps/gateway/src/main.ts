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
import { defaultDashboardDir, serveDashboard } from './dashboard/static';

void runMain(async () => {
  const config = loadConfig(gatewayConfig, process.env);
  const logger = new ConsoleLogger({ prefix: 'gateway', logLevels: logLevelsUpTo(config.LOG_LEVEL) });
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), { logger, bodyParser: false });
  // The metering uploads' parser runs first; the general one then sees the body already parsed.
  app.use('/v1/metering', json({ limit: config.METERING_BODY_LIMIT_BYTES, strict: true, verify: keepRawUtf8Body }));
  app.use(json({ limit: config.BODY_LIMIT_BYTES, strict: true, verify: keepRawUtf8Body }));
  app.disable('x-powered-by');
  const dashboardDir = config.DASHBOARD_DIR ?? defaultDashboardDir();
  if (!serveDashboard(app, dashboardDir)) logger.warn(`no dashboard at ${dashboardDir} (run the build); serving the API only`);
  app.enableShutdownHooks();
  // Keep idle connections longer than clients and proxies do (60 s is common), so the server
  // never closes a socket that a client is just reusing; headers must then time out later.
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await app.listen(config.PORT, config.HOST);
  logger.log(`gateway listening on http://${config.HOST}:${config.PORT}`);
});
