import { CITY_CENTRE, offset, syntheticCity, syntheticRoute } from './city';
import { SeededRandom } from './seeded-random';

const metres = (a: readonly [number, number], b: readonly [number, number]) => {
  const dy = (b[0] - a[0]) * 111_320;
  const dx = (b[1] - a[1]) * 111_320 * Math.cos((a[0] * Math.PI) / 180);
  return Math.hypot(dx, dy);
};

describe('the synthetic city', () => {
  it('is the same city for the same seed, and another for another seed', () => {
    expect(syntheticCity(7, 5, 10)).toEqual(syntheticCity(7, 5, 10));
    expect(syntheticCity(7, 5, 10).drivers[0]!.home).not.toEqual(syntheticCity(8, 5, 10).drivers[0]!.home);
  });

  it('places homes out of town and workplaces near the centre', () => {
    const city = syntheticCity(1, 40, 0);
    for (const d of city.drivers) {
      expect(metres(CITY_CENTRE, d.home)).toBeGreaterThan(2_900);
      expect(metres(CITY_CENTRE, d.home)).toBeLessThan(14_100);
      expect(metres(CITY_CENTRE, d.work)).toBeLessThan(3_100);
      expect(d.seats).toBeGreaterThanOrEqual(1);
    }
  });

  it('puts most riders along a driver’s corridor', () => {
    const city = syntheticCity(3, 30, 200);
    const nearSomeDriver = city.riders.filter((r) => city.drivers.some((d) => metres(r.home, d.home) < 1_500 && metres(r.work, d.work) < 1_500));
    expect(nearSomeDriver.length / city.riders.length).toBeGreaterThan(0.7);
  });

  it('draws routes that start and end at the right places with short, regular steps', () => {
    const from = offset(CITY_CENTRE, 8_000, -5_000);
    const route = syntheticRoute(from, CITY_CENTRE, new SeededRandom(4));
    expect(route[0]).toEqual(from);
    expect(route[route.length - 1]).toEqual(CITY_CENTRE);
    for (let i = 1; i < route.length; i++) {
      expect(metres(route[i - 1]!, route[i]!)).toBeGreaterThan(0);
      expect(metres(route[i - 1]!, route[i]!)).toBeLessThan(1_000);
    }
    expect(route.length).toBeGreaterThan(10);
  });
});
