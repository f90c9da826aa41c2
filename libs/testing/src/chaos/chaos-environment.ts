import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureNatsServerBinary, ensureServiceLogins } from '@ampool/bootstrap';
import { applyMigrations, createDatabase } from '@ampool/persistence';
import { repoRoot } from '../repo-root';
import { readTestEnv, writeTestEnv, type TestEnv } from '../test-env';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres';

export interface ChaosEnvironment {
  postgres: PrivatePostgres;
  /** Puts back the test environment that was in place before (Jest workers run other files after). */
  stop(): Promise<void>;
}

/**
 * Points the test harness (`startTestSystem`) at a private PostgreSQL server with a migrated
 * template and the service logins, as Jest's global setup does for the shared server.
 */
export async function prepareChaosEnvironment(log: (line: string) => void): Promise<ChaosEnvironment> {
  let previous: TestEnv | undefined;
  try {
    previous = readTestEnv();
  } catch {
    previous = undefined;
  }
  const postgres = await startPrivatePostgres(log);
  try {
    const dbPrefix = `ampool_chaos${Math.floor(Date.now() / 1000)}`;
    const templateDb = `${dbPrefix}_template`;
    const templateUrl = await createDatabase(postgres.serverUrl, templateDb);
    await applyMigrations(templateUrl, join(repoRoot(), 'prisma', 'migrations'));
    const servicePassword = randomBytes(18).toString('base64url');
    await ensureServiceLogins(postgres.serverUrl, templateUrl, servicePassword);
    const natsServerBin = previous?.natsServerBin ?? ensureNatsServerBinary(log);
    writeTestEnv({ serverUrl: postgres.serverUrl, templateDb, dbPrefix, natsServerBin, servicePassword });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return {
    postgres,
    stop: async () => {
      if (previous) writeTestEnv(previous);
      await postgres.stop();
    },
  };
}
