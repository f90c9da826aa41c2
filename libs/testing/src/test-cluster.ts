import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, startNatsServer, type NatsServer } from '@ampool/bootstrap';
import { readTestEnv } from './test-env';

export interface TestClusterNode {
  name: string;
  url: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

export interface TestCluster {
  /** Every node's URL: clients connect to all and fail over. */
  servers: string[];
  nodes: TestClusterNode[];
  stop(): Promise<void>;
}

/**
 * A private 3-node NATS cluster with JetStream on free ports, configured as
 * `infra/nats/cluster.ts` configures production; nodes can be SIGKILLed and restarted with
 * their store intact.
 */
interface NodeSpec {
  name: string;
  clientPort: number;
  clusterPort: number;
  monitorPort: number;
  storeDir: string;
}

export async function startTestCluster(
  clusterNodeConfig: (node: NodeSpec, all: NodeSpec[], options: { authInclude?: string }) => string,
  /** With `passwords`, every node enforces the production users of infra/nats/ampool-auth.conf with these passwords. */
  options: { passwords?: Record<string, string> } = {},
): Promise<TestCluster> {
  const env = readTestEnv();
  const root = mkdtempSync(join(tmpdir(), 'ampool-cluster-'));
  const serverEnv: Record<string, string> = {};
  if (options.passwords) {
    // nats-server resolves includes relative to the including file: keep both side by side.
    copyFileSync(join(repoRoot(), 'infra', 'nats', 'ampool-auth.conf'), join(root, 'ampool-auth.conf'));
    for (const [u, pw] of Object.entries(options.passwords)) serverEnv[`AMPOOL_NATS_PASSWORD_${u.toUpperCase()}`] = pw;
  }
  const nodes: NodeSpec[] = [];
  for (let i = 1; i <= 3; i++) {
    nodes.push({ name: `nats-${i}`, clientPort: await freePort(), clusterPort: await freePort(), monitorPort: await freePort(), storeDir: join(root, `nats-${i}`) });
  }
  const servers: (NatsServer & { process: { kill(sig: string): boolean; exitCode: number | null } })[] = [];
  const start = async (i: number) => {
    const n = nodes[i]!;
    const file = join(root, `${n.name}.conf`);
    writeFileSync(file, clusterNodeConfig(n, nodes, options.passwords ? { authInclude: './ampool-auth.conf' } : {}));
    servers[i] = (await startNatsServer({ binary: env.natsServerBin, configFile: file, configComplete: true, port: n.clientPort, storeDir: n.storeDir, env: serverEnv })) as never;
  };
  await Promise.all(nodes.map((_, i) => start(i)));
  return {
    servers: nodes.map((n) => `nats://127.0.0.1:${n.clientPort}`),
    nodes: nodes.map((n, i) => ({
      name: n.name,
      url: `nats://127.0.0.1:${n.clientPort}`,
      kill: async () => {
        const s = servers[i]!;
        s.process.kill('SIGKILL');
        await s.stop();
      },
      restart: () => start(i),
    })),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
