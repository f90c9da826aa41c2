import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  APP_SERVICE,
  BootstrapError,
  ensureEnvironment,
  localDataDir,
  ledgerSubmitterEnv,
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
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { CLOCK_BUCKET, ENERGY_JOURNAL_STREAM, STREAMS } from '@ampool/contracts';
import { publishClockSetting } from '@ampool/messaging';
import { applyMigrations, createDatabase, databaseExists, databaseNameOf, databaseUrlFor, dropDatabase } from '@ampool/persistence';
import { alignedStart, liveStartMs } from './sim-start';

/**
 * `npm run demo`: brings up PostgreSQL and NATS (reused or started), migrates the `ampool`
 * database, starts every service and the gateway as separate processes on shared simulated
 * time, and lets the simulator's population (households trading energy, drivers and riders
 * sharing seats) run live until Ctrl-C — then stops everything it started.
 * `--once` runs the single-trade scenario on the machine's clock instead and stops after it
 * (exit code 0 only if the trade was committed).
 * `--headless [--households N] [--days D] [--seed S]` steps the population through D days as
 * fast as the machine allows and writes a report (exit code 0 when it is written).
 * Every run starts a new neighbourhood: the demo's own database (`ampool`, unless DATABASE_URL
 * names another) and Ampool's JetStream streams are started afresh; `--keep` keeps them.
 */
const argv = process.argv.slice(2);
const once = argv.includes('--once');
/** Keep what the previous demo left (database and streams) instead of starting afresh. */
const keep = argv.includes('--keep');
const headless = argv.includes('--headless');
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
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
  if (!keep) {
    // A new neighbourhood every run: the population registers new keys each time, and a ledger
    // chain or events left by another checkout (another genesis, older contracts) do not mix.
    if (!process.env.DATABASE_URL && (await databaseExists(environment.postgres.serverUrl, dbName))) {
      await dropDatabase(environment.postgres.serverUrl, dbName);
      say(`database ${dbName}: the previous demo's data removed (--keep keeps it)`);
    }
    const removed = await removeAmpoolStreams(environment.nats.url);
    if (removed.length > 0) say(`NATS: the previous demo's streams removed (${removed.join(', ')})`);
  }
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

  // Simulated time: every service follows the clock the simulator writes (the single-trade
  // scenario runs on the machine's clock). Time stands at the start until the population is in.
  const simulated = !once;
  const startOption = option('start');
  if (startOption !== undefined && Number.isNaN(alignedStart(startOption))) throw new BootstrapError(`--start ${startOption} is not a time (use ISO 8601, e.g. 2026-11-20T07:30:00Z)`);
  const simStartMs = startOption !== undefined ? alignedStart(startOption) : headless ? Math.floor(Date.now() / 86_400_000) * 86_400_000 : liveStartMs(Date.now());
  if (simulated) await writeClock(environment.nats.url, { simAtMs: simStartMs, realAtMs: Date.now(), rate: 0 });
  const env = { DATABASE_URL: databaseUrl, NATS_URL: environment.nats.url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', CLOCK: simulated ? 'shared' : 'system' };
  // A fresh operator password every run: identity resets the bootstrap account to it.
  const operator = { email: 'operator@ampool.local', password: randomBytes(12).toString('base64url') };
  // Each service logs in as its own database role, with rights on its own schema only.
  const logins = await ensureServiceLogins(environment.postgres.serverUrl, databaseUrl, randomBytes(18).toString('base64url'));
  // The ledger is three validators; their keys, the services' signing keys and the genesis stay
  // under .ampool/ledger (made once, never committed).
  const ledgerMembers = prepareLedgerMembers(join(localDataDir(root), 'ledger'), { keys: 'random', chainId: 'ampool-demo' });
  const envFor = (app: ServiceApp) => {
    const own = { ...env, DATABASE_URL: logins[app as keyof typeof logins] ?? databaseUrl, ...ledgerSubmitterEnv(ledgerMembers, app) };
    return app === 'identity' ? { ...own, BOOTSTRAP_OPERATOR_EMAIL: operator.email, BOOTSTRAP_OPERATOR_PASSWORD: operator.password } : own;
  };
  say(`starting ${BACKEND.length} services…`);
  const t0 = Date.now();
  started.push(
    ...(await Promise.all(
      BACKEND.map((app) => (app === 'ledger' ? startValidators(ledgerMembers, envFor(app), { onOutput: passThrough }) : startApp(app, envFor(app), { onOutput: passThrough }))),
    )),
  );
  // A headless run is a load run from one machine: the operator onboards a thousand homes at
  // once, so the per-caller limits are lifted for it.
  const limits: Record<string, string> = headless ? { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' } : {};
  started.push(await startApp('gateway', { NATS_URL: env.NATS_URL, LOG_LEVEL: env.LOG_LEVEL, PORT: String(port), ...limits }, { onOutput: passThrough }));
  say(`${started.map((p) => (p.app === 'gateway' ? 'gateway' : APP_SERVICE[p.app as ServiceApp])).join(', ')} healthy in ${Date.now() - t0} ms`);
  say(`dashboard: http://127.0.0.1:${port}/   (API under /v1, health at /health/services)`);
  say(`operator login: ${operator.email} / ${operator.password}`);

  const simulatorEnv = { NATS_URL: env.NATS_URL, LOG_LEVEL: env.LOG_LEVEL, GATEWAY_URL: `http://127.0.0.1:${port}`, OPERATOR_EMAIL: operator.email, OPERATOR_PASSWORD: operator.password };
  if (once) {
    let scenarioOutcome: (ok: boolean) => void = () => undefined;
    const scenarioDone = new Promise<boolean>((resolve) => (scenarioOutcome = resolve));
    const watchScenario = (chunk: string) => {
      passThrough(chunk);
      if (/\[scenario\] done: .* is committed/.test(chunk)) scenarioOutcome(true);
      else if (/\[scenario\] done:|scenario failed/.test(chunk)) scenarioOutcome(false);
    };
    started.push(await startApp('simulator', { ...simulatorEnv, SCENARIO: 'single-trade' }, { onOutput: watchScenario }));
    return shutdown((await scenarioDone) ? 0 : 1);
  }

  const households = option('households') ?? (headless ? '1000' : '50');
  const days = option('days') ?? '7';
  const progress = new Progress(headless);
  let finished: (ok: boolean) => void = () => undefined;
  const done = new Promise<boolean>((resolve) => (finished = resolve));
  const watchSimulation = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.length === 0) continue;
      if (progress.take(line)) continue;
      progress.clear();
      process.stdout.write(`${line}\n`);
      if (/\[sim\] done$/.test(line)) finished(true);
      else if (/\[sim\] failed/.test(line)) finished(false);
    }
  };
  started.push(
    await startApp(
      'simulator',
      {
        ...simulatorEnv, SCENARIO: 'population', SIM_MODE: headless ? 'headless' : 'live', SIM_HOUSEHOLDS: households, SIM_DAYS: days,
        SIM_SEED: option('seed') ?? '1', SIM_START: new Date(simStartMs).toISOString(), SCENARIO_TIMEOUT_MS: '120000',
        REPORT_DIR: join(root, '.ampool', 'reports', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`),
        ...(headless ? { SIM_CONCURRENCY: '48' } : {}),
      },
      { onOutput: watchSimulation },
    ),
  );
  say(headless ? `headless: ${households} households for ${days} simulated days…` : 'the neighbourhood and the city are joining; simulated time runs at one 15-minute interval every 10 s. Ctrl-C stops.');
  const ok = await done;
  progress.clear();
  if (headless) return shutdown(ok ? 0 : 1);
  if (!ok) say('the simulation stopped (see above); the services keep serving until Ctrl-C.');
}

/**
 * One status line for simulated time, redrawn in place on a terminal: a bar in headless runs
 * (steps done of all), the simulated clock in live ones. Returns true for lines it consumed.
 */
class Progress {
  private shown = false;
  private lastPlain = 0;

  constructor(private readonly headless: boolean) {}

  take(line: string): boolean {
    const m = /\[sim\] time (\S+)(?: step (\d+)\/(\d+))?/.exec(line);
    if (!m) return false;
    const [, at, done, total] = m;
    const label = `simulated ${at!.slice(0, 16).replace('T', ' ')} UTC`;
    let text = `[demo] ${label}`;
    if (done && total) {
      const share = Number(done) / Number(total);
      const width = 30;
      const filled = Math.round(share * width);
      text = `[demo] [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)} % ${label}`;
    }
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${text}\x1b[K`);
      this.shown = true;
    } else if (Date.now() - this.lastPlain > (this.headless ? 30_000 : 60_000)) {
      // Not a terminal (a log file, CI): a line now and then instead of a redrawn one.
      this.lastPlain = Date.now();
      process.stdout.write(`${text}\n`);
    }
    return true;
  }

  clear(): void {
    if (this.shown) process.stdout.write('\r\x1b[K');
    this.shown = false;
  }
}

/** Deletes Ampool's own JetStream streams and buckets (nothing else) on the NATS the demo uses. */
async function removeAmpoolStreams(natsUrl: string): Promise<string[]> {
  const names = [...Object.values(STREAMS).map((st) => st.name), ENERGY_JOURNAL_STREAM.name, 'KV_AUTH_NONCES', `KV_${CLOCK_BUCKET}`];
  const nc = await connect({ servers: natsUrl, name: 'ampool-demo' });
  const removed: string[] = [];
  try {
    const jsm = await jetstreamManager(nc);
    for (const name of names) {
      try {
        if (await jsm.streams.delete(name)) removed.push(name);
      } catch {
        // not there: nothing to remove
      }
    }
  } finally {
    await nc.close();
  }
  return removed;
}

/** Writes the shared clock's setting before any service starts (they refuse to start without one). */
async function writeClock(natsUrl: string, setting: { simAtMs: number; realAtMs: number; rate: number }): Promise<void> {
  const nc = await connect({ servers: natsUrl, name: 'ampool-demo' });
  try {
    await publishClockSetting(nc, setting);
  } finally {
    await nc.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof BootstrapError) process.stderr.write(`\n${error.message}\n\n`);
  else process.stderr.write(`\ndemo failed: ${(error as Error)?.stack ?? String(error)}\n\n`);
  process.exit(1);
});

