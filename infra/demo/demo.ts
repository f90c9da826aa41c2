import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  APP_SERVICE,
  BootstrapError,
  ensureEnvironment,
  localDataDir,
  prepareLedgerMembers,
  repoRoot,
  startApp,
  startValidators,
  ensureServiceLogins,
  tcpAnswers,
  type Environment,
  type ServiceApp,
  type ServiceProcess,
} from '@ampool/bootstrap';
import { applyMigrations, createDatabase, databaseExists, databaseNameOf, databaseUrlFor } from '@ampool/persistence';

/**
 * `npm run demo`: brings up PostgreSQL and NATS (reused or started), migrates the `ampool`
 * database, starts every service and the gateway as separate processes, runs the simulator's
 * scenario, and keeps serving until Ctrl-C — then stops everything it started.
 * `--once` stops after the scenario (exit code 0 only if the trade was committed).
 */
const once = process.argv.includes('--once');
const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);
const passThrough = (chunk: string) => process.stdout.write(chunk);

const BACKEND: ServiceApp[] = ['identity', 'energy-market', 'settlement', 'ledger', 'metering', 'ride-market'];

async function main(): Promise<void> {
  const root = repoRoot();
  const started: ServiceProcess[] = [];
  let environment: Environment | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    // Clients first, then the services, then the servers this demo started (if any).
    for (const group of [started.filter((p) => p.app === 'simulator'), started.filter((p) => p.app === 'gateway'), started.filter((p) => p.app !== 'simulator' && p.app !== 'gateway')]) {
      await Promise.all(group.map((p) => p.stop()));
    }
    await environment?.stop();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  environment = await ensureEnvironment({
    databaseUrl: process.env.DATABASE_URL,
    natsUrl: process.env.NATS_URL,
    dataDir: localDataDir(root),
    log: say,
  });

  const databaseUrl = process.env.DATABASE_URL ?? databaseUrlFor(environment.postgres.serverUrl, 'ampool');
  const dbName = databaseNameOf(databaseUrl);
  if (!(await databaseExists(environment.postgres.serverUrl, dbName))) {
    await createDatabase(environment.postgres.serverUrl, dbName);
    say(`created database ${dbName}`);
  }
  const migrations = await applyMigrations(databaseUrl, join(root, 'prisma', 'migrations'));
  say(`database ${dbName}: ${migrations.applied.length} migration(s) applied, ${migrations.alreadyApplied.length} already there`);

  const port = Number(process.env.PORT ?? 3000);
  if (await tcpAnswers('127.0.0.1', port, 500)) {
    throw new BootstrapError(`Port ${port} is already in use (another demo still running?). Stop it, or run with PORT=<free port> npm run demo.`);
  }

  const env = { DATABASE_URL: databaseUrl, NATS_URL: environment.nats.url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  // A fresh operator password every run: identity resets the bootstrap account to it.
  const operator = { email: 'operator@ampool.local', password: randomBytes(12).toString('base64url') };
  // Each service logs in as its own database role, with rights on its own schema only.
  const logins = await ensureServiceLogins(environment.postgres.serverUrl, databaseUrl, randomBytes(18).toString('base64url'));
  const envFor = (app: ServiceApp) => {
    const own = { ...env, DATABASE_URL: logins[app as keyof typeof logins] ?? databaseUrl };
    return app === 'identity' ? { ...own, BOOTSTRAP_OPERATOR_EMAIL: operator.email, BOOTSTRAP_OPERATOR_PASSWORD: operator.password } : own;
  };
  say(`starting ${BACKEND.length} services…`);
  const t0 = Date.now();
  // The ledger is three validators; their keys and genesis stay under .ampool/ledger (made once, never committed).
  const ledgerMembers = prepareLedgerMembers(join(localDataDir(root), 'ledger'), { keys: 'random', chainId: 'ampool-demo' });
  started.push(
    ...(await Promise.all(
      BACKEND.map((app) => (app === 'ledger' ? startValidators(ledgerMembers, envFor(app), { onOutput: passThrough }) : startApp(app, envFor(app), { onOutput: passThrough }))),
    )),
  );
  started.push(await startApp('gateway', { NATS_URL: env.NATS_URL, LOG_LEVEL: env.LOG_LEVEL, PORT: String(port) }, { onOutput: passThrough }));
  say(`${started.map((p) => (p.app === 'gateway' ? 'gateway' : APP_SERVICE[p.app as ServiceApp])).join(', ')} healthy in ${Date.now() - t0} ms`);
  say(`dashboard: http://127.0.0.1:${port}/   (API under /v1, health at /health/services)`);
  say(`operator login: ${operator.email} / ${operator.password}`);

  let scenarioOutcome: (ok: boolean) => void = () => undefined;
  const scenarioDone = new Promise<boolean>((resolve) => (scenarioOutcome = resolve));
  const watchScenario = (chunk: string) => {
    passThrough(chunk);
    if (/\[scenario\] done: .* is committed/.test(chunk)) scenarioOutcome(true);
    else if (/\[scenario\] done:|scenario failed/.test(chunk)) scenarioOutcome(false);
  };
  started.push(
    await startApp(
      'simulator',
      { NATS_URL: env.NATS_URL, LOG_LEVEL: env.LOG_LEVEL, GATEWAY_URL: `http://127.0.0.1:${port}`, OPERATOR_EMAIL: operator.email, OPERATOR_PASSWORD: operator.password },
      { onOutput: watchScenario },
    ),
  );

  const ok = await scenarioDone;
  if (once) return shutdown(ok ? 0 : 1);
  say(ok ? 'the trade is committed. Serving until Ctrl-C.' : 'the scenario did not commit its trade (see above). Serving until Ctrl-C.');
}

main().catch((error: unknown) => {
  if (error instanceof BootstrapError) process.stderr.write(`\n${error.message}\n\n`);
  else process.stderr.write(`\ndemo failed: ${(error as Error)?.stack ?? String(error)}\n\n`);
  process.exit(1);
});
