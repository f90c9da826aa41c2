import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { createHealthController, MessagingModule } from '@ampool/messaging';
import type { SimulatorConfig } from './config';
import { AmpoolClient } from '@ampool/client';
import { runSingleTrade } from './scenarios/single-trade.scenario';

const CONFIG = Symbol('SIMULATOR_CONFIG');

/** Starts the configured scenario once the simulator is up; it runs against the gateway. */
@Injectable()
export class ScenarioRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('scenario');

  constructor(@Inject(CONFIG) private readonly config: SimulatorConfig) {}

  onApplicationBootstrap(): void {
    if (this.config.SCENARIO === 'none') return;
    const { OPERATOR_EMAIL: email, OPERATOR_PASSWORD: password } = this.config;
    if (!email || !password) {
      this.logger.error('the single-trade scenario needs OPERATOR_EMAIL and OPERATOR_PASSWORD to approve and fund its households');
      return;
    }
    const client = new AmpoolClient(this.config.GATEWAY_URL);
    // The scenario's lines are the demo's readable output: plain stdout, one line each.
    const say = (line: string) => process.stdout.write(`[scenario] ${line}\n`);
    void runSingleTrade(client, { email, password }, say, this.config.SCENARIO_TIMEOUT_MS).then(
      (r) => say(r.status === 'committed' ? `done: trade ${r.tradeId} is committed` : `done: trade ${r.tradeId} ended ${r.status}`),
      (error: Error) => this.logger.error(`scenario failed: ${error.message}`),
    );
  }
}

/** The demo's population: today one scenario, driven through the public API. */
@Module({})
export class SimulatorModule {
  static forRoot(config: SimulatorConfig): DynamicModule {
    return {
      module: SimulatorModule,
      imports: [
        MessagingModule.forRoot({
          service: 'simulator',
          servers: config.NATS_URL,
          instance: config.INSTANCE_ID,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          user: config.NATS_USER,
          pass: config.NATS_PASSWORD,
        }),
      ],
      controllers: [createHealthController('simulator')],
      providers: [{ provide: CONFIG, useValue: config }, ScenarioRunner],
    };
  }
}
