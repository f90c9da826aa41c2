import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { IdentityCache, MessagingModule } from '@ampool/messaging';
import { AuthGuard } from './auth/auth.guard';
import { NonceStore } from './auth/nonce-store.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { OperatorController } from './identity/operator.controller';
import { WhoamiController } from './identity/whoami.controller';
import { EnergyController } from './energy/energy.controller';
import { HealthController } from './health/health.controller';
import { ContractProxy } from './http/contract-proxy';
import { ErrorFilter } from './http/error.filter';
import { ParticipantsController } from './identity/participants.controller';
import { LedgerController } from './ledger/ledger.controller';
import { LiveController } from './live/live.controller';
import { LiveFeed } from './live/live-feed.service';
import { MarketWatch } from './live/market-watch';
import { ServiceHealth } from './health/service-health';
import { MeteringController } from './metering/metering.controller';
import { RidesController } from './rides/rides.controller';
import { RideMapController } from './rides/ride-map.controller';
import { TripProofsController } from './rides/trip-proofs.controller';
import { SettlementController } from './settlement/settlement.controller';

/** The public HTTP API: validates at the edge, then asks the services over NATS. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        MessagingModule.forRoot({
          service: 'gateway',
          servers: config.NATS_URL,
          instance: config.INSTANCE_ID,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          user: config.NATS_USER,
          pass: config.NATS_PASSWORD,
        }),
      ],
      controllers: [HealthController, WhoamiController, ParticipantsController, OperatorController, SettlementController, EnergyController, MeteringController, LedgerController, RidesController, RideMapController, LiveController, TripProofsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        ContractProxy,
        IdentityCache,
        NonceStore,
        ServiceHealth,
        LiveFeed,
        MarketWatch,
      ],
    };
  }
}
