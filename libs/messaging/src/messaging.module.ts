import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ServiceName } from '@ampool/contracts';
import { connectNats, inboxPrefixFor, NATS_CONNECTION } from './nats-connection';
import { RPC_DEFAULT_TIMEOUT_MS, RpcClient } from './rpc/rpc-client';
import { defaultInstance, productVersion, SERVICE_IDENTITY, type ServiceIdentity } from './service-identity';

export interface MessagingOptions {
  service: ServiceName | 'gateway';
  servers: string[];
  instance?: string;
  rpcTimeoutMs: number;
  user?: string;
  pass?: string;
}

/** Drains the NATS connection last, so in-flight replies and acks still go out. */
@Injectable()
export class NatsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

/** The service's NATS connection, its identity and the typed RPC client. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const identity: ServiceIdentity = {
      service: options.service as ServiceName,
      instance: options.instance ?? defaultInstance(),
      version: productVersion(),
      startedAt: Date.now(),
    };
    return {
      module: MessagingModule,
      providers: [
        { provide: SERVICE_IDENTITY, useValue: identity },
        { provide: RPC_DEFAULT_TIMEOUT_MS, useValue: options.rpcTimeoutMs },
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connectNats({
              servers: options.servers,
              name: `${options.service}-${identity.instance}`,
              user: options.user,
              pass: options.pass,
              inboxPrefix: options.user ? inboxPrefixFor(options.service) : undefined,
            }),
        },
        RpcClient,
        NatsLifecycle,
      ],
      exports: [SERVICE_IDENTITY, NATS_CONNECTION, RPC_DEFAULT_TIMEOUT_MS, RpcClient],
    };
  }
}
