import { TripMapController } from './map/trip-map.controller';
import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import { BookingBatcher } from './bookings/booking-batcher';
import { BookingSaga } from './bookings/booking-saga.service';
import { BookingTransitions } from './bookings/booking-transitions.service';
import { BookingsController } from './bookings/bookings.controller';
import { BookingsRepository } from './bookings/bookings.repository';
import { HoldReleases } from './bookings/hold-releases';
import { RecoverySweeper } from './bookings/recovery-sweeper';
import { SettlementHolds } from './bookings/settlement-holds.client';
import { TripProofs } from './bookings/trip-proofs';
import { TripVerdictsConsumer } from './bookings/trip-verdicts.consumer';
import { RIDES_CONFIG, type RideMarketConfig } from './config';
import { SearchController } from './search/search.controller';
import { SearchIndex } from './search/search-index.service';
import { TripCache } from './trips/trip-cache';
import { TripsController } from './trips/trips.controller';
import { TripsRepository } from './trips/trips.repository';
import { TripsService } from './trips/trips.service';

/**
 * Trips, seat inventory per leg, route-aware search and bookings: PostgreSQL (schema
 * `rides`) holds trips, legs and bookings; each instance searches its own in-memory index
 * rebuilt from it; settlement holds the money; every transition is an event on EVT_RIDES;
 * metering's trip-proof verdicts complete bookings (or apply the no-show or refund rule).
 */
@Module({})
export class RideMarketModule {
  static forRoot(config: RideMarketConfig): DynamicModule {
    return {
      module: RideMarketModule,
      imports: statefulServiceImports({ service: 'rides', schema: 'rides', config, publishes: [STREAMS.rides] }),
      controllers: [createHealthController('rides'), TripsController, SearchController, BookingsController, TripMapController],
      providers: [
        { provide: RIDES_CONFIG, useValue: config },
        TripCache,
        TripsRepository,
        TripsService,
        SearchIndex,
        BookingsRepository,
        SettlementHolds,
        TripProofs,
        BookingSaga,
        BookingTransitions,
        BookingBatcher,
        RecoverySweeper,
        HoldReleases,
        TripVerdictsConsumer,
      ],
    };
  }
}
