import { SeededRandom } from './seeded-random';

/** A point as [lat, lon] degrees. */
export type Point = readonly [number, number];

/** Amsterdam's centre (Dam square): the synthetic city is laid around a real one. */
export const CITY_CENTRE: Point = [52.3731, 4.8926];

const M_PER_DEG_LAT = 111_320;

/** A point `dx` metres east and `dy` metres north of `origin` (small distances). */
export function offset(origin: Point, dxM: number, dyM: number): Point {
  const lat = origin[0] + dyM / M_PER_DEG_LAT;
  const lon = origin[1] + dxM / (M_PER_DEG_LAT * Math.cos((origin[0] * Math.PI) / 180));
  return [round6(lat), round6(lon)];
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/**
 * A route from `from` to `to` the way a street grid makes people drive: a dog-leg through one
 * or two corner points with some wobble, sampled every `stepM` metres. No road network exists
 * offline, so this only has to look and measure like a drive, not follow real streets.
 */
export function syntheticRoute(from: Point, to: Point, random: SeededRandom, stepM = 400): Point[] {
  const corner: Point = random.chance(0.5) ? [from[0], to[1]] : [to[0], from[1]];
  const mid: Point = [(from[0] + corner[0]) / 2 + random.normal(0, 0.002), (from[1] + corner[1]) / 2 + random.normal(0, 0.003)];
  const waypoints: Point[] = [from, mid, corner, to];
  const points: Point[] = [from];
  for (let i = 1; i < waypoints.length; i++) {
    const a = waypoints[i - 1]!;
    const b = waypoints[i]!;
    const lengthM = Math.hypot((b[0] - a[0]) * M_PER_DEG_LAT, (b[1] - a[1]) * M_PER_DEG_LAT * Math.cos((a[0] * Math.PI) / 180));
    const steps = Math.max(1, Math.round(lengthM / stepM));
    for (let s = 1; s <= steps; s++) points.push([round6(a[0] + ((b[0] - a[0]) * s) / steps), round6(a[1] + ((b[1] - a[1]) * s) / steps)]);
  }
  // Consecutive identical points (a zero-length dog-leg) add nothing.
  return points.filter((p, i) => i === 0 || p[0] !== points[i - 1]![0] || p[1] !== points[i - 1]![1]);
}

export interface DriverSpec {
  id: number;
  home: Point;
  work: Point;
  /** Minutes after midnight (UTC) the driver leaves home, and leaves work. */
  morningDepartureMin: number;
  eveningDepartureMin: number;
  seats: number;
  /** µ-currency per seat and km. */
  priceMicroPerKm: bigint;
  instantBooking: boolean;
  /** Chance the driver cancels a given trip. */
  cancelRate: number;
}

export interface RiderSpec {
  id: number;
  home: Point;
  work: Point;
  /** Preferred departure, minutes after midnight (UTC). */
  morningDepartureMin: number;
  eveningDepartureMin: number;
  /** How far the rider walks to a pick-up or from a drop-off, metres. */
  walkM: number;
  cancelRate: number;
  noShowRate: number;
}

export interface CitySpec {
  centre: Point;
  drivers: DriverSpec[];
  riders: RiderSpec[];
}

/**
 * Commuters of a synthetic city around a real centre, reproducible from the seed: drivers
 * live 3–14 km out and work within 3 km of the centre; most riders live near a driver's home
 * and work near a driver's workplace (people share rides along the same corridors), the rest
 * anywhere, so some searches find nothing.
 */
export function syntheticCity(seed: number, driverCount: number, riderCount: number, centre: Point = CITY_CENTRE): CitySpec {
  const random = new SeededRandom(seed).fork('city');
  const around = (r: SeededRandom, minM: number, maxM: number): Point => {
    const angle = r.next() * 2 * Math.PI;
    const distance = minM + r.next() * (maxM - minM);
    return offset(centre, Math.cos(angle) * distance, Math.sin(angle) * distance);
  };
  const drivers: DriverSpec[] = Array.from({ length: driverCount }, (_, id) => {
    const r = random.fork(`driver-${id}`);
    return {
      id,
      home: around(r, 3_000, 14_000),
      work: around(r, 0, 3_000),
      morningDepartureMin: 7 * 60 + r.int(0, 90),
      eveningDepartureMin: 16 * 60 + 30 + r.int(0, 120),
      seats: r.pick([1, 2, 3, 3, 4]),
      priceMicroPerKm: BigInt(r.int(6, 14)) * 10_000n,
      instantBooking: r.chance(0.7),
      cancelRate: 0.02,
    };
  });
  const riders: RiderSpec[] = Array.from({ length: riderCount }, (_, id) => {
    const r = random.fork(`rider-${id}`);
    const along = drivers.length > 0 && r.chance(0.8) ? r.pick(drivers) : undefined;
    const near = (p: Point) => offset(p, r.normal(0, 350), r.normal(0, 350));
    return {
      id,
      home: along ? near(along.home) : around(r, 2_000, 14_000),
      work: along ? near(along.work) : around(r, 0, 4_000),
      morningDepartureMin: (along?.morningDepartureMin ?? 7 * 60 + 30) + r.int(-20, 20),
      eveningDepartureMin: (along?.eveningDepartureMin ?? 17 * 60 + 30) + r.int(-20, 20),
      walkM: r.int(400, 900),
      cancelRate: 0.05,
      noShowRate: 0.02,
    };
  });
  return { centre, drivers, riders };
}
