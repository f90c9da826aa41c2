import { ConsoleLogger, type DynamicModule, type INestMicroservice, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { ServiceName } from '@ampool/contracts';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Log levels up to and including `level`. */
export function logLevelsUpTo(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose'): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

export interface StartServiceOptions {
  service: ServiceName;
  module: DynamicModule;
  servers: string[];
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  user?: string;
  pass?: string;
}

/**
 * Boots a NATS microservice: RPC handlers subscribe in the queue group named after the
 * service (so instances share the load), consumers and the relay start, and SIGTERM/SIGINT
 * shut everything down in order.
 */
export async function startService(options: StartServiceOptions): Promise<INestMicroservice> {
  const logger = new ConsoleLogger({ prefix: options.service, logLevels: logLevelsUpTo(options.logLevel) });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(options.module, {
    transport: Transport.NATS,
    options: {
      servers: options.servers,
      queue: options.service,
      name: `${options.service}-rpc-${process.pid}`,
      user: options.user,
      pass: options.pass,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    },
    logger,
  });
  app.enableShutdownHooks();
  await app.listen();
  logger.log(`${options.service} ready (pid ${process.pid})`);
  return app;
}
