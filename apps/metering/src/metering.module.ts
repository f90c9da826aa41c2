import { Module, type DynamicModule } from '@nestjs/common';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import type { MeteringConfig } from './config';

/**
 * Signed meter readings, DSMR P1 telegrams, interval energy and trip proofs.
 *
 * Today the service connects to NATS and to its own PostgreSQL schema and answers
 * `rpc.metering.health` with the true state of both; its capability is still to be built.
 */
@Module({})
export class MeteringModule {
  static forRoot(config: MeteringConfig): DynamicModule {
    return {
      module: MeteringModule,
      imports: statefulServiceImports({ service: 'metering', schema: 'metering', config }),
      controllers: [createHealthController('metering')],
    };
  }
}
