import { Controller, Inject, Optional, type Type } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Health, type HealthReport, type ServiceName } from '@ampool/contracts';
import { PrismaClient } from '@ampool/persistence';
import { NATS_CONNECTION } from '../nats-connection';
import { RpcHandler } from '../rpc/rpc-handler.decorator';
import { SERVICE_IDENTITY, type ServiceIdentity } from '../service-identity';
import { checkDatabase, checkJetStream, checkNats, type CheckState } from './health-checks';

/**
 * Checks a service adds to its health report (provided under {@link HEALTH_CHECKS}): e.g.
 * which role an instance plays now. Each is reported beside the standard ones and counts
 * towards the status the same way.
 */
export interface ExtraHealthChecks {
  checks(): Promise<Record<string, CheckState>> | Record<string, CheckState>;
}
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

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
      @Optional() @Inject(HEALTH_CHECKS) private readonly extra?: ExtraHealthChecks,
    ) {}

    @RpcHandler(Health[service])
    async health(): Promise<HealthReport> {
      const checks: Record<string, 'up' | 'down'> = {
        nats: await checkNats(this.nc),
        jetstream: await checkJetStream(this.nc),
      };
      if (this.prisma) checks.database = await checkDatabase(this.prisma);
      if (this.extra) Object.assign(checks, await this.extra.checks());
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
