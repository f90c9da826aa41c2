import { syntheticCity } from './city';
import { cityDay, polylineLengthM, CITY_SPEED_MPS } from './city-day';

const city = syntheticCity(11, 30, 100);
const monday = Date.UTC(2026, 10, 23);
const sunday = Date.UTC(2026, 10, 22);

describe('cityDay', () => {
  it('plans weekday commutes in both directions and publishes every trip before it leaves', () => {
    const { trips, searches } = cityDay(city, monday, 11);
    expect(trips.filter((t) => t.purpose === 'commute-out').length).toBeGreaterThan(20);
    expect(trips.filter((t) => t.purpose === 'commute-home').length).toBe(trips.filter((t) => t.purpose === 'commute-out').length);
    for (const t of trips) {
      expect(t.publishAtMs).toBeLessThan(t.departureMs);
      expect(t.publishAtMs % (15 * 60_000)).toBe(0);
      expect(t.arrivalMs - t.departureMs).toBe(Math.round((t.lengthM / CITY_SPEED_MPS) * 1000));
      expect(t.lengthM).toBe(polylineLengthM(t.route));
      expect(t.route.length).toBeGreaterThan(2);
      if (t.cancelAtMs !== null) expect(t.cancelAtMs).toBeLessThan(t.departureMs);
    }
    expect(searches.length).toBeGreaterThan(100);
    for (const s of searches) {
      expect(s.earliestMs).toBeLessThan(s.latestMs);
      expect(s.searchAtMs).toBeLessThan(s.earliestMs + 40 * 60_000);
    }
    expect(new Set([...trips.map((t) => t.key), ...searches.map((s) => s.key)]).size).toBe(trips.length + searches.length);
  });

  it('has no commutes on a Sunday, only errands, and is reproducible', () => {
    const { trips, searches } = cityDay(city, sunday, 11);
    expect(trips.every((t) => t.purpose === 'errand')).toBe(true);
    expect(searches.every((s) => s.purpose === 'errand')).toBe(true);
    expect(trips.length).toBeGreaterThan(0);
    expect(cityDay(city, sunday, 11)).toEqual({ trips, searches });
    expect(cityDay(city, sunday, 12)).not.toEqual({ trips, searches });
  });

  it('measures a polyline in metres', () => {
    // One minute of latitude is one nautical mile, 1,852 m (to within the model's constant).
    expect(Math.abs(polylineLengthM([[52, 4], [52 + 1 / 60, 4]]) - 1_855)).toBeLessThanOrEqual(2);
    expect(polylineLengthM([[52, 4]])).toBe(0);
  });
});
