import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMS } from '@ampool/contracts';
import { createHealthController, statefulServiceImports } from '@ampool/messaging';
import { AuditRepository } from './audit/audit.repository';
import { ChallengesController } from './challenges/challenges.controller';
import { ChallengesRepository } from './challenges/challenges.repository';
import { ChallengesService } from './challenges/challenges.service';
import { IDENTITY_CONFIG, type IdentityConfig } from './config';
import { DevicesController } from './devices/devices.controller';
import { DevicesRepository } from './devices/devices.repository';
import { DevicesService } from './devices/devices.service';
import { KeysController } from './keys/keys.controller';
import { KeysRepository } from './keys/keys.repository';
import { KeysService } from './keys/keys.service';
import { OperatorsController } from './operators/operators.controller';
import { OperatorsRepository } from './operators/operators.repository';
import { OperatorsService } from './operators/operators.service';
import { ParticipantsController } from './participants/participants.controller';
import { ParticipantsRepository } from './participants/participants.repository';
import { ParticipantsService } from './participants/participants.service';

/** Participants, devices and their keys; operator accounts and sessions; the audit trail. */
@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: statefulServiceImports({ service: 'identity', schema: 'identity', config, publishes: [STREAMS.identity] }),
      controllers: [createHealthController('identity'), ChallengesController, ParticipantsController, DevicesController, KeysController, OperatorsController],
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        AuditRepository,
        ChallengesRepository,
        ChallengesService,
        ParticipantsRepository,
        ParticipantsService,
        DevicesRepository,
        DevicesService,
        KeysRepository,
        KeysService,
        OperatorsRepository,
        OperatorsService,
      ],
    };
  }
}
