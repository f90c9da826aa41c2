import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { ApiError, marketDepth, registerDevice, submitOrder, type OrderBody, type RegisteredParticipant } from '@ampool/client';
import { TradeExecuted } from '@ampool/contracts';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { eventually, query, startTestSystem, type TestSystem } from '@ampool/testing';

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
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await submitOrder(sys.client, who, body);
          seenAccepted.set(body.id, { status: r.order.status, filledWh: r.order.filledWh });
          outcome.set(body.id, 'accepted');
          return;
        } catch (error) {
          const retryable = !(error instanceof ApiError) || [503, 504].includes(error.status);
          if (!retryable) {
            outcome.set(body.id, (error as ApiError).body?.code ?? 'ERROR');
            return;
          }
          if (attempt > 150) throw error;
          retries++;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
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
    const rows = await query<{ id: string; status: string; quantity_wh: string; filled_wh: string; remaining_wh: string; side: string; zone: string }>(
      sys.db.url,
      'SELECT id::text, status, quantity_wh::text, filled_wh::text, remaining_wh::text, side, zone FROM energy."order" WHERE interval_start = $1',
      [intervalStart],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(rows).toHaveLength(ORDERS);
    for (const [id, seen] of seenAccepted) {
      const row = byId.get(id);
      expect(row).toBeDefined();
      // Fills only ever grow after the answer.
      expect(BigInt(row!.filled_wh) >= BigInt(seen.filledWh)).toBe(true);
    }

    // Each order's fills are exactly its trades; no trade row exists twice in any form.
    const fills = await query<{ id: string; wh: string }>(
      sys.db.url,
      `SELECT o.id::text, COALESCE(sum(t.energy_wh), 0)::text AS wh FROM energy."order" o
       LEFT JOIN energy.trade t ON t.buy_order_id = o.id OR t.sell_order_id = o.id WHERE o.interval_start = $1 GROUP BY o.id`,
      [intervalStart],
    );
    for (const f of fills) expect(f.wh).toBe(byId.get(f.id)!.filled_wh);
    for (const r of rows) {
      expect(BigInt(r.filled_wh) + BigInt(r.remaining_wh) <= BigInt(r.quantity_wh)).toBe(true);
      if (r.status === 'open') expect(BigInt(r.filled_wh) + BigInt(r.remaining_wh)).toBe(BigInt(r.quantity_wh));
    }
    const trades = await query<{ id: string; trade_seq: number }>(sys.db.url, 'SELECT id::text, trade_seq FROM energy.trade WHERE interval_start = $1', [intervalStart]);
    expect(trades.length).toBeGreaterThan(0);
    expect(new Set(trades.map((t) => t.trade_seq)).size).toBe(trades.length);

    // The rebuilt book holds exactly the open orders of the database.
    for (const zone of ['north', 'south']) {
      const depth = await marketDepth(sys.client, zone, intervalStart);
      for (const [side, levels] of [['buy', depth.bids], ['sell', depth.asks]] as const) {
        const inBook = levels.reduce((s, l) => s + BigInt(l.openWh), 0n);
        const inDb = rows.filter((r) => r.zone === zone && r.side === side && r.status === 'open').reduce((s, r) => s + BigInt(r.remaining_wh), 0n);
        expect({ zone, side, wh: inBook }).toEqual({ zone, side, wh: inDb });
      }
    }

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
    expect(announced.size).toBe(trades.length);
    expect([...announced.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(announced.keys())).toEqual(new Set(trades.map((t) => t.id)));

    // Settlement holds each trade once, funded from its buy order's hold.
    await eventually(async () => {
      const [row] = await query<{ n: number }>(sys.db.url, "SELECT count(*)::int AS n FROM settlement.transfer WHERE code = 'hold'");
      return row!.n === trades.length;
    }, 60_000, 'every trade to be held');
  });
});
