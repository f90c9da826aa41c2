import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createPrismaClient, PrismaClient } from './prisma-client';
import { OutboxStore } from './outbox.store';
import { ProcessedEventsStore } from './processed-events.store';
import type { ServiceSchema } from './service-schema';

export interface PersistenceOptions {
  databaseUrl: string;
  schema: ServiceSchema;
  poolMax?: number;
  applicationName?: string;
}

export const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');

/**
 * Owns the service's Prisma client and closes its pool at the very end of shutdown, after
 * consumers and the outbox relay (stopped in onModuleDestroy) have finished their work.
 */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
  }
}

/**
 * The database for one service: a Prisma client, the service's outbox and its
 * processed-events table. Repositories inject `PrismaClient`; services inject repositories.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: PERSISTENCE_OPTIONS, useValue: options },
        {
          provide: PrismaClient,
          useFactory: () =>
            createPrismaClient({ databaseUrl: options.databaseUrl, poolMax: options.poolMax, applicationName: options.applicationName }),
        },
        { provide: OutboxStore, useValue: new OutboxStore(options.schema) },
        { provide: ProcessedEventsStore, useValue: new ProcessedEventsStore(options.schema) },
        DatabaseLifecycle,
      ],
      exports: [PERSISTENCE_OPTIONS, PrismaClient, OutboxStore, ProcessedEventsStore],
    };
  }
}
