import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { repoRoot, startTestNats, type NatsUserName, type TestNats } from '@ampool/testing';
import { authorizationConfig, inboxPrefixOf } from './permissions';

/**
 * Least privilege on NATS: a nats-server started with infra/nats/ampool-auth.conf lets each
 * service do its own job and nothing more. (Every e2e test also runs the whole system on this
 * configuration, which shows the permissions are enough.)
 */
describe('NATS permissions', () => {
  let nats: TestNats;
  const open: NatsConnection[] = [];

  beforeAll(async () => {
    nats = await startTestNats({ auth: true });
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    await nats?.stop();
  });

  it('are generated from the permission model (the committed file is up to date)', () => {
    expect(readFileSync(join(repoRoot(), 'infra', 'nats', 'ampool-auth.conf'), 'utf8')).toBe(authorizationConfig());
  });

  async function as(user: NatsUserName): Promise<{ nc: NatsConnection; violations: string[] }> {
    const nc = await connect({ servers: nats.url, user, pass: nats.passwords![user], inboxPrefix: inboxPrefixOf(user as never) });
    open.push(nc);
    const violations: string[] = [];
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'error') violations.push(String(s.error?.message ?? s.error));
    })();
    return { nc, violations };
  }

  async function publishes(user: NatsUserName, subject: string): Promise<boolean> {
    const { nc, violations } = await as(user);
    nc.publish(subject, '{}');
    await nc.flush();
    await new Promise((r) => setTimeout(r, 100));
    return !violations.some((v) => v.includes(`Publish to "${subject}"`));
  }

  async function subscribes(user: NatsUserName, subject: string): Promise<boolean> {
    const { nc } = await as(user);
    const sub = nc.subscribe(subject);
    const closed = sub.closed.then((e) => e);
    await nc.flush();
    const result = await Promise.race([closed, new Promise((r) => setTimeout(() => r('open'), 300))]);
    return result === 'open';
  }

  it.each([
    ['settlement', 'evt.energy.trade.executed.v1', 'forge a trade'],
    ['energy', 'evt.settlement.hold.placed.v1', 'forge a hold'],
    ['ledger', 'evt.identity.participant.status-changed.v1', 'forge a suspension'],
    ['gateway', 'evt.ledger.entry.committed.v1', 'forge a ledger commit'],
    ['identity', 'evt.energy.order.cancelled.v1', 'cancel orders'],
    ['metering', 'dlq.settlement-trade-holds', 'write another service’s dead letters'],
    ['rides', '$JS.API.STREAM.DELETE.EVT_LEDGER', 'delete the ledger’s stream'],
    ['settlement', '$JS.API.CONSUMER.CREATE.EVT_IDENTITY.spy', 'tap identity’s events'],
    ['metering', 'rpc.identity.health', 'probe another service'],
    ['settlement', 'ledger.submit.tick', 'cut the ledger’s blocks'],
    ['energy', '$JS.API.STREAM.UPDATE.LEDGER_SUBMIT', 'reconfigure the ledger’s submit stream'],
    ['rides', 'ledger.submit.entry', 'submit ledger entries without a ledger key'],
  ] as const)('refuse %s publishing %s (%s)', async (user, subject, _why) => {
    expect(await publishes(user, subject)).toBe(false);
  });

  it.each([
    ['settlement', 'rpc.identity.participant.register'],
    ['ledger', 'rpc.settlement.deposit.create'],
    ['energy', 'rpc.identity.participant.approve'],
    ['simulator', 'rpc.energy.order.submit'],
  ] as const)('refuse %s calling %s, an RPC it has no business with', async (user, subject) => {
    const { nc } = await as(user);
    await expect(nc.request(subject, '{}', { timeout: 1_000 })).rejects.toThrow(/Permissions Violation for Publish/);
  });

  it.each([
    ['identity', 'rpc.energy.>', 'answer the energy market’s requests'],
    ['energy', `${inboxPrefixOf('gateway')}.>`, 'read the gateway’s replies'],
    ['gateway', 'evt.settlement.>', 'listen to settlement'],
    ['settlement', '$JS.ACK.>', 'acknowledge others’ messages'],
  ] as const)('refuse %s subscribing to %s (%s)', async (user, subject, _why) => {
    expect(await subscribes(user, subject)).toBe(false);
  });

  it('allow each service its own events, its own requests and the calls it needs', async () => {
    expect(await publishes('settlement', 'evt.settlement.hold.placed.v1')).toBe(true);
    expect(await publishes('settlement', 'ledger.submit.entry')).toBe(true);
    expect(await publishes('energy', 'ledger.submit.entry')).toBe(true);
    expect(await publishes('energy', 'rpc.identity.participant.get')).toBe(true);
    expect(await publishes('gateway', 'rpc.energy.order.submit')).toBe(true);
    expect(await publishes('metering', 'rpc.metering.health')).toBe(true);
    expect(await subscribes('identity', 'rpc.identity.>')).toBe(true);
    expect(await subscribes('gateway', 'evt.identity.key.retired.v1')).toBe(true);
  });

  it('let a service run only its own durable consumers', async () => {
    const { nc: admin } = await as('admin');
    const adminJsm = await jetstreamManager(admin);
    await adminJsm.streams.add({ name: 'EVT_ENERGY', subjects: ['evt.energy.>'] });
    const { nc } = await as('settlement');
    const jsm = await jetstreamManager(nc);
    const config = { ack_policy: AckPolicy.Explicit, filter_subject: 'evt.energy.trade.executed.v1' };
    await expect(jsm.consumers.add('EVT_ENERGY', { ...config, durable_name: 'settlement-trade-holds' })).resolves.toMatchObject({ name: 'settlement-trade-holds' });
    await expect(jsm.consumers.add('EVT_ENERGY', { ...config, durable_name: 'energy-trade-holds' })).rejects.toThrow();
  });

  it('refuse a connection without credentials', async () => {
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
  });
});
