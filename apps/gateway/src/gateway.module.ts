import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingModule } from '@ampool/messaging';
import type { GatewayConfig } from './config';
import { EnergyController } from './energy/energy.controller';
import { HealthController } from './health/health.controller';
import { ContractProxy } from './http/contract-proxy';
import { ErrorFilter } from './http/error.filter';
import { ParticipantsController } from './identity/participants.controller';
import { LedgerController } from './ledger/ledger.controller';
import { SettlementController } from './settlement/settlement.controller';

/** The public HTTP API: validates at the edge, then asks the services over NATS. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        MessagingModule.forRoot({ service: 'gateway', servers: config.NATS_URL, instance: config.INSTANCE_ID, rpcTimeoutMs: config.RPC_TIMEOUT_MS }),
      ],
      controllers: [HealthController, ParticipantsController, SettlementController, EnergyController, LedgerController],
      providers: [{ provide: APP_FILTER, useClass: ErrorFilter }, ContractProxy],
    };
  }
}
