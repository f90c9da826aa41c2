import { Injectable } from '@nestjs/common';
import { Health, SERVICES, type LiveHealth } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';

/** Services whose health the gateway reports (the simulator is a client, not a service). */
export const BACKEND = SERVICES.filter((s) => s !== 'simulator');

/** Asks every backend service for its own health report, in parallel, each with a short timeout. */
@Injectable()
export class ServiceHealth {
  constructor(private readonly rpc: RpcClient) {}

  async check(timeoutMs = 2_000): Promise<LiveHealth['services']> {
    return Promise.all(
      BACKEND.map(async (service) => {
        try {
          const report = await this.rpc.request(Health[service], {}, { timeoutMs });
          return { service, status: report.status, instance: report.instance, checks: report.checks, error: null };
        } catch (error) {
          return { service, status: 'down' as const, instance: null, checks: {}, error: (error as Error).message };
        }
      }),
    );
  }
}
