import { Controller, Inject, Optional, type Type } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Health, type HealthReport, type ServiceName } from '@ampool/contracts';
import { PrismaClient } from '@ampool/persistence';
import { NATS_CONNECTION } from '../nats-connection';
import { RpcHandler } from '../rpc/rpc-handler.decorator';
import { SERVICE_IDENTITY, type ServiceIdentity } from '../service-identity';
import { checkDatabase, checkJetStream, checkNats } from './health-checks';

/**
 * The `rpc.<service>.health` handler: checks each dependency now and reports `down` if any
 * is down. Every instance answers for itself (the request goes to one of the queue group).
 */
export function createHealthController(service: ServiceName): Type<unknown> {
  @Controller()
  class HealthController {
    constructor(
      @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
      @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
      @Optional() @Inject(PrismaClient) private readonly prisma?: PrismaClient,
    ) {}

    @RpcHandler(Health[service])
    async health(): Promise<HealthReport> {
      const checks: Record<string, 'up' | 'down'> = {
        nats: await checkNats(this.nc),
        jetstream: await checkJetStream(this.nc),
      };
      if (this.prisma) checks.database = await checkDatabase(this.prisma);
      return {
        service,
        instance: this.identity.instance,
        status: Object.values(checks).every((s) => s === 'up') ? 'up' : 'down',
        checks,
        version: this.identity.version,
        uptimeMs: Date.now() - this.identity.startedAt,
      };
    }
  }
  return HealthController;
}
