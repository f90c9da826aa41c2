import { z } from 'zod';
import { instanceId, intFromEnv, logLevel, natsCredentials, natsServers } from '@ampool/config';

/** The simulator's environment: it is a client of the public API, with no database. */
export const simulatorConfig = z.object({
  NATS_URL: natsServers,
  ...natsCredentials,
  GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('http://127.0.0.1:3000'),
  /** Which scenario to run at start: `single-trade` (one household sells 2 kWh to another) or `none`. */
  SCENARIO: z.enum(['single-trade', 'none']).default('single-trade'),
  SCENARIO_TIMEOUT_MS: intFromEnv(1_000, 600_000, 60_000),
  /** The operator account the simulator uses to approve and fund its households. */
  OPERATOR_EMAIL: z.email({ error: 'must be an email address' }).optional(),
  OPERATOR_PASSWORD: z.string().min(1).optional(),
  RPC_TIMEOUT_MS: intFromEnv(100, 120_000, 5_000),
  LOG_LEVEL: logLevel,
  INSTANCE_ID: instanceId,
});
export type SimulatorConfig = z.output<typeof simulatorConfig>;
