import { freePort, startApp, type AppName, type ServiceApp, type ServiceProcess } from '@ampool/bootstrap';
import { createTestDatabase, type TestDatabase } from './test-database';
import { startTestNats, type TestNats } from './test-nats';

export const ALL_SERVICES: ServiceApp[] = ['identity', 'energy-market', 'settlement', 'ledger', 'metering', 'ride-market'];

/** A whole running system for one test file, on its own database and NATS server. */
export interface TestSystem {
  db: TestDatabase;
  nats: TestNats;
  gatewayUrl: string;
  /** Environment the services were started with (to restart one the same way). */
  serviceEnv: Record<string, string>;
  processes: Map<AppName, ServiceProcess>;
  /** Starts (or restarts) one app and waits until it is healthy. */
  start(app: AppName): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * Boots the built apps as separate processes against a fresh database and a private
 * nats-server: real services, real broker, real PostgreSQL.
 */
export async function startTestSystem(options: { services?: ServiceApp[]; gateway?: boolean } = {}): Promise<TestSystem> {
  const db = await createTestDatabase();
  const nats = await startTestNats();
  const port = await freePort();
  const serviceEnv = { DATABASE_URL: db.url, NATS_URL: nats.url, LOG_LEVEL: 'warn', DB_POOL_MAX: '4' };
  const processes = new Map<AppName, ServiceProcess>();
  const start = async (app: AppName) => {
    const env = app === 'gateway' ? { NATS_URL: nats.url, LOG_LEVEL: 'warn', PORT: String(port) } : serviceEnv;
    const proc = await startApp(app, env);
    processes.set(app, proc);
    return proc;
  };
  const system: TestSystem = {
    db,
    nats,
    gatewayUrl: `http://127.0.0.1:${port}`,
    serviceEnv,
    processes,
    start,
    stop: async () => {
      await Promise.all([...processes.values()].map((p) => p.stop()));
      await nats.stop();
      await db.drop();
    },
  };
  try {
    await Promise.all((options.services ?? ALL_SERVICES).map(start));
    if (options.gateway ?? true) await start('gateway');
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}
