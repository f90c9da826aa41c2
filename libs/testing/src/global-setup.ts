import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureChromium, ensureEnvironment, ensureNatsServerBinary, ensureServiceLogins, localDataDir, BootstrapError, type Environment } from '@ampool/bootstrap';
import { applyMigrations, createDatabase, dropDatabase, listDatabases } from '@ampool/persistence';
import { repoRoot } from './repo-root';
import { writeTestEnv, readTestEnv } from './test-env';

declare global {
  var __ampoolEnvironment: Environment | undefined;
}

const STALE_AFTER_MS = 6 * 3600_000;

/**
 * Runs once per `npm test` in Jest's main process, before any integration or e2e file:
 * PostgreSQL and NATS are reused or started; a fresh template database is migrated; the apps
 * are built so e2e tests can start them as real processes.
 */
export default async function globalSetup(): Promise<void> {
  try {
    readTestEnv();
    return; // the other project of this run already did it
  } catch {
    // first project: set up below
  }
  const root = repoRoot();
  const log = (line: string) => process.stderr.write(`[test env] ${line}\n`);
  try {
    const env = await ensureEnvironment({
      databaseUrl: process.env.DATABASE_URL,
      natsUrl: process.env.NATS_URL,
      dataDir: localDataDir(root),
      log,
    });
    globalThis.__ampoolEnvironment = env;
    const natsServerBin = ensureNatsServerBinary(log);
    // The dashboard's browser test needs Chromium; without it only that test fails, with this message.
    try {
      ensureChromium(log);
    } catch (error) {
      log((error as Error).message);
    }

    // Databases of runs that were killed before their teardown.
    const now = Date.now();
    for (const name of await listDatabases(env.postgres.serverUrl, 'ampool_t')) {
      const stamp = Number(/^ampool_t(\d+)_/.exec(name)?.[1] ?? now) * 1000;
      if (now - stamp > STALE_AFTER_MS) await dropDatabase(env.postgres.serverUrl, name);
    }

    const dbPrefix = `ampool_t${Math.floor(now / 1000)}_${process.pid}`;
    const templateDb = `${dbPrefix}_template`;
    const templateUrl = await createDatabase(env.postgres.serverUrl, templateDb);
    await applyMigrations(templateUrl, join(root, 'prisma', 'migrations'));
    // Services in e2e tests log in as their own roles, as in production.
    const servicePassword = randomBytes(18).toString('base64url');
    await ensureServiceLogins(env.postgres.serverUrl, templateUrl, servicePassword);
    writeTestEnv({ serverUrl: env.postgres.serverUrl, templateDb, dbPrefix, natsServerBin, servicePassword });

    const build = spawnSync(process.execPath, [join(root, 'infra', 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
  } catch (error) {
    if (error instanceof BootstrapError) {
      process.stderr.write(`\n${error.message}\n\n`);
      process.exit(1);
    }
    throw error;
  }
}
