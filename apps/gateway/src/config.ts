import { z } from 'zod';
import { intFromEnv, instanceId, logLevel, natsServers } from '@ampool/config';

/** The gateway's environment. It keeps no state of its own, so it has no database. */
export const gatewayConfig = z.object({
  NATS_URL: natsServers,
  PORT: intFromEnv(1, 65_535, 3000),
  HOST: z.string().default('127.0.0.1'),
  BODY_LIMIT_BYTES: intFromEnv(256, 10_485_760, 65_536),
  RPC_TIMEOUT_MS: intFromEnv(100, 120_000, 5_000),
  LOG_LEVEL: logLevel,
  INSTANCE_ID: instanceId,
});
export type GatewayConfig = z.output<typeof gatewayConfig>;
