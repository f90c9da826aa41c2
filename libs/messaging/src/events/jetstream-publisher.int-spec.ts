import { jetstreamManager } from '@nats-io/jetstream';
import { usePrivateNats } from '@ampool/testing';
import { JetStreamPublisher } from './jetstream-publisher';

/** The pipelined publisher against a real nats-server with JetStream. */
describe('JetStreamPublisher', () => {
  const nats = usePrivateNats();

  beforeAll(async () => {
    const jsm = await jetstreamManager(await nats.connect());
    await jsm.streams.add({ name: 'PUB_TEST', subjects: ['pubtest.>'], duplicate_window: 60_000_000_000 });
  });

  it('resolves each publish with the stream’s ack, in sequence, and names a repeated id a duplicate', async () => {
    const publisher = new JetStreamPublisher(await nats.connect());
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => publisher.publish(`pubtest.a.${i % 7}`, JSON.stringify({ i }), { msgID: `m-${i}`, timeoutMs: 5_000 })));
    expect(acks.every((a) => a.stream === 'PUB_TEST' && !a.duplicate)).toBe(true);
    expect(new Set(acks.map((a) => a.seq)).size).toBe(500);
    // One connection keeps the order of publishing: the stream numbers them in that order.
    expect(acks.map((a) => a.seq)).toEqual([...acks.map((a) => a.seq)].sort((x, y) => x - y));

    const again = await publisher.publish('pubtest.a.0', JSON.stringify({ i: 0 }), { msgID: 'm-0', timeoutMs: 5_000 });
    expect(again).toEqual({ stream: 'PUB_TEST', seq: acks[0]!.seq, duplicate: true });
    const jsm = await jetstreamManager(await nats.connect());
    expect((await jsm.streams.info('PUB_TEST')).state.messages).toBe(500);
    const stored = await jsm.streams.getMessage('PUB_TEST', { seq: acks[42]!.seq });
    expect(stored?.json()).toEqual({ i: 42 });
    expect(stored?.header.get('Nats-Msg-Id')).toBe('m-42');
    publisher.close();
  });

  it('rejects when no stream takes the subject, and when nobody acks before the deadline', async () => {
    const publisher = new JetStreamPublisher(await nats.connect());
    await expect(publisher.publish('nostream.x', 'x', { msgID: 'n-1', timeoutMs: 5_000 })).rejects.toThrow(/no stream takes nostream\.x/);

    // A plain subscriber takes the message but never answers: no ack, so the deadline decides.
    const listener = await nats.connect();
    const heard: string[] = [];
    listener.subscribe('silent.x', {
      callback: (_e, m) => {
        heard.push(m.string());
      },
    });
    await listener.flush();
    const started = Date.now();
    const silent = publisher.publish('silent.x', 'hello', { msgID: 's-1', timeoutMs: 300 });
    await expect(silent).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(heard).toEqual(['hello']);
    publisher.close();
  });

  it('rejects what is still waiting when it is closed, and publishes again afterwards', async () => {
    const nc = await nats.connect();
    const publisher = new JetStreamPublisher(nc);
    const listener = await nats.connect();
    listener.subscribe('silent.y', { callback: () => undefined });
    await listener.flush();
    const pending = publisher.publish('silent.y', 'x', { msgID: 'c-1', timeoutMs: 60_000 });
    publisher.close();
    // Sent at once, on a new subscription: the end of the first one must not touch it.
    const after = publisher.publish('pubtest.b', 'after', { msgID: 'c-2', timeoutMs: 5_000 });
    await expect(pending).rejects.toThrow(/publisher closed/);
    await expect(after).resolves.toMatchObject({ stream: 'PUB_TEST', duplicate: false });

    // The connection closes under a waiting publish: it is rejected at once, not at its deadline.
    const stranded = publisher.publish('silent.y', 'x', { msgID: 'c-4', timeoutMs: 60_000 });
    await nc.close();
    await expect(stranded).rejects.toThrow(/connection closed before the stream answered/);
  });
});
