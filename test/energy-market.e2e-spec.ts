import {
  cancelOrder,
  configureArea,
  marketDepth,
  marketStats,
  myOrders,
  registerDevice,
  replaceOrder,
  signingWith,
  submitOrder,
  submitOrders,
  uploadReadings,
  type AreaBody,
  type Credentials,
  type OrderBody,
  type RegisteredParticipant,
} from '@ampool/client';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { eventually, query, settledRowCounts, startTestSystem, type TestSystem } from '@ampool/testing';

/**
 * The energy market through the gateway: operator-configured areas, the price band, cross-zone
 * trades within grid fees and transfer capacity, buy orders funded by settlement holds,
 * device limits, cancel / replace / list / batch, the public read models, and a call auction
 * at gate closure.
 */
describe('the energy market', () => {
  let sys: TestSystem;
  let op: Credentials;
  let seller: RegisteredParticipant;
  let buyer: RegisteredParticipant;
  let pv: string;
  const api = (method: string, path: string, body: unknown, as: RegisteredParticipant | Credentials) =>
    sys.client.send(method, path, body, 'did' in as ? signingWith(as.key) : as) as Promise<{ status: number; body: any }>;

  const WEST: AreaBody = {
    zones: ['west-a', 'west-b'], intervalMinutes: 15, openAheadMinutes: 24 * 60, gateClosureMinutes: 0, closingCallMinutes: 0,
    feedInMicroPerKwh: '80000', retailMicroPerKwh: '300000', mode: 'continuous',
    pairs: [
      { from: 'west-a', to: 'west-a', gridFeeMicroPerKwh: '2000', transferCapacityWh: null },
      { from: 'west-b', to: 'west-b', gridFeeMicroPerKwh: '2000', transferCapacityWh: null },
      { from: 'west-b', to: 'west-a', gridFeeMicroPerKwh: '20000', transferCapacityWh: '500' },
    ],
  };

  /** A 15-minute interval open for trading: the next one (at least two minutes ahead), or later ones. */
  function interval(later = 0): string {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 120_000) start = nextIntervalStartMs(start);
    return new Date(start + later * 900_000).toISOString();
  }

  async function pending(p: RegisteredParticipant): Promise<string> {
    return (await api('GET', `/v1/accounts/${p.did}`, undefined, p)).body.account.debitsPendingMicro;
  }

  beforeAll(async () => {
    sys = await startTestSystem({ services: ['identity', 'settlement', 'metering', 'energy-market'], serviceEnvOverrides: { 'energy-market': { POLICY_EVAL_MS: '300' } } });
    op = await sys.operator();
    seller = await sys.participant('household', 'Roof S');
    buyer = await sys.participant('household', 'Roof B');
    await sys.client.post('/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: '2000000' }, op);
    pv = (await registerDevice(sys.client, seller, 'pv_inverter', { powerW: 20_000n, capacityWh: 0n, reserveWh: 0n })).did;
    await configureArea(sys.client, op, 'west', WEST);
  });
  afterAll(() => sys?.stop());

  it('lists the configured areas publicly, and applies a new configuration as a new version', async () => {
    const { areas } = await sys.client.get<{ areas: { id: string; version: number; zones: string[] }[] }>('/v1/energy/areas');
    expect(areas.map((a) => a.id)).toEqual(['default', 'west']);
    const again = await configureArea(sys.client, op, 'west', WEST);
    expect(again.area.version).toBe(2);
    // Each change is audited with the operator who made it.
    const audit = await query<{ actor: string; action: string }>(sys.db.url, `SELECT actor, action FROM energy.audit WHERE target = 'west' ORDER BY seq`);
    expect(audit).toEqual([1, 2].map(() => ({ actor: expect.stringMatching(/^operator:/), action: 'area.configure' })));
  });

  it('trades across zones only within the grid fee and the transfer capacity, and consumes that capacity', async () => {
    const at = interval();
    const sell = await submitOrder(sys.client, seller, { id: uuidv7(), side: 'sell', zone: 'west-b', intervalStart: at, quantityWh: '1000', limitPriceMicroPerKwh: '100000', device: pv });
    expect(sell.order.status).toBe('open');
    // 119,999 delivered does not cover 100,000 + a 20,000 fee.
    const low = await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'west-a', intervalStart: at, quantityWh: '1000', limitPriceMicroPerKwh: '119999', timeInForce: 'IOC' });
    expect(low).toMatchObject({ trades: [], order: { status: 'cancelled', filledWh: '0' } });
    // 130,000 covers it, for the 500 Wh the line west-b → west-a can still carry.
    const high = await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'west-a', intervalStart: at, quantityWh: '1000', limitPriceMicroPerKwh: '130000', timeInForce: 'IOC' });
    expect(high.trades).toHaveLength(1);
    expect(high.trades[0]).toMatchObject({
      sellerZone: 'west-b', buyerZone: 'west-a', zone: 'west-a', energyWh: '500', priceMicroPerKwh: '100000', gridFeeMicroPerKwh: '20000', valueMicro: '50000', buyerCostMicro: '60000',
    });
    expect(high.order).toMatchObject({ status: 'cancelled', filledWh: '500', remainingWh: '0' });
    // The capacity is used up: the rest of the sell stays for its own zone.
    const more = await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'west-a', intervalStart: at, quantityWh: '100', limitPriceMicroPerKwh: '300000', timeInForce: 'IOC' });
    expect(more.trades).toEqual([]);
    const local = await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'west-b', intervalStart: at, quantityWh: '100', limitPriceMicroPerKwh: '300000', timeInForce: 'FOK' });
    expect(local.trades[0]).toMatchObject({ sellerZone: 'west-b', buyerZone: 'west-b', gridFeeMicroPerKwh: '2000', energyWh: '100' });

    // The public tape names zones and prices, never participants or orders.
    const tape = await sys.client.get<{ trades: Record<string, unknown>[] }>(`/v1/energy/markets/west-b/${at}/trades`);
    expect(tape.trades.map((t) => t.energyWh)).toEqual(['500', '100']);
    expect(JSON.stringify(tape)).not.toContain(buyer.did);
    const stats = await marketStats(sys.client, 'west-a', at);
    expect(stats).toMatchObject({ phase: 'continuous', tradeCount: 1, volumeWh: '500', lastPriceMicroPerKwh: '100000', clearingPriceMicroPerKwh: null });
    const depth = await marketDepth(sys.client, 'west-b', at);
    expect(depth.asks).toEqual([{ priceMicroPerKwh: '100000', openWh: '400', orderCount: 1 }]);
  });

  it('holds a buy order’s most possible cost before accepting it, and gives it back when the order is cancelled', async () => {
    const at = interval();
    const buyer = await sys.participant('household', 'Roof C');
    await sys.client.post('/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: '1000000' }, op);
    const before = await pending(buyer);
    expect(before).toBe('0');
    const order = await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'west-a', intervalStart: at, quantityWh: '2000', limitPriceMicroPerKwh: '150000' });
    expect(order.order.status).toBe('open');
    expect(BigInt(await pending(buyer)) - BigInt(before)).toBe(300_000n);
    // 9 kWh at up to 0.30 is more than the buyer has left: refused, with nothing held.
    const rows = await settledRowCounts(sys.db.url);
    const poor = await api('POST', '/v1/energy/orders', { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'west-a', intervalStart: at, quantityWh: '9000', limitPriceMicroPerKwh: '300000' }, buyer);
    expect({ status: poor.status, code: poor.body.code }).toEqual({ status: 422, code: 'INSUFFICIENT_FUNDS' });
    expect(await settledRowCounts(sys.db.url)).toEqual(rows);

    const cancelled = await cancelOrder(sys.client, buyer.key, order.order.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', remainingWh: '0' });
    await eventually(async () => (await pending(buyer)) === before, 30_000, 'the cancelled order’s hold to be released');
    // Cancelling again answers the same; another household cannot see it at all.
    expect((await cancelOrder(sys.client, buyer.key, order.order.id)).status).toBe('cancelled');
    expect((await api('POST', `/v1/energy/orders/${order.order.id}/cancel`, {}, seller)).body.code).toBe('NOT_FOUND');
  });

  it('refuses a sell its device cannot deliver, counting the device’s other sells in the interval', async () => {
    const at = interval();
    // 20 kW × 15 min = 5 kWh.
    const first = await submitOrder(sys.client, seller, { id: uuidv7(), side: 'sell', zone: 'west-a', intervalStart: at, quantityWh: '4000', limitPriceMicroPerKwh: '290000', device: pv });
    expect(first.order.status).toBe('open');
    const second = await api('POST', '/v1/energy/orders', { id: uuidv7(), participant: seller.did, side: 'sell', zone: 'west-a', intervalStart: at, quantityWh: '1001', limitPriceMicroPerKwh: '290000', device: pv }, seller);
    expect({ status: second.status, code: second.body.code }).toEqual({ status: 422, code: 'DEVICE_CANNOT_DELIVER' });
    // Replacing down frees room; the freed room can be sold.
    const replaced = await replaceOrder(sys.client, seller.key, first.order.id, { quantityWh: '3000', limitPriceMicroPerKwh: '290000' });
    expect(replaced.order).toMatchObject({ quantityWh: '3000', remainingWh: '3000' });
    const third = await submitOrder(sys.client, seller, { id: uuidv7(), side: 'sell', zone: 'west-a', intervalStart: at, quantityWh: '1000', limitPriceMicroPerKwh: '290000', device: pv });
    expect(third.order.status).toBe('open');
  });

  it('limits a battery’s sells by the charge it last reported above its reserve, less what it sells for intervals after that report', async () => {
    const home = await sys.participant('household', 'Battery home');
    const battery = await registerDevice(sys.client, home, 'battery', { powerW: 10_000n, capacityWh: 10_000n, reserveWh: 1_000n });
    const sell = (at: string, wh: number) =>
      api('POST', '/v1/energy/orders', { id: uuidv7(), participant: home.did, side: 'sell', zone: 'west-a', intervalStart: at, quantityWh: String(wh), limitPriceMicroPerKwh: '290000', device: battery.did }, home);
    const [a, b] = [interval(4), interval(5)];
    // Before any report the battery is taken as full to its rating: 10 kW × 15 min.
    expect((await sell(a, 2_501)).body.code).toBe('DEVICE_CANNOT_DELIVER');

    // It reports 3 kWh: 2 kWh above the reserve, for all intervals after the report together.
    const reported = await uploadReadings(sys.client, battery, [{ atMs: Date.now() - 60_000, importWh: 0n, exportWh: 0n, socWh: 3_000n }]);
    expect(reported.stored).toBe(1);
    const over = await sell(a, 2_001);
    expect({ status: over.status, code: over.body.code }).toEqual({ status: 422, code: 'DEVICE_CANNOT_DELIVER' });
    expect((await sell(a, 1_500)).status).toBe(201);
    expect((await sell(b, 501)).body.code).toBe('DEVICE_CANNOT_DELIVER');
    expect((await sell(b, 500)).status).toBe(201);
    const open = await myOrders(sys.client, home.key);
    expect(open.orders.map((o) => o.quantityWh).sort()).toEqual(['1500', '500']);

    // A newer report with more charge makes room again (up to the power limit per interval).
    await uploadReadings(sys.client, battery, [{ atMs: Date.now() - 30_000, importWh: 0n, exportWh: 0n, socWh: 9_000n }]);
    expect((await sell(b, 2_001)).body.code).toBe('DEVICE_CANNOT_DELIVER');
    expect((await sell(b, 2_000)).status).toBe(201);
  });

  it('accepts a batch of orders in one signed request, answering each on its own, and retries idempotently', async () => {
    const at = interval(1);
    const orders: OrderBody[] = [
      { id: uuidv7(), side: 'sell', zone: 'west-a', intervalStart: at, quantityWh: '300', limitPriceMicroPerKwh: '200000', device: pv },
      { id: uuidv7(), side: 'sell', zone: 'west-a', intervalStart: at, quantityWh: '300', limitPriceMicroPerKwh: '400000', device: pv },
      { id: uuidv7(), side: 'sell', zone: 'nowhere', intervalStart: at, quantityWh: '300', limitPriceMicroPerKwh: '200000', device: pv },
    ];
    const results = await submitOrders(sys.client, seller, orders);
    expect(results.map((r) => (r.status === 'accepted' ? r.order.status : r.code))).toEqual(['open', 'PRICE_OUT_OF_BAND', 'ZONE_UNKNOWN']);
    const again = await submitOrders(sys.client, seller, orders);
    expect(again.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected']);
    const conflict = await submitOrders(sys.client, seller, [{ ...orders[0]!, quantityWh: '301' }]);
    expect(conflict[0]).toMatchObject({ status: 'rejected', code: 'ID_CONFLICT' });

    const mine = await myOrders(sys.client, seller.key, `intervalStart=${encodeURIComponent(at)}`);
    expect(mine.orders.map((o) => o.id)).toEqual([orders[0]!.id]);
  });

  it('runs a call auction at gate closure: one clearing price, unmatched volume reported, what rests expires', async () => {
    // 5-minute intervals whose gate closes 10 to 70 seconds from now.
    let start = nextIntervalStartMs(Date.now(), 5);
    if (start - Date.now() < 20_000) start += 300_000;
    const gateClosureMinutes = Math.floor((start - Date.now() - 12_000) / 60_000);
    await configureArea(sys.client, op, 'east', {
      zones: ['east'], intervalMinutes: 5, openAheadMinutes: 60, gateClosureMinutes, closingCallMinutes: 0,
      feedInMicroPerKwh: '80000', retailMicroPerKwh: '300000', mode: 'call-auction', pairs: [],
    });
    const at = new Date(start).toISOString();
    const big = (await registerDevice(sys.client, seller, 'pv_inverter', { powerW: 200_000n, capacityWh: 0n, reserveWh: 0n })).did;
    const sells = [['3000', '100000'], ['2000', '120000'], ['4000', '150000']] as const;
    const buys = [['2000', '170000'], ['2000', '140000'], ['2000', '140000']] as const;
    for (const [q, p] of sells) await submitOrder(sys.client, seller, { id: uuidv7(), side: 'sell', zone: 'east', intervalStart: at, quantityWh: q, limitPriceMicroPerKwh: p, device: big });
    const buyIds: string[] = [];
    for (const [q, p] of buys) buyIds.push((await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'east', intervalStart: at, quantityWh: q, limitPriceMicroPerKwh: p })).order.id);
    // The book may cross until the auction; immediate orders have no place in a call phase.
    expect((await marketDepth(sys.client, 'east', at)).phase).toBe('call');
    const ioc = await api('POST', '/v1/energy/orders', { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'east', intervalStart: at, quantityWh: '10', limitPriceMicroPerKwh: '200000', timeInForce: 'IOC' }, buyer);
    expect(ioc.body.code).toBe('OUT_OF_RANGE');

    const stats = await eventually(async () => {
      const s = await marketStats(sys.client, 'east', at);
      return s.phase === 'closed' ? s : undefined;
    }, 120_000, 'gate closure');
    // For prices 120k–140k demand is 6,000 Wh and supply 5,000 Wh: 5,000 Wh clear at the
    // highest such price (buy pressure).
    expect(stats).toMatchObject({ clearingPriceMicroPerKwh: '140000', volumeWh: '5000', tradeCount: expect.any(Number) });
    const trades = await query<{ price: string }>(sys.db.url, `SELECT DISTINCT price_micro_per_kwh::text AS price FROM energy.trade WHERE interval_start = $1 AND buyer_zone = 'east'`, [at]);
    expect(trades).toEqual([{ price: '140000' }]);
    const orders = await query<{ status: string; n: number }>(sys.db.url, `SELECT status, count(*)::int AS n FROM energy."order" WHERE interval_start = $1 AND zone = 'east' GROUP BY status ORDER BY status`, [at]);
    expect(orders).toEqual([{ status: 'expired', n: 2 }, { status: 'filled', n: 4 }]);
    // Orders can no longer be placed.
    const late = await api('POST', '/v1/energy/orders', { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'east', intervalStart: at, quantityWh: '10', limitPriceMicroPerKwh: '200000' }, buyer);
    expect(late.body.code).toBe('INTERVAL_NOT_OPEN');
  });

  it('turns standing policies into ordinary orders, one per interval and policy, however often they are evaluated', async () => {
    const household = await sys.participant('household', 'Roof P');
    await sys.client.post('/v1/deposits', { id: uuidv7(), participant: household.did, amountMicro: '10000000' }, op);
    // 10 kW and 10 kWh with a 1 kWh reserve: above 40 % it holds 6 kWh, of which 2.5 kWh can go out in 15 minutes.
    const battery = await registerDevice(sys.client, household, 'battery', { powerW: 10_000n, capacityWh: 10_000n, reserveWh: 1_000n });
    const sell = await api('POST', '/v1/energy/policies', { id: uuidv7(), policy: { kind: 'sell-surplus', zone: 'west-a', device: battery.did, abovePercent: 40, minPriceMicroPerKwh: '250000' } }, household);
    expect(sell.status).toBe(201);
    const buy = await api('POST', '/v1/energy/policies', { id: uuidv7(), policy: { kind: 'buy-below', zone: 'west-b', quantityWh: '300', maxPriceMicroPerKwh: '90000' } }, household);
    expect(buy.status).toBe(201);
    const notMine = await api('POST', '/v1/energy/policies', { id: uuidv7(), policy: { kind: 'sell-surplus', zone: 'west-a', device: pv, abovePercent: 40, minPriceMicroPerKwh: '250000' } }, household);
    expect(notMine.body.code).toBe('DEVICE_NOT_OWNED');

    const placed = await eventually(async () => {
      const { orders } = await myOrders(sys.client, household.key);
      return orders.length >= 2 ? orders : undefined;
    }, 30_000, 'the policies to place their orders');
    expect(placed.find((o) => o.side === 'sell')).toMatchObject({ zone: 'west-a', quantityWh: '2500', limitPriceMicroPerKwh: '250000', device: battery.did });
    expect(placed.find((o) => o.side === 'buy')).toMatchObject({ zone: 'west-b', quantityWh: '300', limitPriceMicroPerKwh: '90000' });
    // Several more evaluations later: still one order per policy and interval.
    await new Promise((r) => setTimeout(r, 1_500));
    const { orders } = await myOrders(sys.client, household.key);
    const perInterval = new Map<string, number>();
    for (const o of orders) perInterval.set(`${o.side}|${o.intervalStart}`, (perInterval.get(`${o.side}|${o.intervalStart}`) ?? 0) + 1);
    expect([...perInterval.values()].every((n) => n === 1)).toBe(true);

    const stopped = await api('POST', `/v1/energy/policies/${sell.body.policy.id}/stop`, {}, household);
    expect(stopped.body.policy.active).toBe(false);
    expect((await api('GET', '/v1/energy/policies', undefined, household)).body.policies.map((p: { active: boolean }) => p.active).sort()).toEqual([false, true]);
  });

  it('cancels a suspended participant’s open orders through the journal', async () => {
    const at = interval(2);
    const household = await sys.participant('household', 'Roof Z');
    const device = (await registerDevice(sys.client, household, 'pv_inverter', { powerW: 8_000n, capacityWh: 0n, reserveWh: 0n })).did;
    const order = await submitOrder(sys.client, household, { id: uuidv7(), side: 'sell', zone: 'west-b', intervalStart: at, quantityWh: '1000', limitPriceMicroPerKwh: '280000', device });
    expect(order.order.status).toBe('open');
    await sys.client.post(`/v1/participants/${household.did}/suspend`, { reason: 'test' }, op);
    await eventually(async () => {
      const [row] = await query<{ status: string }>(sys.db.url, 'SELECT status FROM energy."order" WHERE id = $1', [order.order.id]);
      return row!.status === 'cancelled';
    }, 30_000, 'the open order to be cancelled');
    expect((await marketDepth(sys.client, 'west-b', at)).asks).toEqual([]);
  });
});
