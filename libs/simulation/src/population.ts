import type { HouseholdSpec } from './household';
import { SeededRandom } from './seeded-random';

/**
 * A neighbourhood of households across zones, reproducible from its seed: about two thirds
 * with PV (2–8 kWp), half of those with a battery (5–13.5 kWh, 10 % reserve), a third with an
 * electric car, and consumption between 2,000 and 4,500 kWh a year.
 */
export function neighbourhood(seed: number, count: number, zones: readonly string[]): HouseholdSpec[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, (_, id) => {
    const r = random.fork(`household-${id}`);
    const hasPv = r.chance(0.68);
    const pvPeakW = hasPv ? r.int(4, 16) * 500 : 0;
    const capacityKwh = hasPv && r.chance(0.5) ? r.pick([5, 7.5, 10, 13.5]) : 0;
    const capacityWh = BigInt(Math.round(capacityKwh * 1000));
    return {
      id,
      zone: zones[id % zones.length]!,
      pvPeakW,
      battery: capacityWh > 0n ? { capacityWh, powerW: capacityWh >= 10_000n ? 5_000n : 3_300n, reserveWh: capacityWh / 10n, roundTripPercent: 90 } : null,
      load: { annualKwh: r.int(2000, 4500), eveningWeight: 0.4 + r.next() * 0.5 },
      evKwhPerSession: r.chance(0.33) ? r.int(8, 25) : 0,
      evChargerW: 7_400,
    };
  });
}
