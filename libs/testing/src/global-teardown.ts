import { dropDatabase, listDatabases } from '@ampool/persistence';
import { readTestEnv } from './test-env';

/** Drops every database this run created and stops servers that setup started. */
export default async function globalTeardown(): Promise<void> {
  let env;
  try {
    env = readTestEnv();
  } catch {
    return;
  }
  if (!globalThis.__ampoolEnvironment) return; // the other project of this run tears down
  for (const name of await listDatabases(env.serverUrl, env.dbPrefix)) await dropDatabase(env.serverUrl, name);
  await globalThis.__ampoolEnvironment.stop();
  globalThis.__ampoolEnvironment = undefined;
}
