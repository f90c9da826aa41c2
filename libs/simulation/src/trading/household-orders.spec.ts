import { SeededRandom } from '../seeded-random';
import { householdOrders, DEFAULT_BIDDING, type PriceBand } from './household-orders';
import { neighbourhood } from '../population';
import { SimulatedHousehold } from '../household';

const band: PriceBand = { feedInMicroPerKwh: 70_000n, retailMicroPerKwh: 300_000n };

describe('householdOrders', () => {
  it('prices every order inside the band, on the tick grid, sellers below buyers on average', () => {
    const random = new SeededRandom(7);
    const asks: bigint[] = [];
    const bids: bigint[] = [];
    for (let i = 0; i < 2_000; i++) {
      for (const o of householdOrders({ surplusWh: 800n, deficitWh: 0n }, band, random, 10_000n)) asks.push(o.limitPriceMicroPerKwh);
      for (const o of householdOrders({ surplusWh: 0n, deficitWh: 800n }, band, random, 10_000n)) bids.push(o.limitPriceMicroPerKwh);
    }
    for (const p of [...asks, ...bids]) {
      expect(p).toBeGreaterThanOrEqual(band.feedInMicroPerKwh);
      expect(p).toBeLessThanOrEqual(band.retailMicroPerKwh);
      expect(p % DEFAULT_BIDDING.tickMicro).toBe(0n);
    }
    const mean = (xs: bigint[]) => Number(xs.reduce((a, b) => a + b, 0n)) / xs.length;
    expect(asks).toHaveLength(2_000);
    expect(bids).toHaveLength(2_000);
    expect(mean(asks)).toBeLessThan(mean(bids));
  });

  it('sells only part of the forecast surplus, never more than the device may deliver, and skips crumbs', () => {
    const random = new SeededRandom(1);
    expect(householdOrders({ surplusWh: 1_000n, deficitWh: 0n }, band, random, 10_000n)).toEqual([expect.objectContaining({ side: 'sell', quantityWh: 800n })]);
    expect(householdOrders({ surplusWh: 1_000n, deficitWh: 0n }, band, random, 300n)).toEqual([expect.objectContaining({ side: 'sell', quantityWh: 300n })]);
    expect(householdOrders({ surplusWh: 40n, deficitWh: 49n }, band, random, 10_000n)).toEqual([]);
    expect(householdOrders({ surplusWh: 0n, deficitWh: 600n }, band, random, 0n)).toEqual([expect.objectContaining({ side: 'buy', quantityWh: 600n })]);
  });

  it('is reproducible from its random stream and refuses an inverted band', () => {
    const run = () => householdOrders({ surplusWh: 900n, deficitWh: 0n }, band, new SeededRandom(42), 10_000n);
    expect(run()).toEqual(run());
    expect(() => householdOrders({ surplusWh: 900n, deficitWh: 0n }, { feedInMicroPerKwh: 5n, retailMicroPerKwh: 4n }, new SeededRandom(1), 1n)).toThrow(RangeError);
  });
});

describe('SimulatedHousehold.forecast', () => {
  it('expects a surplus or a deficit, never both, and no PV surplus at night', () => {
    const specs = neighbourhood(3, 40, ['north', 'south']);
    const start = Date.UTC(2026, 5, 21, 0, 0);
    let sunnySurplus = 0n;
    for (const spec of specs) {
      const h = new SimulatedHousehold(spec, new SeededRandom(3).fork('weather'), new SeededRandom(3).fork(`h-${spec.id}`));
      for (let i = 0; i < 96; i++) {
        const f = h.forecast(start + i * 15 * 60_000, 15);
        expect(f.surplusWh >= 0n && f.deficitWh >= 0n).toBe(true);
        expect(f.surplusWh > 0n && f.deficitWh > 0n).toBe(false);
        const hour = i / 4;
        if (spec.battery === null && (hour < 3 || hour > 21)) expect(f.surplusWh).toBe(0n);
        if (hour >= 10 && hour <= 13) sunnySurplus += f.surplusWh;
      }
    }
    expect(sunnySurplus).toBeGreaterThan(0n);
  });
});

describe('SimulatedHousehold.step with energy sold', () => {
  it('discharges the battery to deliver what it sold, within its power, and still balances', () => {
    const spec = neighbourhood(5, 200, ['z']).find((h) => h.battery !== null && h.pvPeakW > 0)!;
    const night = Date.UTC(2026, 0, 10, 2, 0);
    const mk = () => new SimulatedHousehold(spec, new SeededRandom(5).fork('weather'), new SeededRandom(5).fork('h'));
    const idle = mk().step(night, 15);
    const selling = mk();
    const sold = selling.step(night, 15, 400n);
    expect(sold.exportWh).toBeGreaterThan(idle.exportWh);
    expect(sold.exportWh).toBeLessThanOrEqual(400n);
    expect(sold.batteryDischargeWh).toBeLessThanOrEqual((spec.battery!.powerW * 15n) / 60n);
    for (const x of [idle, sold]) {
      expect(x.pvWh + x.batteryDischargeWh + x.importWh).toBe(x.loadWh + x.evWh + x.batteryChargeWh + x.exportWh);
    }
    expect(selling.registers.exportWh).toBe(sold.exportWh);
  });
});
