import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { registerDevice, signingWith, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { TradeExecuted } from '@ampool/contracts';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { eventually, query, settledRowCounts, startTestSystem, type TestSystem } from '@ampool/testing';

const BUYERS = 6;
const BUYS = 48;
const BUY_WH = 500n;
const PRICE = 200_000n; // µ/kWh → each trade is worth 100,000 µ

/**
 * Settlement is SIGKILLed while buy orders stream in and restarted: buy orders it cannot hold
 * money for are refused (never accepted unfunded) and retried with the same id, as clients
 * do; every buyer's money ends up held exactly once per trade and every ledger entry is
 * written exactly once. Then the same event is delivered again and nothing changes.
 */
describe('settlement killed while trades execute', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let operator: Credentials;
  const api = (method: string, path: string, body: unknown, as: RegisteredParticipant | Credentials) =>
    sys.client.send(method, path, body, 'key' in as ? signingWith(as.key) : as) as Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    sys = await startTestSystem();
    nc = await connect(sys.natsAdmin);
    operator = await sys.operator();
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  const household = () => sys.participant('household', 'h');

  async function consumerIdle(stream: string, durable: string): Promise<boolean> {
    const info = await (await jetstreamManager(nc)).consumers.info(stream, durable);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  it('holds each trade exactly once and records each ledger entry exactly once', async () => {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 60_000) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();

    const seller = await household();
    const buyers = await Promise.all(Array.from({ length: BUYERS }, household));
    for (const b of buyers) await api('POST', '/v1/deposits', { id: uuidv7(), participant: b.did, amountMicro: '10000000' }, operator);
    const pv = await registerDevice(sys.client, seller, 'pv_inverter', { powerW: 200_000n, capacityWh: 0n, reserveWh: 0n });
    const sell = await api('POST', '/v1/energy/orders', {
      id: uuidv7(), participant: seller.did, side: 'sell', zone: 'north', intervalStart, quantityWh: String(BUY_WH * BigInt(BUYS)), limitPriceMicroPerKwh: String(PRICE), device: pv.did,
    }, seller);
    expect(sell.status).toBe(201);

    // Buy orders stream in, four at a time; settlement dies a third of the way through.
    const settlement = sys.processes.get('settlement')!;
    let submitted = 0;
    let killed: Promise<unknown> | undefined;
    let refusedWhileDown = 0;
    const worker = async () => {
      while (submitted < BUYS) {
        const i = submitted++;
        if (i === Math.floor(BUYS / 3)) {
          // Down for a while, then back: orders that meanwhile could not be funded are retried.
          killed = settlement.kill('SIGKILL').then(() => new Promise((r) => setTimeout(r, 1_500))).then(() => sys.start('settlement'));
        }
        const buyer = buyers[i % BUYERS]!;
        const order = { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'north', intervalStart, quantityWh: String(BUY_WH), limitPriceMicroPerKwh: '250000' };
        for (let attempt = 1; ; attempt++) {
          const res = await api('POST', '/v1/energy/orders', order, buyer);
          if (res.status === 201) {
            expect(res.body.trades).toHaveLength(1);
            break;
          }
          expect([503, 504]).toContain(res.status);
          refusedWhileDown++;
          if (attempt > 200) throw new Error(`order ${order.id} never accepted: ${JSON.stringify(res.body)}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await killed;
    expect(refusedWhileDown).toBeGreaterThan(0);

    const trades = await query<{ id: string; buyer: string; value_micro: string }>(sys.db.url, 'SELECT id, buyer, value_micro::text FROM energy.trade');
    expect(trades).toHaveLength(BUYS);
    await eventually(async () => {
      const [row] = await query<{ n: string }>(sys.db.url, "SELECT count(*) AS n FROM energy.trade WHERE committed_at IS NOT NULL AND held_at IS NOT NULL");
      return Number(row!.n) === BUYS;
    }, 60_000, 'every trade to be held and committed');

    const holds = await query<{ reference_id: string; amount_micro: string; state: string }>(
      sys.db.url, "SELECT reference_id::text, amount_micro::text, state FROM settlement.transfer WHERE code = 'hold'");
    expect(holds).toHaveLength(BUYS);
    expect(new Set(holds.map((h) => h.reference_id))).toEqual(new Set(trades.map((t) => t.id)));
    for (const h of holds) expect(h).toMatchObject({ amount_micro: '100000', state: 'pending' });

    // Each buy order's hold became its trade's hold; what the limit price held beyond it went back.
    for (const b of buyers) {
      const expected = trades.filter((t) => t.buyer === b.did).reduce((s, t) => s + BigInt(t.value_micro), 0n);
      await eventually(async () => {
        const [acct] = await query<{ pending: string }>(sys.db.url, 'SELECT debits_pending_micro::text AS pending FROM settlement.account WHERE owner = $1', [b.did]);
        return acct!.pending === String(expected);
      }, 30_000, `buyer ${b.did} to hold exactly its trades`);
    }

    // Every validator's copy of the ledger holds each trade, each hold and each deposit exactly
    // once, though settlement died while signing and publishing them from its outbox.
    const exactlyOnce = [
      { type: 'energy.trade', n: String(BUYS), d: String(BUYS) },
      { type: 'settlement.hold', n: String(BUYS), d: String(BUYS) },
      { type: 'settlement.transfer', n: String(BUYERS), d: String(BUYERS) },
    ];
    for (const schema of ['ledger_v1', 'ledger_v2', 'ledger_v3']) {
      const entries = await eventually(async () => {
        const rows = await query<{ type: string; n: string; d: string }>(sys.db.url, `SELECT type, count(*)::text AS n, count(DISTINCT subject_id)::text AS d FROM ${schema}.entry GROUP BY type ORDER BY type`);
        return JSON.stringify(rows) === JSON.stringify(exactlyOnce) ? rows : undefined;
      }, 30_000, `${schema} to hold every trade and hold once`);
      expect(entries).toEqual(exactlyOnce);
    }
  });

  it('changes nothing when the same trade event is delivered again', async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await eventually(async () => (await consumerIdle('EVT_ENERGY', 'settlement-trade-holds')), 30_000, 'consumers to catch up');
    const before = await settledRowCounts(sys.db.url);
    const balances = await query(sys.db.url, 'SELECT owner, credits_posted_micro::text, debits_pending_micro::text, credits_pending_micro::text FROM settlement.account ORDER BY owner');

    const original = await jsm.streams.getMessage('EVT_ENERGY', { last_by_subj: TradeExecuted.subject });
    if (!original) throw new Error('no trade event in the stream');
    const eventId = original.header.get('Nats-Msg-Id');
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    // Same message id: JetStream drops it as a duplicate.
    const same = await js.publish(original.subject, original.data, { msgID: eventId });
    expect(same.duplicate).toBe(true);
    // A fresh message id gets past JetStream; the handlers must recognise the event themselves.
    const fresh = await js.publish(original.subject, original.data, { msgID: uuidv7() });
    expect(fresh.duplicate).toBe(false);

    await eventually(async () => (await consumerIdle('EVT_ENERGY', 'settlement-trade-holds')), 30_000, 'the redelivery to be consumed');
    expect(await settledRowCounts(sys.db.url)).toEqual(before);
    expect(await query(sys.db.url, 'SELECT owner, credits_posted_micro::text, debits_pending_micro::text, credits_pending_micro::text FROM settlement.account ORDER BY owner')).toEqual(balances);
  });
});
