import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { checkNats, NATS_CONNECTION } from '@ampool/messaging';
import { Access, Unthrottled } from '../auth/auth.decorators';
import { ServiceHealth } from './service-health';

@Controller('health')
@Access('public')
@Unthrottled()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly services: ServiceHealth,
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
  async backend() {
    const reports = await this.services.check();
    return this.health.check(
      reports.map((r) => () => {
        const i = this.indicators.check(r.service);
        return r.status === 'up' ? i.up({ instance: r.instance, checks: r.checks }) : i.down(r.error ? { message: r.error } : { checks: r.checks });
      }),
    );
  }
}
