/**
 * What global setup hands to test files, through environment variables (Jest workers are
 * started after global setup and inherit its environment).
 */
export interface TestEnv {
  /** URL of the PostgreSQL server's `postgres` database. */
  serverUrl: string;
  /** A migrated database that per-file databases are copied from. */
  templateDb: string;
  /** Prefix of every database this run creates (dropped at teardown). */
  dbPrefix: string;
  /** Path of the nats-server binary, for tests that start their own. */
  natsServerBin: string;
  /** The password of this run's service login roles (see ensureServiceLogins). */
  servicePassword: string;
}

const KEYS = {
  serverUrl: 'AMPOOL_TEST_SERVER_URL',
  templateDb: 'AMPOOL_TEST_TEMPLATE_DB',
  dbPrefix: 'AMPOOL_TEST_DB_PREFIX',
  natsServerBin: 'AMPOOL_TEST_NATS_SERVER',
  servicePassword: 'AMPOOL_TEST_SERVICE_PASSWORD',
} as const;

export function writeTestEnv(env: TestEnv): void {
  for (const [k, v] of Object.entries(KEYS)) process.env[v] = env[k as keyof TestEnv];
}

export function readTestEnv(): TestEnv {
  const out = {} as TestEnv;
  for (const [k, v] of Object.entries(KEYS)) {
    const value = process.env[v];
    if (!value) throw new Error(`${v} is not set: run integration tests through \`npm test\` (Jest's global setup prepares them)`);
    out[k as keyof TestEnv] = value;
  }
  return out;
}
