import { marketLinks } from './market-flows';

describe('marketLinks', () => {
  const config = { zones: ['a', 'b', 'c'], transferCapacityWh: [null, '5000', '0', '2000', null, null, '0', '0', null] };

  it('reports used and remaining per link with a capacity, and no limit as null', () => {
    const links = marketLinks(config, new Map([['a>b', 1200n]]));
    expect(links).toEqual([
      { from: 'a', to: 'b', capacityWh: 5000n, usedWh: 1200n, remainingWh: 3800n },
      { from: 'b', to: 'a', capacityWh: 2000n, usedWh: 0n, remainingWh: 2000n },
      { from: 'b', to: 'c', capacityWh: null, usedWh: 0n, remainingWh: null },
    ]);
  });

  it('leaves out pairs that may not trade unless energy crossed them, and never reports a negative remainder', () => {
    const links = marketLinks(config, new Map([['c>a', 10n], ['b>a', 2500n], ['a>a', 99n]]));
    expect(links.find((l) => l.from === 'c' && l.to === 'a')).toEqual({ from: 'c', to: 'a', capacityWh: 0n, usedWh: 10n, remainingWh: 0n });
    expect(links.find((l) => l.from === 'b' && l.to === 'a')!.remainingWh).toBe(0n);
    expect(links.some((l) => l.from === l.to)).toBe(false);
    expect(links.some((l) => l.from === 'c' && l.to === 'b')).toBe(false);
  });
});
