import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startNatsServer } from '@ampool/bootstrap';
import { readTestEnv } from './test-env';

/** The NATS users of infra/nats/ampool-auth.conf. */
export const NATS_USER_NAMES = ['gateway', 'identity', 'energy', 'rides', 'metering', 'settlement', 'ledger', 'simulator', 'admin'] as const;
export type NatsUserName = (typeof NATS_USER_NAMES)[number];

export interface TestNats {
  url: string;
  port: number;
  /** With `auth`, each user's password; connect as `{ user, pass }`. */
  passwords?: Record<NatsUserName, string>;
  stop(): Promise<void>;
  /** SIGKILL the server (its JetStream store survives for a restart on the same port). */
  kill(): void;
  restart(): Promise<void>;
}

/**
 * A private nats-server with JetStream for one test file: streams and consumers of files
 * running in parallel cannot interfere, and a test can kill or reconfigure its server. With
 * `auth`, it enforces the production permissions of infra/nats/ampool-auth.conf, with a
 * fresh random password per user.
 */
export async function startTestNats(options: { auth?: boolean } = {}): Promise<TestNats> {
  const env = readTestEnv();
  const storeDir = mkdtempSync(join(tmpdir(), 'ampool-nats-'));
  let configFile: string | undefined;
  let passwords: Record<NatsUserName, string> | undefined;
  const serverEnv: Record<string, string> = {};
  if (options.auth) {
    // nats-server resolves includes relative to the including file: keep both side by side.
    configFile = join(storeDir, 'test.conf');
    copyFileSync(join(repoRoot(), 'infra', 'nats', 'ampool-auth.conf'), join(storeDir, 'ampool-auth.conf'));
    writeFileSync(configFile, 'include ./ampool-auth.conf\n');
    // nats-server reads these as configuration tokens: letters and digits, starting with a letter.
    passwords = Object.fromEntries(NATS_USER_NAMES.map((u) => [u, `p${randomBytes(12).toString('hex')}`])) as Record<NatsUserName, string>;
    for (const [u, pw] of Object.entries(passwords)) serverEnv[`AMPOOL_NATS_PASSWORD_${u.toUpperCase()}`] = pw;
  }
  const start = (port?: number) => startNatsServer({ binary: env.natsServerBin, storeDir: join(storeDir, 'js'), configFile, port, env: serverEnv });
  let server = await start();
  const port = server.port;
  return {
    url: server.url,
    port,
    passwords,
    kill: () => server.process.kill('SIGKILL'),
    restart: async () => {
      await server.stop();
      server = await start(port);
    },
    stop: async () => {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
