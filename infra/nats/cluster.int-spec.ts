import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ensureStreams, replicateAllStreams } from '@ampool/messaging';
import { eventually, repoRoot, startTestCluster, type TestCluster } from '@ampool/testing';
import { clusterNodeConfig, localCluster } from './cluster';

/**
 * A 3-node JetStream cluster as configured by infra/nats/cluster.ts: an R3 stream keeps
 * accepting and serving messages while one node is down, and the node catches up when it
 * comes back.
 */
describe('the 3-node NATS cluster', () => {
  let cluster: TestCluster;
  let nc: NatsConnection;

  beforeAll(async () => {
    cluster = await startTestCluster((node, all) => clusterNodeConfig(node, all));
    nc = await connect({ servers: cluster.servers, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it('is generated into the committed node configurations', () => {
    const nodes = localCluster();
    for (const node of nodes) {
      const committed = readFileSync(join(repoRoot(), 'infra', 'nats', 'cluster', `${node.name}.conf`), 'utf8');
      expect(committed).toBe(clusterNodeConfig(node, nodes, { authInclude: '../ampool-auth.conf' }));
    }
  });

  it('keeps a stream at R3 when a service boots asking for one replica, and raises the ones a service created', async () => {
    // Generous timeouts: stream changes in a cluster go through Raft, on a busy 2-core machine.
    const jsm = await eventually(async () => jetstreamManager(nc, { timeout: 10_000 }), 30_000, 'JetStream to answer');
    const def = { name: 'REPLICAS', subjects: ['replicas.>'], maxAgeMs: 60_000, duplicateWindowMs: 60_000 };
    await eventually(async () => (await ensureStreams(jsm, [def], 3), true), 30_000, 'an R3 stream');
    await ensureStreams(jsm, [{ ...def, maxAgeMs: 120_000 }]);
    const kept = await jsm.streams.info('REPLICAS');
    expect(kept.config.num_replicas).toBe(3);
    expect(kept.config.max_age).toBe(120_000 * 1_000_000);

    await jsm.streams.add({ name: 'SINGLE', subjects: ['single.>'], num_replicas: 1 });
    expect(await replicateAllStreams(jsm, 3)).toEqual(['SINGLE']);
    expect((await jsm.streams.info('SINGLE')).config.num_replicas).toBe(3);
    expect(await replicateAllStreams(jsm, 3)).toEqual([]);
  }, 90_000);

  it('keeps an R3 stream writable and complete through the loss of any one node', async () => {
    const jsm = await eventually(async () => {
      const m = await jetstreamManager(nc, { timeout: 2_000 });
      await m.streams.add({ name: 'CHAOS', subjects: ['chaos.>'], num_replicas: 3 });
      return m;
    }, 30_000, 'the cluster to elect a JetStream leader and create an R3 stream');
    const js = jetstream(nc, { timeout: 5_000 });
    const publish = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        await eventually(async () => (await js.publish('chaos.x', String(i), { msgID: `m-${i}` })).seq > 0, 20_000, `publish ${i}`);
      }
    };

    await publish(0, 100);
    const [first, second] = cluster.nodes;
    await first!.kill();
    await publish(100, 200);
    await first!.restart();
    await eventually(async () => {
      const info = await jsm.streams.info('CHAOS');
      return info.state.messages === 200 && (info.cluster?.replicas ?? []).every((r) => r.current) && (info.cluster?.replicas ?? []).length === 2;
    }, 30_000, 'the restarted node to catch up');

    await second!.kill();
    await publish(200, 250);
    const consumer = await eventually(async () => {
      await jsm.consumers.add('CHAOS', { durable_name: 'reader', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
      return js.consumers.get('CHAOS', 'reader');
    }, 20_000, 'a consumer on the surviving nodes');
    // Right after a node dies the consumer may be re-electing its leader: a fetch can then miss
    // heartbeats, and a client simply fetches again.
    const seen = new Set<string>();
    await eventually(async () => {
      const messages = await consumer.fetch({ max_messages: 250, expires: 3_000 });
      try {
        for await (const m of messages) {
          seen.add(m.string());
          m.ack();
        }
      } catch {
        // missed heartbeats during a leader change: try again
      }
      return seen.size === 250;
    }, 30_000, 'every message to be read back');
    expect(seen.size).toBe(250);
    await second!.restart();
  }, 120_000);
});
