import { z } from 'zod';
import { instanceId, intFromEnv, logLevel, natsCredentials, natsServers } from '@ampool/config';

/** The simulator's environment: it is a client of the public API, with no database. */
export const simulatorConfig = z.object({
  NATS_URL: natsServers,
  ...natsCredentials,
  GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:3000'),
  /**
   * What to run at start: `single-trade` (one household sells 2 kWh to another, on the machine's
   * clock), `population` (the neighbourhood and the city on shared simulated time) or `none`.
   */
  SCENARIO: z.enum(['single-trade', 'population', 'none']).default('single-trade'),
  SCENARIO_TIMEOUT_MS: intFromEnv(1_000, 600_000, 60_000),
  /** The operator account the simulator uses to approve and fund its population. */
  OPERATOR_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  OPERATOR_PASSWORD: z.string().min(1).optional(),
  /** Population: `live` flows at SIM_RATE until stopped; `headless` steps through SIM_DAYS as fast as it can and writes a report. */
  SIM_MODE: z.enum(['live', 'headless']).default('live'),
  SIM_HOUSEHOLDS: intFromEnv(1, 100_000, 50),
  SIM_DRIVERS: intFromEnv(0, 10_000, 30),
  SIM_RIDERS: intFromEnv(0, 100_000, 100),
  SIM_SEED: intFromEnv(0, 2_147_483_647, 1),
  /** Simulated days of a headless run (a decimal: 0.25 is six hours). */
  SIM_DAYS: z
    .string()
    .default('7')
    .refine((s) => /^[0-9]+(\.[0-9]+)?$/.test(s), 'must be a number of days')
    .transform(Number)
    .refine((n) => n > 0 && n <= 366, 'must be more than 0 and at most 366'),
  /** Simulated ms per real ms in live runs: 90 is one 15-minute interval every 10 seconds. */
  SIM_RATE: intFromEnv(1, 100_000, 90),
  /** Simulated start (ISO instant on a 15-minute boundary); default: now (live) or today 00:00 UTC (headless). */
  SIM_START: z.iso.datetime({ offset: true }).optional(),
  /** Zones of the neighbourhood's market area, comma-separated (the simulator configures the area). */
  SIM_ZONES: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}(,[a-z0-9][a-z0-9-]{0,39})*$/).default('centrum,oost,haven'),
  /** Requests in flight at once. */
  SIM_CONCURRENCY: intFromEnv(1, 1_000, 16),
  /** Where a headless run writes its report. */
  REPORT_DIR: z.string().min(1).default('.ampool/reports/latest'),
  RPC_TIMEOUT_MS: intFromEnv(100, 120_000, 5_000),
  LOG_LEVEL: logLevel,
  INSTANCE_ID: instanceId,
});
export type SimulatorConfig = z.output<typeof simulatorConfig>;
