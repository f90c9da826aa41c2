import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '@ampool/bootstrap';
import { readTestEnv } from './test-env';

export interface TestNats {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILL the server (its JetStream store survives for a restart on the same port). */
  kill(): void;
  restart(): Promise<void>;
}

/**
 * A private nats-server with JetStream for one test file: streams and consumers of files
 * running in parallel cannot interfere, and a test can kill or reconfigure its server.
 */
export async function startTestNats(options: { configFile?: string } = {}): Promise<TestNats> {
  const env = readTestEnv();
  const storeDir = mkdtempSync(join(tmpdir(), 'ampool-nats-'));
  let server = await startNatsServer({ binary: env.natsServerBin, storeDir, configFile: options.configFile });
  const port = server.port;
  return {
    url: server.url,
    port,
    kill: () => server.process.kill('SIGKILL'),
    restart: async () => {
      await server.stop();
      server = await startNatsServer({ binary: env.natsServerBin, storeDir, configFile: options.configFile, port });
    },
    stop: async () => {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
