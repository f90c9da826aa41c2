import { z } from 'zod';
import { intFromEnv, instanceId, logLevel, natsCredentials, natsServers } from '@ampool/config';

/** The gateway's environment. It keeps no state of its own, so it has no database. */
export const gatewayConfig = z.object({
  NATS_URL: natsServers,
  ...natsCredentials,
  PORT: intFromEnv(1, 65_535, 3000),
  HOST: z.string().default('127.0.0.1'),
  BODY_LIMIT_BYTES: intFromEnv(256, 10_485_760, 65_536),
  /** Meter uploads carry up to a day of readings per request: they get a larger limit. */
  METERING_BODY_LIMIT_BYTES: intFromEnv(256, 10_485_760, 1_048_576),
  RPC_TIMEOUT_MS: intFromEnv(100, 120_000, 5_000),
  LOG_LEVEL: logLevel,
  INSTANCE_ID: instanceId,
  /** Requests per second per caller (did, operator or IP); 0 turns the limit off. */
  RATE_LIMIT_PER_SECOND: intFromEnv(0, 1_000_000, 50),
  RATE_LIMIT_BURST: intFromEnv(1, 1_000_000, 100),
  /** Send the session cookie with `Secure`: set to true whenever the gateway is behind TLS. */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Operator live stream: past events kept per subject for a newly connected dashboard. */
  LIVE_BACKLOG_PER_SUBJECT: intFromEnv(0, 10_000, 200),
  /** How often the live stream reports every service's health. */
  LIVE_HEALTH_SECONDS: intFromEnv(1, 3_600, 5),
  /** How often the live stream looks at the next open markets' books and flows (sent only when they changed). */
  LIVE_MARKETS_SECONDS: intFromEnv(1, 3_600, 2),
  /** Most zone books (depth requests) one look may read; the rest is left out of the snapshot. */
  LIVE_MARKETS_MAX_BOOKS: intFromEnv(0, 1_000, 32),
  /** How often a live stream re-checks that its operator session is still valid. */
  LIVE_SESSION_CHECK_SECONDS: intFromEnv(1, 3_600, 30),
  /** Open live streams at most, in all and per operator. */
  LIVE_MAX_STREAMS: intFromEnv(1, 100_000, 200),
  LIVE_MAX_STREAMS_PER_CALLER: intFromEnv(1, 1_000, 4),
  /** A stream whose client has this much unsent data is closed (the client reconnects). */
  LIVE_MAX_BUFFERED_BYTES: intFromEnv(1_024, 1_073_741_824, 1_048_576),
  /** The gateway stops relaying events this long after the last stream closed. */
  LIVE_LINGER_SECONDS: intFromEnv(0, 86_400, 60),
  /** The built dashboard to serve at `/` (default: dist/dashboard next to the gateway). */
  DASHBOARD_DIR: z.string().min(1).optional(),
});
export type GatewayConfig = z.output<typeof gatewayConfig>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
