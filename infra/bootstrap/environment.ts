import { join } from 'node:path';
import { ensureNats, type NatsServer } from './nats';
import { ensurePostgres, type PostgresServer } from './postgres';

/** PostgreSQL and NATS, reused or started here, and how to stop what was started. */
export interface Environment {
  postgres: PostgresServer;
  nats: NatsServer;
  stop(): Promise<void>;
}

export interface EnvironmentOptions {
  /** From DATABASE_URL: a server URL whose database part is ignored. */
  databaseUrl?: string;
  /** From NATS_URL. */
  natsUrl?: string;
  /** Folder for anything started here (`<repo>/.ampool`). */
  dataDir: string;
  log: (line: string) => void;
}

/** The one bootstrap used by `npm run demo` and by the test suite. */
export async function ensureEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const [postgres, nats] = await Promise.all([
    ensurePostgres({ url: options.databaseUrl, dataDir: options.dataDir, log: options.log }),
    ensureNats({ url: options.natsUrl, dataDir: options.dataDir, log: options.log }),
  ]);
  return {
    postgres,
    nats,
    stop: async () => {
      await Promise.all([postgres.stop(), nats.stop()]);
    },
  };
}

/** `<repo>/.ampool`, where locally started servers keep their data. */
export function localDataDir(repoRoot: string): string {
  return join(repoRoot, '.ampool');
}
