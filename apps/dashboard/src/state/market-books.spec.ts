import { applyMarkets, depthLadder, emptyMarketsState, FLOW_INTERVALS, linkFill, linkPercent, pickMarket } from './market-books';

const level = (price: string, wh: string, n = 1) => ({ priceMicroPerKwh: price, openWh: wh, orderCount: n });

describe('depthLadder', () => {
  it('puts asks above the spread highest first and bids below best first, with cumulative volume', () => {
    const { rows, spreadMicroPerKwh } = depthLadder({
      bids: [level('200000', '1000', 2), level('190000', '3000')],
      asks: [level('210000', '500'), level('230000', '1500', 3)],
    });
    expect(rows.map((r) => [r.side, r.priceMicroPerKwh, r.cumulativeWh])).toEqual([
      ['ask', 230000n, 2000n],
      ['ask', 210000n, 500n],
      ['bid', 200000n, 1000n],
      ['bid', 190000n, 4000n],
    ]);
    expect(rows.map((r) => r.share)).toEqual([0.5, 0.125, 0.25, 1]);
    expect(spreadMicroPerKwh).toBe(10000n);
  });

  it('has no spread and no bars for a one-sided or empty book', () => {
    expect(depthLadder({ bids: [level('200000', '10')], asks: [] }).spreadMicroPerKwh).toBeNull();
    expect(depthLadder({ bids: [], asks: [] }).rows).toEqual([]);
  });

  it('keeps volumes beyond 2^53 Wh exact', () => {
    const { rows } = depthLadder({ bids: [level('1', '9007199254740993'), level('1', '1')], asks: [] });
    expect(rows[1]!.cumulativeWh).toBe(9007199254740994n);
  });
});

describe('linkFill and linkPercent', () => {
  const link = (capacityWh: string | null, usedWh: string) => ({ from: 'a', to: 'b', capacityWh, usedWh, remainingWh: capacityWh === null ? null : String(BigInt(capacityWh) - BigInt(usedWh)) });

  it('reports the used share of the capacity, rounded down in text so only a full link reads 100 %', () => {
    expect(linkFill(link('5000', '1200'))).toEqual({ share: 0.24, full: false });
    expect(linkPercent(link('3000', '2999'))).toBe('99 %');
    expect(linkFill(link('3000', '3000'))).toEqual({ share: 1, full: true });
    expect(linkPercent(link('3000', '3000'))).toBe('100 %');
  });

  it('has no bar for a link without a limit', () => {
    expect(linkFill(link(null, '700'))).toEqual({ share: null, full: false });
    expect(linkPercent(link(null, '700'))).toBe('no limit');
  });
});

describe('pickMarket', () => {
  const market = (intervalStart: string) => ({ intervalStart, phase: 'continuous' as const, depth: [], links: [] });
  const snapshot = {
    at: '2026-11-29T10:00:00.000Z',
    truncated: false,
    areas: [
      { area: 'empty', zones: ['x'], markets: [] },
      { area: 'city', zones: ['north', 'south'], markets: [market('2026-11-29T10:15:00.000Z'), market('2026-11-29T10:30:00.000Z')] },
    ],
  };

  it('defaults to the first zone of an area with open markets and its earliest interval', () => {
    const pick = pickMarket(snapshot, { zone: null, intervalStart: null })!;
    expect([pick.area.area, pick.zone, pick.market.intervalStart]).toEqual(['city', 'north', '2026-11-29T10:15:00.000Z']);
  });

  it('keeps the chosen zone and interval while they exist, and falls back once the interval closed', () => {
    expect(pickMarket(snapshot, { zone: 'south', intervalStart: '2026-11-29T10:30:00.000Z' })!.market.intervalStart).toBe('2026-11-29T10:30:00.000Z');
    const later = pickMarket(snapshot, { zone: 'south', intervalStart: '2026-11-29T10:00:00.000Z' })!;
    expect([later.zone, later.market.intervalStart]).toEqual(['south', '2026-11-29T10:15:00.000Z']);
  });

  it('shows nothing before the first snapshot or without open markets', () => {
    expect(pickMarket(null, { zone: null, intervalStart: null })).toBeNull();
    expect(pickMarket({ ...snapshot, areas: [snapshot.areas[0]!] }, { zone: null, intervalStart: null })).toBeNull();
  });
});

describe('applyMarkets', () => {
  const links = (used: string) => [{ from: 'north', to: 'south', capacityWh: '5000', usedWh: used, remainingWh: String(5000n - BigInt(used)) }];
  const snap = (at: string, intervals: Array<[string, string]>) => ({
    at,
    truncated: false,
    areas: [{ area: 'city', zones: ['north', 'south'], markets: intervals.map(([intervalStart, used]) => ({ intervalStart, phase: 'continuous' as const, depth: [], links: links(used) })) }],
  });

  it('keeps a closed interval\'s flows as last seen and the newest intervals only', () => {
    const state = emptyMarketsState();
    expect(applyMarkets(state, snap('2026-11-29T10:00:00.000Z', [['2026-11-29T10:15:00.000Z', '100'], ['2026-11-29T10:30:00.000Z', '0']]))).toBe(true);
    expect(applyMarkets(state, snap('2026-11-29T10:01:00.000Z', [['2026-11-29T10:30:00.000Z', '250']]))).toBe(true);
    expect(Object.keys(state.flows.city!)).toEqual(['2026-11-29T10:15:00.000Z', '2026-11-29T10:30:00.000Z']);
    expect(state.flows.city!['2026-11-29T10:15:00.000Z']!.links[0]!.usedWh).toBe('100');
    expect(state.flows.city!['2026-11-29T10:30:00.000Z']!.links[0]!.usedWh).toBe('250');
    for (let i = 0; i < FLOW_INTERVALS + 3; i++) {
      const start = new Date(Date.parse('2026-11-29T11:00:00.000Z') + i * 900_000).toISOString();
      applyMarkets(state, snap(new Date(Date.parse('2026-11-29T10:02:00.000Z') + i * 1000).toISOString(), [[start, '1']]));
    }
    expect(Object.keys(state.flows.city!)).toHaveLength(FLOW_INTERVALS);
    expect(Object.keys(state.flows.city!)[0]).toBe('2026-11-29T11:45:00.000Z');
  });

  it('ignores a snapshot older than the one it holds', () => {
    const state = emptyMarketsState();
    applyMarkets(state, snap('2026-11-29T10:01:00.000Z', [['2026-11-29T10:30:00.000Z', '250']]));
    expect(applyMarkets(state, snap('2026-11-29T10:00:00.000Z', [['2026-11-29T10:30:00.000Z', '100']]))).toBe(false);
    expect(state.latest!.at).toBe('2026-11-29T10:01:00.000Z');
  });
});
