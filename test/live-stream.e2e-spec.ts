import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverySettled, MarketClosed, TradeExecuted } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { loginOperator } from '@ampool/client';
import { openSse, startTestSystem, type SseStream, type TestSystem } from '@ampool/testing';

const BUYER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SELLER = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';

/**
 * The operator live stream (`GET /v1/operator/live`): who may open it, what it relays, and
 * when it ends. Events are published on a real nats-server, as the services' outboxes do.
 */
describe('the operator live stream', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  const streams: SseStream[] = [];
  const open = async (cookie?: string) => {
    const s = await openSse(`${sys.gatewayUrl}/v1/operator/live`, cookie ? { cookie } : {});
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    sys = await startTestSystem({
      services: ['identity'],
      gatewayEnv: { LIVE_HEALTH_SECONDS: '1', LIVE_SESSION_CHECK_SECONDS: '1', LIVE_MAX_STREAMS_PER_CALLER: '3', LIVE_BACKLOG_PER_SUBJECT: '5' },
    });
    nc = await connect(sys.natsAdmin);
  });
  // Each test starts with no stream open (the per-operator limit counts them).
  afterEach(async () => {
    for (const s of streams.splice(0)) {
      s.close();
      await s.closed;
    }
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  function tradeEnvelope(id = uuidv7(), energyWh = 1_000n) {
    const data = {
      id: uuidv7(), buyOrderId: uuidv7(), sellOrderId: uuidv7(), buyer: BUYER, seller: SELLER, zone: 'north',
      sellerZone: 'north', buyerZone: 'north', intervalStart: new Date('2026-11-21T10:00:00.000Z'), energyWh, priceMicroPerKwh: 200_000n,
      gridFeeMicroPerKwh: 0n, valueMicro: (energyWh * 200_000n) / 1000n, buyerCostMicro: (energyWh * 200_000n) / 1000n, executedAt: new Date(),
    };
    return JSON.stringify(TradeExecuted.envelope.encode({ id, subject: TradeExecuted.subject, source: 'energy', occurredAt: new Date(), data }));
  }

  it('is refused without an operator session', async () => {
    const res = await fetch(`${sys.gatewayUrl}/v1/operator/live`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'SIGNATURE_MISSING' });
  });

  it('opens with hello, reports health, relays valid events once and drops forged or duplicated ones', async () => {
    const { sessionCookie } = (await sys.operator()) as { sessionCookie: string };
    const stream = await open(sessionCookie);
    expect(stream.status).toBe(200);
    const hello = JSON.parse((await stream.next((f) => f.event === 'hello')).data);
    expect(hello.operator).toEqual({ kind: 'session', name: sys.operatorAccount.email });

    const health = JSON.parse((await stream.next((f) => f.event === 'health')).data);
    expect(health.services.find((s: { service: string }) => s.service === 'identity')).toMatchObject({ status: 'up' });
    expect(health.services.find((s: { service: string }) => s.service === 'settlement')).toMatchObject({ status: 'down' });

    const id = uuidv7();
    const valid = tradeEnvelope(id);
    nc.publish(TradeExecuted.subject, 'not json');
    nc.publish(TradeExecuted.subject, JSON.stringify({ ...JSON.parse(valid), id: uuidv7(), data: { energyWh: '-5' } }));
    nc.publish(TradeExecuted.subject, valid);
    nc.publish(TradeExecuted.subject, valid); // an outbox relay may publish twice
    const marker = tradeEnvelope();
    nc.publish(TradeExecuted.subject, marker);
    await nc.flush();

    const relayed = await stream.next((f) => f.event === TradeExecuted.subject);
    expect(relayed.data).toBe(valid);
    const next = await stream.next((f) => f.event === TradeExecuted.subject);
    expect(next.data).toBe(marker); // the duplicate and the two forgeries never reached the stream

    // A dashboard that connects now gets the recent events first, and the counts of what was refused.
    const late = await open(sessionCookie);
    const lateHello = JSON.parse((await late.next((f) => f.event === 'hello')).data);
    expect(lateHello).toMatchObject({ relayed: 2, refused: 2 });
    expect((await late.next((f) => f.event === TradeExecuted.subject)).data).toBe(valid);
    expect((await late.next((f) => f.event === TradeExecuted.subject)).data).toBe(marker);
    late.close();
  });

  it('keeps only the last events per subject for newcomers', async () => {
    const { sessionCookie } = (await sys.operator()) as { sessionCookie: string };
    const watcher = await open(sessionCookie);
    await watcher.next((f) => f.event === 'hello');
    const sent = Array.from({ length: 8 }, () => tradeEnvelope());
    for (const e of sent) nc.publish(TradeExecuted.subject, e);
    await nc.flush();
    // After whatever backlog the watcher got first, the new events arrive in order.
    await watcher.next((f) => f.data === sent[0]);
    for (const e of sent.slice(1)) expect((await watcher.next((f) => f.event === TradeExecuted.subject)).data).toBe(e);

    const newcomer = await open(sessionCookie);
    const hello = JSON.parse((await newcomer.next((f) => f.event === 'hello')).data);
    expect(hello.backlog).toBeGreaterThanOrEqual(5);
    const replayed: string[] = [];
    while (replayed.length < 5) replayed.push((await newcomer.next((f) => f.event === TradeExecuted.subject)).data);
    expect(replayed).toEqual(sent.slice(-5));
    watcher.close();
    newcomer.close();
  });

  it('relays gate closures and settled deliveries, checked against their contracts', async () => {
    const { sessionCookie } = (await sys.operator()) as { sessionCookie: string };
    const stream = await open(sessionCookie);
    await stream.next((f) => f.event === 'hello');
    const closed = JSON.stringify(
      MarketClosed.envelope.encode({
        id: uuidv7(), subject: MarketClosed.subject, source: 'energy', occurredAt: new Date(),
        data: {
          area: 'default', intervalStart: new Date('2026-11-21T10:00:00.000Z'), closedAt: new Date(),
          zones: [{ zone: 'north', clearingPriceMicroPerKwh: 210_000n, auctionVolumeWh: 3_000n, tradedWh: 4_000n, unmatchedBuyWh: 500n, unmatchedSellWh: 0n }],
        },
      }),
    );
    const settled = JSON.stringify(
      DeliverySettled.envelope.encode({
        id: uuidv7(), subject: DeliverySettled.subject, source: 'settlement', occurredAt: new Date(),
        data: {
          tradeId: uuidv7(), buyer: BUYER, seller: SELLER, intervalStart: new Date('2026-11-21T10:00:00.000Z'), rule: 'undelivered', deliveredWh: 0n, shortfallWh: 1_000n,
          buyerPaysMicro: 0n, sellerReceivesMicro: 0n, platformFeeMicro: 0n, gridFeeMicro: 0n, utilityFromBuyerMicro: 0n, sellerPenaltyMicro: 30_000n, penaltyUnpaidMicro: 0n, settledAt: new Date(),
        },
      }),
    );
    nc.publish(MarketClosed.subject, JSON.stringify({ ...JSON.parse(closed), id: uuidv7(), data: { area: 'default' } }));
    nc.publish(MarketClosed.subject, closed);
    nc.publish(DeliverySettled.subject, settled);
    await nc.flush();
    expect((await stream.next((f) => f.event === MarketClosed.subject)).data).toBe(closed);
    expect((await stream.next((f) => f.event === DeliverySettled.subject)).data).toBe(settled);
  });

  it('limits the streams one operator may hold open', async () => {
    const { sessionCookie: cookie } = (await loginOperator(sys.client, sys.operatorAccount.email, sys.operatorAccount.password)) as { sessionCookie: string };
    const held = await Promise.all([open(cookie), open(cookie), open(cookie)]);
    for (const s of held) await s.next((f) => f.event === 'hello');
    const refused = await fetch(`${sys.gatewayUrl}/v1/operator/live`, { headers: { cookie } });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    held[0]!.close();
    // The slot is freed when the client goes away.
    let reopened: Response | undefined;
    for (let i = 0; i < 50 && reopened?.status !== 200; i++) {
      await reopened?.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
      reopened = await fetch(`${sys.gatewayUrl}/v1/operator/live`, { headers: { cookie } });
    }
    expect(reopened!.status).toBe(200);
    await reopened!.body?.cancel();
    for (const s of held) s.close();
  });

  it('ends when the operator signs out', async () => {
    const { sessionCookie: cookie } = (await loginOperator(sys.client, sys.operatorAccount.email, sys.operatorAccount.password)) as { sessionCookie: string };
    const stream = await open(cookie);
    await stream.next((f) => f.event === 'hello');
    const out = await fetch(`${sys.gatewayUrl}/v1/operator/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(200);
    const end = await stream.next((f) => f.event === 'end', 10_000);
    expect(JSON.parse(end.data)).toEqual({ reason: 'session-ended' });
    await stream.closed;
  });
});
