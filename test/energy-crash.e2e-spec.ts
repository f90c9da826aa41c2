import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { registerDevice, submitOrder, type OrderBody, type RegisteredParticipant } from '@ampool/client';
import { TradeExecuted } from '@ampool/contracts';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { auditEnergyInterval, eventually, query, sendLikeAClient, startTestSystem, type TestSystem } from '@ampool/testing';

const ORDERS = 360;
const IN_FLIGHT = 24;

/**
 * energy-market is SIGKILLed in the middle of a burst of orders and restarted; clients retry
 * what failed with the same order id, as they should. Afterwards every order a client saw
 * accepted is stored unchanged or further along, every order ends up answered, the rebuilt
 * book (snapshot + journal) holds exactly the open orders the database holds, each order's
 * fills equal its trades, and no trade was announced twice.
 */
describe('energy-market killed during an order burst', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  beforeAll(async () => {
    sys = await startTestSystem({
      services: ['identity', 'settlement', 'energy-market'],
      serviceEnvOverrides: { 'energy-market': { SNAPSHOT_EVERY_BATCHES: '3', ENGINE_BATCH_MAX: '16' } },
    });
    nc = await connect(sys.natsAdmin);
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  it('loses no accepted order, repeats no trade, and rebuilds the same book', async () => {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 120_000) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();
    const op = await sys.operator();
    const sellers = await Promise.all(Array.from({ length: 4 }, () => sys.participant('household', 'seller')));
    const buyers = await Promise.all(Array.from({ length: 4 }, () => sys.participant('household', 'buyer')));
    for (const b of buyers) await sys.client.post('/v1/deposits', { id: uuidv7(), participant: b.did, amountMicro: '100000000000' }, op);
    const devices = new Map<string, string>();
    for (const s of sellers) devices.set(s.did, (await registerDevice(sys.client, s, 'pv_inverter', { powerW: 10_000_000n, capacityWh: 0n, reserveWh: 0n })).did);

    const energy = sys.processes.get('energy-market')!;
    const seenAccepted = new Map<string, { status: string; filledWh: string }>();
    const outcome = new Map<string, string>();
    let started = 0;
    let retries = 0;
    let killed: Promise<unknown> | undefined;
    const place = async (i: number) => {
      const sell = i % 2 === 0;
      const who: RegisteredParticipant = sell ? sellers[i % sellers.length]! : buyers[i % buyers.length]!;
      // Prices straddle each other so that about half the orders trade.
      const body: OrderBody = {
        id: uuidv7(), side: sell ? 'sell' : 'buy', zone: i % 3 === 0 ? 'south' : 'north', intervalStart,
        quantityWh: String(100 + (i % 7) * 50), limitPriceMicroPerKwh: String(sell ? 150_000 + (i % 11) * 2_000 : 160_000 + (i % 13) * 2_000),
        ...(sell ? { device: devices.get(who.did)! } : {}),
      };
      if (++started === Math.floor(ORDERS / 3)) killed = energy.kill('SIGKILL').then(() => sys.start('energy-market'));
      const r = await sendLikeAClient(() => submitOrder(sys.client, who, body), { attempts: 150, onRetry: () => retries++ });
      if (r.ok) seenAccepted.set(body.id, { status: r.value.order.status, filledWh: r.value.order.filledWh });
      outcome.set(body.id, r.ok ? 'accepted' : r.code);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < ORDERS) await place(next++);
      }),
    );
    await killed;
    expect(retries).toBeGreaterThan(0); // the kill landed in the middle of the burst

    // Every order was answered, and accepted: nothing is refused in this burst.
    expect(outcome.size).toBe(ORDERS);
    expect([...outcome.values()].filter((o) => o !== 'accepted')).toEqual([]);
    const audit = await auditEnergyInterval(sys.db.url, sys.client, intervalStart, ['north', 'south']);
    expect(audit.orders.size).toBe(ORDERS);
    for (const [id, seen] of seenAccepted) {
      const row = audit.orders.get(id);
      expect(row).toBeDefined();
      // Fills only ever grow after the answer.
      expect(BigInt(row!.filled_wh) >= BigInt(seen.filledWh)).toBe(true);
    }
    // Each order's fills are exactly its trades; no trade row exists twice in any form.
    expect(audit.fillsNotTrades).toEqual([]);
    expect(audit.quantitiesWrong).toEqual([]);
    expect(audit.tradeIds.length).toBeGreaterThan(0);
    expect(audit.repeatedTrades).toBe(0);
    // The rebuilt book holds exactly the open orders of the database.
    expect(audit.book).toEqual(audit.database);

    // Every trade was announced exactly once (a replay names trades as before and the
    // journal position keeps a batch's events from being written twice).
    await eventually(async () => {
      const [row] = await query<{ n: number }>(sys.db.url, 'SELECT count(*)::int AS n FROM energy.outbox');
      return row!.n === 0;
    }, 30_000, 'the outbox to drain');
    const announced = new Map<string, number>();
    const consumer = await jetstream(nc).consumers.get('EVT_ENERGY', { filter_subjects: TradeExecuted.subject, deliver_policy: DeliverPolicy.All });
    const info = await consumer.info();
    let left = info.num_pending;
    while (left > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(left, 500), expires: 2_000 });
      for await (const m of batch) {
        const id = (m.json() as { data: { id: string } }).data.id;
        announced.set(id, (announced.get(id) ?? 0) + 1);
        left--;
      }
    }
    expect(announced.size).toBe(audit.tradeIds.length);
    expect([...announced.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(announced.keys())).toEqual(new Set(audit.tradeIds));

    // Settlement holds each trade once, funded from its buy order's hold.
    await eventually(async () => {
      const [row] = await query<{ n: number }>(sys.db.url, "SELECT count(*)::int AS n FROM settlement.transfer WHERE code = 'hold'");
      return row!.n === audit.tradeIds.length;
    }, 60_000, 'every trade to be held');
  });
});
