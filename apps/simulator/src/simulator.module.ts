import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { createHealthController, MessagingModule, NATS_CONNECTION } from '@ampool/messaging';
import type { SimulatorConfig } from './config';
import { AmpoolClient, loginOperator } from '@ampool/client';
import { runSingleTrade } from './scenarios/single-trade.scenario';
import { runPopulation } from './run/population.runner';

const CONFIG = Symbol('SIMULATOR_CONFIG');

/** Starts the configured scenario once the simulator is up; it runs against the gateway. */
@Injectable()
export class ScenarioRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('scenario');

  constructor(
    @Inject(CONFIG) private readonly config: SimulatorConfig,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SCENARIO === 'none') return;
    const { OPERATOR_EMAIL: email, OPERATOR_PASSWORD: password } = this.config;
    if (!email || !password) {
      this.logger.error(`the ${this.config.SCENARIO} scenario needs OPERATOR_EMAIL and OPERATOR_PASSWORD to approve and fund its participants`);
      return;
    }
    const client = new AmpoolClient(this.config.GATEWAY_URL);
    // The scenario's lines are the demo's readable output: plain stdout, one line each.
    if (this.config.SCENARIO === 'population') {
      const say = (line: string) => process.stdout.write(`[sim] ${line}\n`);
      void this.population(client, email, password, say).catch((error: Error) => say(`failed: ${error.message}`));
      return;
    }
    const say = (line: string) => process.stdout.write(`[scenario] ${line}\n`);
    void runSingleTrade(client, { email, password }, say, this.config.SCENARIO_TIMEOUT_MS).then(
      (r) => say(r.status === 'committed' ? `done: trade ${r.tradeId} is committed` : `done: trade ${r.tradeId} ended ${r.status}`),
      (error: Error) => this.logger.error(`scenario failed: ${error.message}`),
    );
  }

  private async population(client: AmpoolClient, email: string, password: string, say: (line: string) => void): Promise<void> {
    const c = this.config;
    await waitForGateway(client, Date.now() + c.SCENARIO_TIMEOUT_MS);
    const operator = await loginOperator(client, email, password);
    const interval = 15 * 60_000;
    const startMs = c.SIM_START
      ? Date.parse(c.SIM_START)
      : c.SIM_MODE === 'live'
        ? Math.floor(Date.now() / interval) * interval
        : Math.floor(Date.now() / 86_400_000) * 86_400_000;
    await runPopulation(client, operator, this.nc, {
      mode: c.SIM_MODE, households: c.SIM_HOUSEHOLDS, drivers: c.SIM_DRIVERS, riders: c.SIM_RIDERS, seed: c.SIM_SEED,
      zones: c.SIM_ZONES.split(','), band: { feedInMicroPerKwh: 70_000n, retailMicroPerKwh: 300_000n }, intervalMinutes: 15,
      startMs, rate: c.SIM_RATE, days: c.SIM_DAYS, concurrency: c.SIM_CONCURRENCY, reportDir: c.REPORT_DIR,
    }, say);
    say('done');
  }
}

async function waitForGateway(client: AmpoolClient, deadline: number): Promise<void> {
  for (;;) {
    try {
      await client.get('/health/services');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`services not healthy in time: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The demo's population, driven through the public API: one scenario, or the whole neighbourhood and city. */
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
