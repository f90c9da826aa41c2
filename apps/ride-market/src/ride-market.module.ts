import { Module, type DynamicModule } from '@nestjs/common';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import type { RideMarketConfig } from './config';

/**
 * Trips, seat inventory per leg, route-aware search and bookings.
 *
 * Today the service connects to NATS and to its own PostgreSQL schema and answers
 * `rpc.rides.health` with the true state of both; its capability is still to be built.
 */
@Module({})
export class RideMarketModule {
  static forRoot(config: RideMarketConfig): DynamicModule {
    return {
      module: RideMarketModule,
      imports: statefulServiceImports({ service: 'rides', schema: 'rides', config }),
      controllers: [createHealthController('rides')],
    };
  }
}
