import { z } from 'zod';

/** Shared field types for the apps' configuration schemas. */

/** A PostgreSQL connection URL. */
export const postgresUrl = z
  .string({ error: 'is required' })
  .refine((s) => /^postgres(ql)?:\/\/[^\s]+$/.test(s) && URL.canParse(s), 'must be a postgresql:// URL');

/** One or more NATS server URLs, comma-separated. */
export const natsServers = z
  .string()
  .default('nats://127.0.0.1:4222')
  .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((u) => /^(nats|tls|ws|wss):\/\/[^\s]+$/.test(u) && URL.canParse(u)), 'must be nats:// URLs, comma-separated');

/** A whole number from a decimal string, within bounds. */
export function intFromEnv(min: number, max: number, fallback: number) {
  return z
    .string()
    .default(String(fallback))
    .refine((s) => /^[0-9]+$/.test(s), 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
}

/** Nest log levels, least to most verbose. */
export const logLevel = z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log');

/** A short name for this process among instances of the same service. */
export const instanceId = z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'must be 1-40 chars of letters, digits, _ or -').optional();

/** NATS credentials: a service connects as its own user when the server enforces permissions. */
export const natsCredentials = {
  NATS_USER: z.string().regex(/^[a-z]{1,32}$/, 'must be a lower-case user name').optional(),
  NATS_PASSWORD: z.string().min(1).max(256).optional(),
};

/** The fields every service shares. */
export const serviceEnv = {
  DATABASE_URL: postgresUrl,
  NATS_URL: natsServers,
  ...natsCredentials,
  LOG_LEVEL: logLevel,
  INSTANCE_ID: instanceId,
  RPC_TIMEOUT_MS: intFromEnv(100, 120_000, 5_000),
  DB_POOL_MAX: intFromEnv(1, 100, 10),
  /** `system`: the machine's clock. `shared`: simulated time from the clock bucket (demo and load runs). */
  CLOCK: z.enum(['system', 'shared']).default('system'),
};

/**
 * A service that signs its own ledger entries: the ledger's genesis and the service's secret
 * key (64 hex digits), both or neither (neither: it submits nothing).
 */
export const ledgerSubmitterEnv = {
  LEDGER_GENESIS_FILE: z.string().min(1).optional(),
  LEDGER_SUBMITTER_KEY_FILE: z.string().min(1).optional(),
};
