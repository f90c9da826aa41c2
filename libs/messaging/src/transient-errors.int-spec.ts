import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { classifyTransient, toErrorBody } from '@ampool/contracts';
import { startTestNats, type TestNats } from '@ampool/testing';

/**
 * The errors a service really gets from NATS and JetStream when the broker or the service it
 * asks is gone, stalled or shutting down are classified as UPSTREAM_UNAVAILABLE or
 * UPSTREAM_TIMEOUT, on a private nats-server this test may stop.
 */
describe('broker failures a caller may retry', () => {
  let nats: TestNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startTestNats();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await nats?.stop();
  });

  it('no responders to a request', async () => {
    const error = await nc.request('rpc.nobody.here', 'x', { timeout: 1_000 }).catch((e: unknown) => e);
    expect(toErrorBody(error).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('a request nobody answers in time', async () => {
    const sub = nc.subscribe('rpc.silent.here', { callback: () => undefined });
    const error = await nc.request('rpc.silent.here', 'x', { timeout: 200 }).catch((e: unknown) => e);
    sub.unsubscribe();
    expect(toErrorBody(error).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('a JetStream publish that no stream answers, and one made while the server is down', async () => {
    const js = jetstream(nc, { timeout: 500 });
    const unanswered = await js.publish('evt.nowhere.v1', 'x').catch((e: unknown) => e);
    expect(toErrorBody(unanswered).code).toBe('UPSTREAM_UNAVAILABLE');

    await (await jetstreamManager(nc)).streams.add({ name: 'TRANSIENT', subjects: ['evt.transient.>'] });
    // While the connection waits to reconnect, a publish is not answered in time.
    const stalled = await withServerKilled(nc, nats, () => js.publish('evt.transient.v1', 'x', { msgID: 'a', timeout: 300 }).catch((e: unknown) => e));
    expect(toErrorBody(stalled).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('a connection that is draining or closed', async () => {
    const other = await connect({ servers: nats.url });
    const drained = other.drain();
    const whileDraining = await other.request('rpc.any.thing', 'x', { timeout: 500 }).catch((e: unknown) => e);
    await drained;
    const afterClose = await jetstream(other).publish('evt.transient.v1', 'x').catch((e: unknown) => e);
    for (const error of [whileDraining, afterClose]) {
      expect(error).toBeInstanceOf(Error);
      expect(classifyTransient(error)?.code).toBe('UPSTREAM_UNAVAILABLE');
    }
  });
});

/** Runs `fn` while the test's nats-server is killed (it comes back on the same port after). */
async function withServerKilled<T>(nc: NatsConnection, nats: TestNats, fn: () => Promise<T>): Promise<T> {
  nats.kill();
  try {
    return await fn();
  } finally {
    await nats.restart();
    await nc.flush().catch(() => undefined);
  }
}
