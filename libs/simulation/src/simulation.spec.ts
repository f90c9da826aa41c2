import fc from 'fast-check';
import { Battery } from './battery';
import { SimulatedHousehold } from './household';
import { energyKpis, rideKpis } from './kpis';
import { loadPowerW } from './load';
import { neighbourhood } from './population';
import { SeededRandom } from './seeded-random';
import { pvPowerW, solarElevation } from './solar';

const AMS = { latitudeDeg: 52.37, longitudeDeg: 4.89 };
const Q = 15 * 60_000;

describe('seeded randomness', () => {
  it('repeats exactly for a seed, and forks into independent streams', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(new SeededRandom(42).fork('x').next()).not.toBe(new SeededRandom(42).fork('y').next());
    expect(new SeededRandom(42).fork('x').next()).toBe(new SeededRandom(42).fork('x').next());
  });

  it('draws normals with about the right mean and spread', () => {
    const r = new SeededRandom(7);
    const xs = Array.from({ length: 20_000 }, () => r.normal(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean - 10)).toBeLessThan(0.05);
    expect(Math.abs(sd - 2)).toBeLessThan(0.05);
  });
});

describe('solar output', () => {
  it('is zero at night and highest around solar noon in summer', () => {
    const w = new SeededRandom(1);
    expect(pvPowerW(Date.UTC(2026, 5, 21, 0, 0), Q, 5000, AMS, w)).toBe(0);
    const noon = Date.UTC(2026, 5, 21, 11, 30);
    expect(solarElevation(noon, AMS.latitudeDeg, AMS.longitudeDeg)).toBeGreaterThan(55 * (Math.PI / 180));
    expect(solarElevation(Date.UTC(2026, 11, 21, 11, 30), AMS.latitudeDeg, AMS.longitudeDeg)).toBeLessThan(16 * (Math.PI / 180));
  });

  it('never exceeds the peak and yields more on a June day than on a December day', () => {
    const w = new SeededRandom(3);
    const day = (y: number, m: number, d: number) => {
      let wh = 0;
      for (let t = Date.UTC(y, m, d); t < Date.UTC(y, m, d + 1); t += Q) {
        const p = pvPowerW(t, Q, 4000, AMS, w);
        expect(p).toBeLessThanOrEqual(4000);
        wh += p / 4;
      }
      return wh;
    };
    let june = 0;
    let december = 0;
    for (let d = 1; d <= 10; d++) {
      june += day(2026, 5, d);
      december += day(2026, 11, d);
    }
    expect(june).toBeGreaterThan(3 * december);
    // 4 kWp in the Netherlands: roughly 10–25 kWh a June day, 1–4 in December, on average.
    expect(june / 10).toBeGreaterThan(8_000);
    expect(june / 10).toBeLessThan(30_000);
  });
});

describe('household consumption', () => {
  it('adds up over a year to about its annual consumption', () => {
    const r = new SeededRandom(5);
    let wh = 0;
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += Q) wh += loadPowerW(t, Q, { annualKwh: 3000, eveningWeight: 0.6 }, r) / 4;
    expect(wh / 1000).toBeGreaterThan(2700);
    expect(wh / 1000).toBeLessThan(3300);
  });
});

describe('the battery', () => {
  it('stays between its reserve and its capacity, and never gives back more than it took', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5000 })), { maxLength: 80 }), (ops) => {
        const b = new Battery({ capacityWh: 10_000n, powerW: 5_000n, reserveWh: 1_000n, roundTripPercent: 90 });
        const start = b.socWh;
        let taken = 0n;
        let given = 0n;
        for (const [charge, wh] of ops) {
          if (charge) taken += b.charge(BigInt(wh), 15);
          else given += b.discharge(BigInt(wh), 15);
          expect(b.socWh >= 1_000n && b.socWh <= 10_000n).toBe(true);
        }
        // Energy out ≤ energy in + what was stored at the start above the reserve, less losses.
        expect(given <= taken + (start - 1_000n)).toBe(true);
      }),
    );
  });

  it('moves at most its power per interval', () => {
    const b = new Battery({ capacityWh: 13_500n, powerW: 5_000n, reserveWh: 0n, roundTripPercent: 100 });
    expect(b.charge(100_000n, 15)).toBe(1_250n);
    expect(b.discharge(100_000n, 15)).toBe(1_250n);
  });
});

describe('a simulated household', () => {
  it('balances every interval exactly: production and imports equal use and exports', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 364 }), (seed, day) => {
        const [spec] = neighbourhood(seed, 1, ['north']);
        const root = new SeededRandom(seed);
        const h = new SimulatedHousehold(spec!, root.fork('weather'), root.fork('h'));
        const start = Date.UTC(2026, 0, 1) + day * 86_400_000;
        let previous = h.registers;
        for (let t = start; t < start + 86_400_000; t += Q) {
          const i = h.step(t, 15);
          expect(i.pvWh + i.batteryDischargeWh + i.importWh).toBe(i.loadWh + i.evWh + i.batteryChargeWh + i.exportWh);
          expect(i.importWh >= 0n && i.exportWh >= 0n).toBe(true);
          expect(i.importWh === 0n || i.exportWh === 0n).toBe(true);
          const now = h.registers;
          expect(now.importWh - previous.importWh).toBe(i.importWh);
          expect(now.exportWh - previous.exportWh).toBe(i.exportWh);
          previous = now;
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('a neighbourhood', () => {
  it('is the same for the same seed and spreads households over the zones', () => {
    expect(neighbourhood(42, 50, ['a', 'b'])).toEqual(neighbourhood(42, 50, ['a', 'b']));
    const n = neighbourhood(42, 300, ['a', 'b', 'c']);
    const withPv = n.filter((h) => h.pvPeakW > 0).length / n.length;
    expect(withPv).toBeGreaterThan(0.55);
    expect(withPv).toBeLessThan(0.8);
    expect(n.filter((h) => h.battery).every((h) => h.pvPeakW > 0)).toBe(true);
    expect(new Set(n.map((h) => h.zone))).toEqual(new Set(['a', 'b', 'c']));
  });
});

describe('KPIs', () => {
  const tariffs = { retailMicroPerKwh: 300_000n, feedInMicroPerKwh: 80_000n };

  it('compute self-sufficiency, self-consumption, savings and peak import from the data', () => {
    const base = { boughtLocalWh: 0n, boughtLocalMicro: 0n, soldLocalWh: 0n, soldLocalMicro: 0n };
    const rows = [
      // A sells 1 kWh of its 3 kWh surplus to B at 0.20; the other 2 kWh go to the utility.
      { ...base, zone: 'north', startMs: 0, loadWh: 1000n, pvWh: 4000n, importWh: 0n, exportWh: 3000n, soldLocalWh: 1000n, soldLocalMicro: 200_000n },
      { ...base, zone: 'north', startMs: 0, loadWh: 2000n, pvWh: 0n, importWh: 2000n, exportWh: 0n, boughtLocalWh: 1000n, boughtLocalMicro: 200_000n },
    ];
    const k = energyKpis(rows, tariffs);
    // Consumption 3 kWh, of which 1 kWh came from the utility.
    expect(k.selfSufficiency).toBeCloseTo(2 / 3, 6);
    // Production 4 kWh, of which 2 kWh left the neighbourhood.
    expect(k.selfConsumption).toBeCloseTo(0.5, 6);
    // Baseline: 3 kWh at retail = 900,000. Actual: B pays 200,000 + 1 kWh retail 300,000; A earns 200,000 + 2 kWh feed-in 160,000.
    expect(k.savingsMicro).toBe(900_000n - (200_000n + 300_000n - 200_000n - 160_000n));
    expect(k.peakImportWhByZone).toEqual({ north: 2000n });
  });

  it('count seats filled and the kilometres shared', () => {
    expect(rideKpis([{ seatsOffered: 3, seatsBooked: 2, sharedKm: 24 }, { seatsOffered: 1, seatsBooked: 0, sharedKm: 0 }])).toEqual({ seatsFilled: 0.5, kmSaved: 24, co2SavedKg: 2.88 });
  });
});
