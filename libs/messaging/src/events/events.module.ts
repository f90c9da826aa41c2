import { Global, Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { StreamDefinition } from '@ampool/contracts';
import { NATS_CONNECTION } from '../nats-connection';
import { EventConsumers } from './event-consumers';
import { LEDGER_SUBMITTER_OPTIONS, LedgerSubmitter, type LedgerSubmitterOptions } from './ledger-submitter';
import { OutboxRelay } from './outbox-relay';
import { ensureStreams } from './stream-setup';
import { UnitOfWork } from './unit-of-work';

const PUBLISHED_STREAMS = Symbol('PUBLISHED_STREAMS');

/** Makes sure the streams this service publishes to exist before its relay starts. */
@Injectable()
export class PublishedStreams implements OnModuleInit {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PUBLISHED_STREAMS) private readonly streams: StreamDefinition[],
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.streams.length > 0) await ensureStreams(await jetstreamManager(this.nc), this.streams);
  }
}

/**
 * Events for a stateful service: the outbox relay, durable consumers and the unit of work.
 * Needs PersistenceModule and MessagingModule.
 */
@Global()
@Module({})
export class EventsModule {
  static forRoot(options: { publishes: StreamDefinition[]; ledger?: LedgerSubmitterOptions }): DynamicModule {
    return {
      module: EventsModule,
      providers: [
        { provide: PUBLISHED_STREAMS, useValue: options.publishes },
        { provide: LEDGER_SUBMITTER_OPTIONS, useValue: options.ledger ?? null },
        PublishedStreams,
        LedgerSubmitter,
        OutboxRelay,
        EventConsumers,
        UnitOfWork,
      ],
      exports: [OutboxRelay, EventConsumers, UnitOfWork, LedgerSubmitter],
    };
  }
}
