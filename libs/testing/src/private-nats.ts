import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startTestNats, type TestNats } from './test-nats';

/**
 * A private nats-server for one test file, started before its tests and stopped after them
 * with every connection opened through `connect()` (each one a separate client, as separate
 * service instances are). Call at the top of a `describe`.
 */
export function usePrivateNats(): { server: () => TestNats; connect: () => Promise<NatsConnection> } {
  let nats: TestNats | undefined;
  const connections: NatsConnection[] = [];
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await nats?.stop();
  });
  return {
    server: () => nats!,
    connect: async () => {
      const nc = await connect({ servers: nats!.url });
      connections.push(nc);
      return nc;
    },
  };
}
