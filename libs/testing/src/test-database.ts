import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from '@ampool/persistence';
import { readTestEnv } from './test-env';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a copy of the run's template, so every file
 * starts from an empty schema and files running in parallel never see each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const env = readTestEnv();
  const name = `${env.dbPrefix}_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(env.serverUrl, name, env.templateDb);
  return { url, name, drop: () => dropDatabase(env.serverUrl, name) };
}
