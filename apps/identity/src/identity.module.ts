import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import type { IdentityConfig } from './config';
import { ParticipantsController } from './participants/participants.controller';
import { ParticipantsRepository } from './participants/participants.repository';
import { ParticipantsService } from './participants/participants.service';

/** Participants and their keys. */
@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: statefulServiceImports({ service: 'identity', schema: 'identity', config, publishes: [STREAMS.identity] }),
      controllers: [createHealthController('identity'), ParticipantsController],
      providers: [ParticipantsService, ParticipantsRepository],
    };
  }
}
