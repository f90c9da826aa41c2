import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { registerDevice, signingWith, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { IntervalFinalized } from '@ampool/contracts';
import { fillValueMicro, nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { settleDeliveries } from '@ampool/settlement';
import { eventually, query, settledRowCounts, startTestSystem, type TestSystem } from '@ampool/testing';

const SELLERS = 45;
const BUYERS = 5;
const WH = 1_000n;
const PRICE = 200_000n; // each trade: 1 kWh at 0.20 = 200,000 µ held
const EXPORTS = [1_000n, 400n, 0n]; // full, short, nothing — by seller index

/**
 * Settlement is SIGKILLed while it settles a burst of finalized intervals, then restarted:
 * every trade ends settled exactly once (one resolution of its hold, each leg once), every
 * balance is what the delivery rules give, and the books balance. Then every metering event is
 * delivered again and nothing changes.
 */
describe('settlement killed while it settles deliveries', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let operator: Credentials;
  const api = (method: string, path: string, body: unknown, as: RegisteredParticipant | Credentials) =>
    sys.client.send(method, path, body, 'key' in as ? signingWith(as.key) : as) as Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    sys = await startTestSystem({
      serviceEnvOverrides: { settlement: { PLATFORM_FEE_BPS: '100', RETAIL_MICRO_PER_KWH: '300000', DELIVERY_SWEEP_MS: '200' } },
    });
    nc = await connect(sys.natsAdmin);
    operator = await sys.operator();
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  const settledCount = async () => Number((await query<{ n: string }>(sys.db.url, "SELECT count(*) AS n FROM settlement.energy_trade WHERE state = 'settled'"))[0]!.n);

  it('settles every trade exactly once', async () => {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 60_000) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();
    const sellers = await Promise.all(Array.from({ length: SELLERS }, (_, i) => sys.participant('household', `seller ${i}`)));
    const buyers = await Promise.all(Array.from({ length: BUYERS }, (_, i) => sys.participant('household', `buyer ${i}`)));
    for (const b of buyers) expect((await api('POST', '/v1/deposits', { id: uuidv7(), participant: b.did, amountMicro: '5000000' }, operator)).status).toBe(201);
    for (const s of sellers) {
      const battery = await registerDevice(sys.client, s, 'battery', { powerW: 10_000n, capacityWh: 13_500n, reserveWh: 1_350n });
      const r = await api('POST', '/v1/energy/orders', { id: uuidv7(), participant: s.did, side: 'sell', zone: 'north', intervalStart, quantityWh: String(WH), limitPriceMicroPerKwh: String(PRICE), device: battery.did }, s);
      expect(r.status).toBe(201);
    }
    // Each buy takes one whole sell order (same size, time priority).
    let next = 0;
    const worker = async () => {
      while (next < SELLERS) {
        const b = buyers[next++ % BUYERS]!;
        const r = await api('POST', '/v1/energy/orders', { id: uuidv7(), participant: b.did, side: 'buy', zone: 'north', intervalStart, quantityWh: String(WH), limitPriceMicroPerKwh: '250000' }, b);
        expect(r.body.trades).toHaveLength(1);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    const trades = await query<{ id: string; buyer: string; seller: string; executed_at: Date }>(sys.db.url, 'SELECT id::text, buyer, seller, executed_at FROM energy.trade');
    expect(trades).toHaveLength(SELLERS);
    await eventually(async () => Number((await query<{ n: string }>(sys.db.url, "SELECT count(*) AS n FROM settlement.transfer WHERE code = 'hold' AND state = 'pending'"))[0]!.n) === SELLERS, 30_000, 'every hold');
    await eventually(async () => Number((await query<{ n: string }>(sys.db.url, 'SELECT count(*) AS n FROM settlement.energy_trade'))[0]!.n) === SELLERS, 30_000, 'every trade recorded');

    // Metering finalizes every seller's interval.
    const js = jetstream(nc);
    const exportOf = (i: number) => EXPORTS[i % EXPORTS.length]!;
    const publish = (i: number) => {
      const id = uuidv7();
      const data = { device: sellers[i]!.did, owner: sellers[i]!.did, intervalStart: new Date(start), intervalMinutes: 15, importWh: 0n, exportWh: exportOf(i), quality: 'measured' as const, estimated: false, anomalies: [], socEndWh: null, revision: 0 as const };
      return js.publish(IntervalFinalized.subject, JSON.stringify(IntervalFinalized.envelope.encode({ id, subject: IntervalFinalized.subject, source: 'metering', occurredAt: new Date(), data })), { msgID: id });
    };
    // Two thirds are published at once and settlement dies a few settlements in; the rest
    // arrive while it is down.
    const first = Math.floor((2 * SELLERS) / 3);
    await Promise.all(sellers.slice(0, first).map((_, i) => publish(i)));
    await eventually(async () => (await settledCount()) >= 3, 30_000, 'settlement to start');
    await sys.processes.get('settlement')!.kill('SIGKILL');
    await Promise.all(sellers.slice(first).map((_, i) => publish(first + i)));
    expect(await settledCount()).toBeLessThan(SELLERS);

    await sys.start('settlement');
    await eventually(async () => (await settledCount()) === SELLERS, 60_000, 'every trade to settle after the restart');

    // Exactly once: each trade's hold resolved once, each leg at most once.
    const legs = await query<{ reference_id: string; code: string; n: number }>(
      sys.db.url, "SELECT reference_id::text, code, count(*)::int AS n FROM settlement.transfer WHERE reference_kind = 'energy.trade' GROUP BY 1, 2");
    expect(legs.filter((l) => l.n !== 1)).toEqual([]);
    const holds = await query<{ n: number }>(sys.db.url, "SELECT count(*)::int AS n FROM settlement.transfer WHERE code = 'hold' AND state = 'pending'");
    expect(holds).toEqual([{ n: 0 }]);

    // Balances are what the rules give, computed here from the trades alone.
    const expected = new Map<string, bigint>(buyers.map((b) => [b.did, 5_000_000n]));
    for (const t of trades) {
      const i = sellers.findIndex((s) => s.did === t.seller);
      const [s] = settleDeliveries(
        [{ id: t.id, buyer: t.buyer, seller: t.seller, energyWh: WH, priceMicroPerKwh: PRICE, gridFeeMicroPerKwh: 0n, valueMicro: fillValueMicro(PRICE, WH), buyerCostMicro: fillValueMicro(PRICE, WH), executedAt: t.executed_at.getTime() }],
        exportOf(i),
        { retailMicroPerKwh: 300_000n, platformFeeBps: 100n },
      );
      expected.set(t.buyer, expected.get(t.buyer)! - s!.buyerPaysMicro);
      const penaltyPaid = s!.sellerPenaltyMicro < s!.sellerReceivesMicro ? s!.sellerPenaltyMicro : s!.sellerReceivesMicro;
      expected.set(t.seller, s!.sellerReceivesMicro - penaltyPaid);
    }
    const actual = await query<{ owner: string; balance: string; pending: string }>(
      sys.db.url, "SELECT owner, (credits_posted_micro - debits_posted_micro)::text AS balance, debits_pending_micro::text AS pending FROM settlement.account WHERE kind = 'participant'");
    expect(Object.fromEntries(actual.map((a) => [a.owner, [a.balance, a.pending]]))).toEqual(Object.fromEntries([...expected].map(([k, v]) => [k, [v.toString(), '0']])));
    expect((await api('GET', '/v1/settlement/invariants', undefined, operator)).body).toMatchObject({ ok: true, problems: [] });

    // Every metering event again, under fresh message ids: nothing changes.
    const jsm = await jetstreamManager(nc);
    const before = await settledRowCounts(sys.db.url);
    const info = await jsm.streams.info('EVT_METERING');
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage('EVT_METERING', { seq });
      if (m) await js.publish(m.subject, m.data, { msgID: uuidv7() });
    }
    await eventually(async () => {
      const c = await jsm.consumers.info('EVT_METERING', 'settlement-intervals-finalized');
      return c.num_pending + c.num_ack_pending === 0;
    }, 30_000, 'the replay to be consumed');
    expect(await settledRowCounts(sys.db.url)).toEqual(before);
  });
});
