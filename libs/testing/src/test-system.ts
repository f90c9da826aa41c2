import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APP_SERVICE,
  freePort,
  ledgerSubmitterEnv,
  prepareLedgerMembers,
  SERVICE_LOGINS,
  startApp,
  startValidators,
  type AppName,
  type LedgerMembers,
  type ServiceApp,
  type ServiceProcess,
  type StatefulApp,
  type ValidatorGroup,
} from '@ampool/bootstrap';
import { AmpoolClient, loginOperator, registerParticipant, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { STREAMS, type ParticipantRole } from '@ampool/contracts';
import { simulatedNow, type ClockSetting } from '@ampool/domain';
import { ensureStreams, publishClockSetting, readClockSetting, replicateAllStreams } from '@ampool/messaging';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { clusterNodeConfig } from '../../../infra/nats/cluster';
import { eventually } from './http-client';
import { repoRoot } from './repo-root';
import { startTestCluster, type TestCluster } from './test-cluster';
import { createTestDatabase, type TestDatabase } from './test-database';
import { readTestEnv } from './test-env';
import { NATS_USER_NAMES, startTestNats, type NatsUserName, type TestNats } from './test-nats';

/**
 * How long a test waits for a started process to become healthy. Generous: the suite runs
 * several systems at once on two cores (the fault run among them), and a slow boot under that
 * load is not a failure of the code under test.
 */
const BOOT_TIMEOUT_MS = 90_000;

export const ALL_SERVICES: ServiceApp[] = ['identity', 'energy-market', 'settlement', 'ledger', 'metering', 'ride-market'];

/** A whole running system for one test file, on its own database and NATS server. */
export interface TestSystem {
  db: TestDatabase;
  /** With `natsCluster`, `url` lists all three nodes (comma-separated) and kill/restart act on the first. */
  nats: TestNats;
  /** With `natsCluster`: the three nodes, each of which can be killed and restarted. */
  cluster?: TestCluster;
  /** With `natsCluster`: raises every stream (and key-value bucket) a service created to R3; returns the ones it changed. */
  replicateStreams(): Promise<string[]>;
  gatewayUrl: string;
  /** Environment the services were started with (to restart one the same way). */
  serviceEnv: Record<string, string>;
  /** The bootstrap operator account identity was started with. */
  operatorAccount: { email: string; password: string };
  /** An API client for the gateway. */
  client: AmpoolClient;
  /** Connection options for the unrestricted operations user, for tests that inspect NATS. */
  natsAdmin: { servers: string; user: string; pass: string };
  /** A logged-in operator session (created on first use). */
  operator(): Promise<Credentials>;
  /** Registers a participant with a new key and has the operator approve it. */
  participant(role?: ParticipantRole, displayName?: string): Promise<RegisteredParticipant>;
  processes: Map<AppName, ServiceProcess>;
  /** The ledger's genesis and member keys (labelled test keys) the validators run with. */
  ledgerMembers: LedgerMembers;
  /** The three ledger validators (`processes.get('ledger')` is the same group). */
  validators(): ValidatorGroup;
  /** Starts (or restarts) one app and waits until it is healthy; `ledger` is the three validators. */
  start(app: AppName): Promise<ServiceProcess>;
  /**
   * Starts one more instance of a service beside the running one (same environment, its own
   * INSTANCE_ID) and waits until that instance itself answers its health check. Stopped with
   * the system.
   */
  startInstance(app: Exclude<ServiceApp, 'ledger' | 'simulator'>, instanceId?: string): Promise<ServiceProcess>;
  /** The extra instances started with `startInstance` or `instances`, by app. */
  extraInstances: Map<ServiceApp, ServiceProcess[]>;
  stop(): Promise<void>;
}

/**
 * Boots the built apps as separate processes against a fresh database and a private
 * nats-server: real services, real broker, real PostgreSQL.
 */
export async function startTestSystem(
  options: {
    services?: ServiceApp[];
    gateway?: boolean;
    gatewayEnv?: Record<string, string>;
    serviceEnvOverrides?: Partial<Record<ServiceApp, Record<string, string>>>;
    /** Run every service on shared simulated time, starting from this setting (`CLOCK=shared`). */
    sharedClock?: ClockSetting;
    /** Runs once NATS is up, before any app starts (e.g. to write the shared clock's setting). */
    beforeApps?: (natsAdmin: { servers: string; user: string; pass: string }) => Promise<void>;
    /** Block rules for the ledger's genesis (defaults: 1,000 entries or 200 ms). */
    ledgerBlocks?: { maxEntries?: number; maxAgeMs?: number };
    /**
     * Run on a private 3-node JetStream cluster (infra/nats/cluster.ts, with the production
     * users) instead of one nats-server: services get every node's URL and every stream is
     * replicated R3, so any one node can die.
     */
    natsCluster?: boolean;
    /** How many instances of a service to run (default 1); the extra ones are in `extraInstances`. */
    instances?: Partial<Record<Exclude<ServiceApp, 'ledger' | 'simulator'>, number>>;
  } = {},
): Promise<TestSystem> {
  const db = await createTestDatabase();
  const ledgerDir = mkdtempSync(join(tmpdir(), 'ampool-ledger-'));
  const ledgerMembers = prepareLedgerMembers(ledgerDir, { keys: 'labelled', label: 'e2e', chainId: 'ampool-test', ...(options.ledgerBlocks ?? {}) });
  const nats = options.natsCluster ? await clusterAsTestNats() : await startTestNats({ auth: true });
  const cluster = (nats as TestNats & { cluster?: TestCluster }).cluster;
  if (options.sharedClock) {
    const nc = await connect({ servers: nats.url.split(','), user: 'admin', pass: nats.passwords!.admin });
    await publishClockSetting(nc, options.sharedClock).finally(() => nc.close());
  }
  const natsUser = (user: NatsUserName) => ({ NATS_USER: user, NATS_PASSWORD: nats.passwords![user] });
  const port = await freePort();
  const serviceEnv: Record<string, string> = { DATABASE_URL: db.url, NATS_URL: nats.url, LOG_LEVEL: 'warn', DB_POOL_MAX: '4', ...(options.sharedClock ? { CLOCK: 'shared' } : {}) };
  const { servicePassword } = readTestEnv();
  /** Each stateful service logs in as its own role, with rights on its own schema only. */
  const databaseUrlFor = (app: StatefulApp) => {
    const u = new URL(db.url);
    u.username = SERVICE_LOGINS[app];
    u.password = servicePassword;
    return u.toString();
  };
  const operatorAccount = { email: 'operator@ampool.test', password: randomBytes(12).toString('base64url') };
  const processes = new Map<AppName, ServiceProcess>();
  let ranSettlement = false;
  /** Business time now: the shared clock's, when the services ran on one. */
  const businessNow = async () => {
    const nc = await connect({ servers: nats.url, user: 'admin', pass: nats.passwords!.admin }).catch(() => undefined);
    const setting = nc ? await readClockSetting(nc).finally(() => nc.close()) : undefined;
    return setting ? simulatedNow(setting, Date.now()) : Date.now();
  };
  const extraInstances = new Map<ServiceApp, ServiceProcess[]>();
  const envFor = (app: AppName): Record<string, string> =>
    app === 'gateway'
      ? { NATS_URL: nats.url, LOG_LEVEL: 'warn', PORT: String(port), RATE_LIMIT_PER_SECOND: '0', ...natsUser('gateway'), ...(options.gatewayEnv ?? {}) }
      : app === 'simulator'
        ? { NATS_URL: nats.url, LOG_LEVEL: 'warn', SCENARIO: 'none', ...natsUser('simulator') }
        : {
            ...serviceEnv,
            ...natsUser(APP_SERVICE[app]),
            DATABASE_URL: databaseUrlFor(app),
            // Services sign their own ledger entries when the validators run in this system.
            ...((options.services ?? ALL_SERVICES).includes('ledger') ? ledgerSubmitterEnv(ledgerMembers, app) : {}),
            ...(app === 'identity' ? { BOOTSTRAP_OPERATOR_EMAIL: operatorAccount.email, BOOTSTRAP_OPERATOR_PASSWORD: operatorAccount.password } : {}),
            ...(options.serviceEnvOverrides?.[app] ?? {}),
          };
  const probeCredentials = { user: 'admin', pass: nats.passwords!.admin };
  const start = async (app: AppName) => {
    if (app === 'settlement') ranSettlement = true;
    const env = envFor(app);
    if (app === 'ledger') await processes.get('ledger')?.stop();
    const proc = app === 'ledger' ? await startValidators(ledgerMembers, env, { probeCredentials, timeoutMs: BOOT_TIMEOUT_MS }) : await startApp(app, env, { probeCredentials, timeoutMs: BOOT_TIMEOUT_MS });
    processes.set(app, proc);
    return proc;
  };
  const startInstance = async (app: Exclude<ServiceApp, 'ledger' | 'simulator'>, instanceId?: string) => {
    const list = extraInstances.get(app) ?? [];
    extraInstances.set(app, list);
    const id = instanceId ?? `${app}-${list.length + 2}-${randomBytes(3).toString('hex')}`;
    const proc = await startApp(app, { ...envFor(app), INSTANCE_ID: id }, { probeCredentials, timeoutMs: BOOT_TIMEOUT_MS, instanceId: id });
    list.push(proc);
    return proc;
  };
  const client = new AmpoolClient(`http://127.0.0.1:${port}`);
  let session: Promise<Credentials> | undefined;
  const operator = () => (session ??= loginOperator(client, operatorAccount.email, operatorAccount.password));
  const replicateStreams = async () => {
    if (!cluster) return [];
    const nc = await connect({ servers: cluster.servers, user: 'admin', pass: nats.passwords!.admin });
    try {
      return await replicateAllStreams(await jetstreamManager(nc, { timeout: 10_000 }), 3);
    } finally {
      await nc.close();
    }
  };
  const system: TestSystem = {
    db,
    nats,
    cluster,
    replicateStreams,
    gatewayUrl: `http://127.0.0.1:${port}`,
    serviceEnv,
    operatorAccount,
    natsAdmin: { servers: cluster ? cluster.servers[0]! : nats.url, user: 'admin', pass: nats.passwords!.admin },
    client,
    operator,
    participant: async (role = 'household', displayName = 'test participant') => {
      const p = await registerParticipant(client, role, displayName);
      await client.post(`/v1/participants/${p.did}/approve`, { reason: 'test' }, await operator());
      return { ...p, status: 'active' };
    },
    processes,
    ledgerMembers,
    validators: () => {
      const group = processes.get('ledger');
      if (!group) throw new Error('the ledger validators are not running in this system');
      return group as ValidatorGroup;
    },
    start,
    startInstance,
    extraInstances,
    stop: async () => {
      const nowMs = ranSettlement ? await businessNow() : Date.now();
      await Promise.all([...processes.values(), ...[...extraInstances.values()].flat()].map((p) => p.stop()));
      const books = ranSettlement ? checkBooks(db.url, nowMs) : undefined;
      await nats.stop();
      await db.drop();
      rmSync(ledgerDir, { recursive: true, force: true });
      if (books && !books.ok) throw new Error(`settlement's books fail the invariant check after this test file:\n${books.output}`);
    },
  };
  try {
    if (cluster) {
      // The streams exist R3 before any service boots; the services' own setup never lowers that.
      const nc = await connect({ servers: cluster.servers, user: 'admin', pass: nats.passwords!.admin });
      try {
        await eventually(async () => {
          await ensureStreams(await jetstreamManager(nc, { timeout: 5_000 }), Object.values(STREAMS), 3);
          return true;
        }, 60_000, 'the cluster to elect a JetStream leader and create the R3 streams');
      } finally {
        await nc.close();
      }
    }
    await options.beforeApps?.(system.natsAdmin);
    // Every start settles before a failure is raised, so no process that came up after a
    // sibling failed is left running without the system knowing it.
    const started = await Promise.allSettled((options.services ?? ALL_SERVICES).map(start));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const [app, count] of Object.entries(options.instances ?? {}) as [Exclude<ServiceApp, 'ledger' | 'simulator'>, number][]) {
      for (let i = 1; i < count; i++) await startInstance(app);
    }
    if (options.gateway ?? true) await start('gateway');
    // What services create themselves (the markets' journal, the gateway's nonce bucket).
    await replicateStreams();
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}

/**
 * Settlement's invariant check (`npm run settlement:check`) over a test database once its
 * services have stopped: every e2e file that ran settlement leaves balanced books.
 */
function checkBooks(databaseUrl: string, atMs: number): { ok: boolean; output: string } {
  const run = spawnSync(process.execPath, [join(repoRoot(), 'dist', 'apps', 'settlement', 'src', 'check.js'), '--at', String(atMs)], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { ok: run.status === 0, output: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() || `exit ${run.status} ${run.signal ?? ''}` };
}

/** A private 3-node cluster with the production users, in the shape of a single TestNats. */
async function clusterAsTestNats(): Promise<TestNats & { cluster: TestCluster }> {
  const passwords = Object.fromEntries(NATS_USER_NAMES.map((u) => [u, `p${randomBytes(12).toString('hex')}`])) as Record<NatsUserName, string>;
  const cluster = await startTestCluster((node, all, o) => clusterNodeConfig(node, all, o), { passwords });
  const first = cluster.nodes[0]!;
  return {
    url: cluster.servers.join(','),
    port: Number(new URL(first.url).port),
    passwords,
    cluster,
    kill: () => void first.kill(),
    restart: () => first.restart(),
    stop: () => cluster.stop(),
  };
}
