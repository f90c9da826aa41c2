import { configureArea, marketFlows, registerDevice, submitOrder, type AreaBody, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { openSse, startTestSystem, type SseFrame, type TestSystem } from '@ampool/testing';

/**
 * Cross-zone flows through the gateway: what the market's cross-zone trades moved across each
 * link of an area, per delivery interval, against the capacity the market opened with.
 */
describe('cross-zone flows against transfer capacity', () => {
  let sys: TestSystem;
  let op: Credentials;
  let seller: RegisteredParticipant;
  let buyer: RegisteredParticipant;
  let pv: string;
  /** The interval the first test filled the link a → b in. */
  let full: string;

  const RIDGE: AreaBody = {
    zones: ['ridge-a', 'ridge-b', 'ridge-c'], intervalMinutes: 15, openAheadMinutes: 24 * 60, gateClosureMinutes: 0, closingCallMinutes: 0,
    feedInMicroPerKwh: '80000', retailMicroPerKwh: '300000', mode: 'continuous',
    pairs: [
      { from: 'ridge-a', to: 'ridge-a', gridFeeMicroPerKwh: '0', transferCapacityWh: null },
      { from: 'ridge-b', to: 'ridge-b', gridFeeMicroPerKwh: '0', transferCapacityWh: null },
      { from: 'ridge-a', to: 'ridge-b', gridFeeMicroPerKwh: '10000', transferCapacityWh: '3000' },
      { from: 'ridge-b', to: 'ridge-a', gridFeeMicroPerKwh: '10000', transferCapacityWh: null },
    ],
  };

  function interval(later = 0): string {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 120_000) start = nextIntervalStartMs(start);
    return new Date(start + later * 900_000).toISOString();
  }

  beforeAll(async () => {
    sys = await startTestSystem({ services: ['identity', 'settlement', 'energy-market'], gatewayEnv: { LIVE_MARKETS_SECONDS: '1' } });
    op = await sys.operator();
    seller = await sys.participant('household', 'Ridge Seller');
    buyer = await sys.participant('household', 'Ridge Buyer');
    await sys.client.post('/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: '5000000' }, op);
    pv = (await registerDevice(sys.client, seller, 'pv_inverter', { powerW: 40_000n, capacityWh: 0n, reserveWh: 0n })).did;
    await configureArea(sys.client, op, 'ridge', RIDGE);
  });
  afterAll(() => sys?.stop());

  it('reports the Wh traded across a link as used and the capacity left as remaining, until the link is full', async () => {
    const at = interval();
    full = at;
    const sell = (quantityWh: string) => submitOrder(sys.client, seller, { id: uuidv7(), side: 'sell', zone: 'ridge-a', intervalStart: at, quantityWh, limitPriceMicroPerKwh: '100000', device: pv });
    const buy = (zone: string, quantityWh: string) => submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone, intervalStart: at, quantityWh, limitPriceMicroPerKwh: '150000', timeInForce: 'IOC' });

    // Before any order the market is not open: nothing used, the area's capacities.
    const before = await marketFlows(sys.client, 'ridge', { intervalStart: at });
    expect(before).toEqual({
      area: 'ridge',
      zones: ['ridge-a', 'ridge-b', 'ridge-c'],
      markets: [
        {
          intervalStart: at,
          phase: 'pending',
          links: [
            { from: 'ridge-a', to: 'ridge-b', capacityWh: '3000', usedWh: '0', remainingWh: '3000' },
            { from: 'ridge-b', to: 'ridge-a', capacityWh: null, usedWh: '0', remainingWh: null },
          ],
        },
      ],
    });

    await sell('2000');
    const first = await buy('ridge-b', '1200');
    const local = await buy('ridge-a', '300');
    await sell('4000');
    const second = await buy('ridge-b', '4000');
    const traded = [...first.trades, ...local.trades, ...second.trades];
    const crossWh = traded.filter((t) => t.sellerZone !== t.buyerZone).reduce((sum, t) => sum + BigInt(t.energyWh), 0n);
    // The link a → b carries 3,000 Wh at most: the second buy gets what remained of it.
    expect(crossWh).toBe(3000n);
    expect(traded.filter((t) => t.sellerZone === t.buyerZone).map((t) => t.energyWh)).toEqual(['300']);

    const one = await marketFlows(sys.client, 'ridge', { intervalStart: at });
    expect(one.markets).toEqual([
      {
        intervalStart: at,
        phase: 'continuous',
        links: [
          { from: 'ridge-a', to: 'ridge-b', capacityWh: '3000', usedWh: crossWh.toString(), remainingWh: (3000n - crossWh).toString() },
          { from: 'ridge-b', to: 'ridge-a', capacityWh: null, usedWh: '0', remainingWh: null },
        ],
      },
    ]);
    // Without an interval: the area's open markets, earliest first, the same figures.
    const open = await marketFlows(sys.client, 'ridge');
    expect(open.markets.find((m) => m.intervalStart === at)).toEqual(one.markets[0]);
    // Zones and energy only: no participant, order or trade is named.
    const text = JSON.stringify(one);
    for (const id of [seller.did, buyer.did, pv, ...traded.map((t) => t.id)]) expect(text).not.toContain(id);
  });

  it('counts each interval on its own, and keeps a market\'s capacity when the area changes', async () => {
    const at = full;
    const later = new Date(Date.parse(at) + 900_000).toISOString();
    await submitOrder(sys.client, seller, { id: uuidv7(), side: 'sell', zone: 'ridge-a', intervalStart: later, quantityWh: '500', limitPriceMicroPerKwh: '100000', device: pv });
    const bought = await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'ridge-b', intervalStart: later, quantityWh: '500', limitPriceMicroPerKwh: '150000', timeInForce: 'IOC' });
    expect(bought.trades.map((t) => t.energyWh)).toEqual(['500']);
    // The link's capacity is raised: open markets keep the one they opened with, new ones get it.
    await configureArea(sys.client, op, 'ridge', { ...RIDGE, pairs: RIDGE.pairs.map((p) => (p.transferCapacityWh === '3000' ? { ...p, transferCapacityWh: '8000' } : p)) });

    const link = async (intervalStart: string) => (await marketFlows(sys.client, 'ridge', { intervalStart })).markets[0]!.links.find((l) => l.from === 'ridge-a' && l.to === 'ridge-b');
    expect(await link(at)).toEqual({ from: 'ridge-a', to: 'ridge-b', capacityWh: '3000', usedWh: '3000', remainingWh: '0' });
    expect(await link(later)).toEqual({ from: 'ridge-a', to: 'ridge-b', capacityWh: '3000', usedWh: '500', remainingWh: '2500' });
    expect(await link(new Date(Date.parse(at) + 2 * 900_000).toISOString())).toEqual({ from: 'ridge-a', to: 'ridge-b', capacityWh: '8000', usedWh: '0', remainingWh: '8000' });
    const open = await marketFlows(sys.client, 'ridge', { limit: 1 });
    expect(open.markets.map((m) => m.intervalStart)).toEqual([at]);
  });

  it('refuses an unknown area and an interval off the area\'s grid, changing nothing', async () => {
    const unknown = await sys.client.send('GET', '/v1/energy/areas/atlantis/flows', undefined);
    expect({ status: unknown.status, code: (unknown.body as { code: string }).code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    const offGrid = new Date(Date.parse(interval()) + 60_000).toISOString();
    const misaligned = await sys.client.send('GET', `/v1/energy/areas/ridge/flows?intervalStart=${offGrid}`, undefined);
    expect({ status: misaligned.status, code: (misaligned.body as { code: string }).code }).toEqual({ status: 422, code: 'INTERVAL_NOT_OPEN' });
  });

  it('pushes the open markets\' books and flows on the operator live stream, and only when they changed', async () => {
    const { sessionCookie } = (await sys.operator()) as { sessionCookie: string };
    const stream = await openSse(`${sys.gatewayUrl}/v1/operator/live`, { cookie: sessionCookie });
    try {
      type Snapshot = { areas: { area: string; markets: { intervalStart: string; depth: { zone: string; bids: unknown[]; asks: unknown[] }[]; links: unknown[] }[] }[]; truncated: boolean };
      const ridge = (f: SseFrame) => (JSON.parse(f.data) as Snapshot).areas.find((a) => a.area === 'ridge')!;
      const first = ridge(await stream.next((f) => f.event === 'markets', 10_000));
      const market = first.markets.find((m) => m.intervalStart === full)!;
      expect(market.links).toContainEqual({ from: 'ridge-a', to: 'ridge-b', capacityWh: '3000', usedWh: '3000', remainingWh: '0' });
      // 6,000 Wh offered, 3,300 Wh bought: the rest of the second sell rests.
      expect(market.depth.find((d) => d.zone === 'ridge-a')).toEqual({ zone: 'ridge-a', bids: [], asks: [{ priceMicroPerKwh: '100000', openWh: '2700', orderCount: 1 }] });
      expect(market.depth.map((d) => d.zone)).toEqual(['ridge-a', 'ridge-b', 'ridge-c']);
      expect(stream.frames.map((f) => f.data).join('')).not.toContain(buyer.did);

      // Nothing changes for three periods: nothing is sent again. (A gate closing in some area
      // during the window does change the open markets, so a window is tried up to three times;
      // a feed that re-sent unchanged books would fail every one.)
      const count = () => stream.frames.filter((f) => f.event === 'markets').length;
      let quiet = false;
      for (let attempt = 0; attempt < 3 && !quiet; attempt++) {
        const seen = count();
        await new Promise((r) => setTimeout(r, 3_500));
        quiet = count() === seen;
      }
      expect(quiet).toBe(true);

      // A bid rests in ridge-b: the next snapshot shows it.
      await submitOrder(sys.client, buyer, { id: uuidv7(), side: 'buy', zone: 'ridge-b', intervalStart: full, quantityWh: '600', limitPriceMicroPerKwh: '90000' });
      const after = ridge(await stream.next((f) => f.event === 'markets', 10_000));
      expect(after.markets.find((m) => m.intervalStart === full)!.depth.find((d) => d.zone === 'ridge-b')!.bids).toEqual([{ priceMicroPerKwh: '90000', openWh: '600', orderCount: 1 }]);
    } finally {
      stream.close();
    }
  });
});
