import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, IdentityCache, statefulServiceImports } from '@ampool/messaging';
import { BatteryStateController } from './batteries/battery-state.controller';
import { BatteryStateRepository } from './batteries/battery-state.repository';
import { METERING_CONFIG, type MeteringConfig } from './config';
import { AnomaliesRepository } from './intervals/anomalies.repository';
import { EstimationSweeper } from './intervals/estimation-sweeper';
import { Finalizer } from './intervals/finalizer.service';
import { IntervalsController } from './intervals/intervals.controller';
import { IntervalsRepository } from './intervals/intervals.repository';
import { DeviceAuthority } from './uploads/device-authority';
import { UploadsController } from './uploads/uploads.controller';
import { UploadsRepository } from './uploads/uploads.repository';
import { UploadsService } from './uploads/uploads.service';
import { BookingLegsConsumer } from './trips/booking-legs.consumer';
import { TripLegsRepository } from './trips/trip-legs.repository';
import { TripLegsSweeper } from './trips/trip-legs.sweeper';
import { TripProofsController } from './trips/trip-proofs.controller';
import { TripProofsService } from './trips/trip-proofs.service';

/**
 * Signed meter readings and DSMR P1 telegrams in, finalized interval energy and anomalies out.
 * Trip proofs: the legs of confirmed bookings (learned from the ride market's events), the
 * parties' signed pick-up and drop-off confirmations, and the verdicts settlement pays on.
 */
@Module({})
export class MeteringModule {
  static forRoot(config: MeteringConfig): DynamicModule {
    return {
      module: MeteringModule,
      imports: statefulServiceImports({ service: 'metering', schema: 'metering', config, publishes: [STREAMS.metering] }),
      controllers: [createHealthController('metering'), UploadsController, IntervalsController, TripProofsController, BatteryStateController],
      providers: [
        { provide: METERING_CONFIG, useValue: config },
        IdentityCache,
        DeviceAuthority,
        UploadsRepository,
        UploadsService,
        IntervalsRepository,
        AnomaliesRepository,
        Finalizer,
        EstimationSweeper,
        TripLegsRepository,
        TripProofsService,
        BookingLegsConsumer,
        TripLegsSweeper,
        BatteryStateRepository,
      ],
    };
  }
}
