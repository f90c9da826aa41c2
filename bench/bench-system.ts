import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureEnvironment,
  ensureNatsServerBinary,
  ensureServiceLogins,
  freePort,
  localDataDir,
  ledgerSubmitterEnv,
  prepareLedgerMembers,
  repoRoot,
  startApp,
  startValidators,
  startNatsServer,
  type ServiceProcess,
  type StatefulApp,
} from '@ampool/bootstrap';
import { AmpoolClient, loginOperator, type Credentials } from '@ampool/client';
import { applyMigrations, createDatabase, dropDatabase } from '@ampool/persistence';

/** How long a process may take to boot: generous, since the machine may be busy with other work. */
const BOOT_TIMEOUT_MS = 90_000;

/** A running system for a benchmark: its own database and nats-server, services as processes. */
export interface BenchSystem {
  client: AmpoolClient;
  /** One client per gateway instance (the first is `client`). */
  clients: AmpoolClient[];
  gatewayUrl: string;
  natsUrl: string;
  operator: Credentials;
  /** Each stateful service's own database login (the URL the service was started with). */
  databaseUrls: Partial<Record<StatefulApp, string>>;
  /** Every process the system runs (services, each ledger validator, the gateway, nats-server), for CPU accounting. */
  processes: { name: string; pid: number }[];
  stop(): Promise<void>;
}

/**
 * Boots the given services and the gateway (rate limits off) against a fresh database and a
 * private nats-server, each service on its own database login; households are approved at
 * registration so benchmarks can create many quickly. Tear down with `stop()`.
 */
export async function startBenchSystem(
  services: StatefulApp[],
  log: (line: string) => void,
  /** Extra environment per service (settings a benchmark needs). */
  envOverrides: Partial<Record<StatefulApp, Record<string, string>>> = {},
  /**
   * Instances of every service but the ledger validators, and of the gateway (default 1): each
   * has its own INSTANCE_ID and counts as started when it answers its own health check.
   */
  instances = 1,
): Promise<BenchSystem> {
  const root = repoRoot();
  const env = await ensureEnvironment({ databaseUrl: process.env.DATABASE_URL, natsUrl: process.env.NATS_URL, dataDir: localDataDir(root), log });
  const dbName = `ampool_bench_${Date.now()}`;
  const dbUrl = await createDatabase(env.postgres.serverUrl, dbName);
  const storeDir = mkdtempSync(join(tmpdir(), 'ampool-bench-nats-'));
  const procs: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await nats?.stop();
    rmSync(storeDir, { recursive: true, force: true });
    await dropDatabase(env.postgres.serverUrl, dbName);
    await env.stop();
  };
  let nats: Awaited<ReturnType<typeof startNatsServer>> | undefined;
  try {
    await applyMigrations(dbUrl, join(root, 'prisma', 'migrations'));
    const logins = await ensureServiceLogins(env.postgres.serverUrl, dbUrl, `p${randomBytes(12).toString('hex')}`);
    nats = await startNatsServer({ binary: ensureNatsServerBinary(log), storeDir });
    const operatorAccount = { email: 'bench@ampool.local', password: `b${randomBytes(12).toString('hex')}` };
    const ledgerMembers = prepareLedgerMembers(join(storeDir, 'ledger'), { keys: 'labelled', label: 'bench', chainId: 'ampool-bench' });
    const envFor = (app: StatefulApp) => ({
      DATABASE_URL: logins[app],
      // Services sign their own entries only where the validators run to take them.
      ...(services.includes('ledger') ? ledgerSubmitterEnv(ledgerMembers, app) : {}),
      NATS_URL: nats!.url,
      LOG_LEVEL: 'warn',
      ...(app === 'identity'
        ? { AUTO_APPROVE_ROLES: 'household', BOOTSTRAP_OPERATOR_EMAIL: operatorAccount.email, BOOTSTRAP_OPERATOR_PASSWORD: operatorAccount.password }
        : {}),
      ...(envOverrides[app] ?? {}),
    });
    procs.push(...(await Promise.all(services.map((app) => (app === 'ledger' ? startValidators(ledgerMembers, envFor(app), { timeoutMs: BOOT_TIMEOUT_MS }) : startApp(app, envFor(app), { timeoutMs: BOOT_TIMEOUT_MS }))))));
    for (let n = 2; n <= instances; n++) {
      for (const app of services.filter((a) => a !== 'ledger')) {
        const instanceId = `${app}-${n}`;
        procs.push(await startApp(app, { ...envFor(app), INSTANCE_ID: instanceId }, { instanceId, timeoutMs: BOOT_TIMEOUT_MS }));
      }
    }
    const gatewayUrls: string[] = [];
    for (let n = 1; n <= instances; n++) {
      const port = await freePort();
      procs.push(await startApp('gateway', { NATS_URL: nats.url, LOG_LEVEL: 'warn', PORT: String(port), RATE_LIMIT_PER_SECOND: '0' }, { timeoutMs: BOOT_TIMEOUT_MS }));
      gatewayUrls.push(`http://127.0.0.1:${port}`);
    }
    const gatewayUrl = gatewayUrls[0]!;
    const clients = gatewayUrls.map((url) => new AmpoolClient(url));
    const client = clients[0]!;
    const operator = await loginOperator(client, operatorAccount.email, operatorAccount.password);
    const processes: { name: string; pid: number }[] = [];
    for (const p of procs) {
      const members = (p as { members?: ServiceProcess[] }).members;
      if (members) members.forEach((m, i) => processes.push({ name: `${p.app}-${i + 1}`, pid: m.pid }));
      else {
        const same = procs.filter((q) => q.app === p.app);
        processes.push({ name: same.length > 1 ? `${p.app}-${same.indexOf(p) + 1}` : p.app, pid: p.pid });
      }
    }
    if (nats.process.pid !== undefined) processes.push({ name: 'nats-server', pid: nats.process.pid });
    return { client, clients, gatewayUrl, natsUrl: nats.url, operator, databaseUrls: Object.fromEntries(services.map((app) => [app, logins[app]])), processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
