import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { Health, SERVICES } from '@ampool/contracts';
import { checkNats, NATS_CONNECTION, RpcClient } from '@ampool/messaging';
import { Access, Unthrottled } from '../auth/auth.decorators';

/** Services whose health the gateway reports (the simulator is a client, not a service). */
const BACKEND = SERVICES.filter((s) => s !== 'simulator');

@Controller('health')
@Access('public')
@Unthrottled()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  /** The gateway itself: ready when its NATS connection answers. */
  @Get()
  @HealthCheck()
  self() {
    return this.health.check([
      async () => {
        const i = this.indicators.check('nats');
        return (await checkNats(this.nc)) === 'up' ? i.up() : i.down();
      },
    ]);
  }

  /** Every backend service, as each reports itself over `rpc.<service>.health`. */
  @Get('services')
  @HealthCheck()
  services() {
    return this.health.check(
      BACKEND.map((service) => async () => {
        const i = this.indicators.check(service);
        try {
          const report = await this.rpc.request(Health[service], {}, { timeoutMs: 2_000 });
          return report.status === 'up' ? i.up({ instance: report.instance, checks: report.checks }) : i.down({ checks: report.checks });
        } catch (error) {
          return i.down({ message: (error as Error).message });
        }
      }),
    );
  }
}
