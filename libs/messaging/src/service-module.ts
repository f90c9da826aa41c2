import type { DynamicModule } from '@nestjs/common';
import type { ServiceName, StreamDefinition } from '@ampool/contracts';
import { PersistenceModule, type ServiceSchema } from '@ampool/persistence';
import { ClockModule, type ClockMode } from './clock/clock.module';
import { EventsModule } from './events/events.module';
import type { LedgerSubmitterOptions } from './events/ledger-submitter';
import { MessagingModule } from './messaging.module';

/** The configuration every stateful service reads (see `serviceEnv` in @ampool/config). */
export interface StatefulServiceConfig {
  DATABASE_URL: string;
  NATS_URL: string[];
  INSTANCE_ID?: string;
  RPC_TIMEOUT_MS: number;
  DB_POOL_MAX: number;
  NATS_USER?: string;
  NATS_PASSWORD?: string;
  CLOCK?: ClockMode;
}

/**
 * The modules every stateful service imports: its database schema, its NATS connection and
 * RPC client, the clock its business rules run on (`Clock`), and — when it takes part in
 * events (`publishes` given) — the outbox relay, durable consumers and the unit of work.
 */
export function statefulServiceImports(options: {
  service: ServiceName;
  schema: ServiceSchema;
  config: StatefulServiceConfig;
  publishes?: StreamDefinition[];
  /** The service signs its own ledger entries (its key and the genesis from its configuration). */
  ledger?: LedgerSubmitterOptions;
}): DynamicModule[] {
  const { service, schema, config, publishes, ledger } = options;
  return [
    PersistenceModule.forRoot({ databaseUrl: config.DATABASE_URL, schema, poolMax: config.DB_POOL_MAX, applicationName: service }),
    MessagingModule.forRoot({
      service,
      servers: config.NATS_URL,
      instance: config.INSTANCE_ID,
      rpcTimeoutMs: config.RPC_TIMEOUT_MS,
      user: config.NATS_USER,
      pass: config.NATS_PASSWORD,
    }),
    ClockModule.forRoot(config.CLOCK ?? 'system'),
    ...(publishes ? [EventsModule.forRoot({ publishes, ...(ledger ? { ledger } : {}) })] : []),
  ];
}
