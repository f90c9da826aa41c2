import { offset, syntheticRoute, type CitySpec, type Point } from './city';
import { SeededRandom } from './seeded-random';

/** A trip a driver will publish, and when. Times are simulated epoch ms. */
export interface PlannedTrip {
  key: string;
  driver: number;
  purpose: 'commute-out' | 'commute-home' | 'errand';
  publishAtMs: number;
  departureMs: number;
  arrivalMs: number;
  route: Point[];
  lengthM: number;
  seats: number;
  priceMicroPerKm: bigint;
  instantBooking: boolean;
  /** When the driver cancels the trip, if they do. */
  cancelAtMs: number | null;
}

/** A rider's search (and booking of the best offer), and what the rider later does. */
export interface PlannedSearch {
  key: string;
  rider: number;
  purpose: 'commute-out' | 'commute-home' | 'errand';
  searchAtMs: number;
  pickup: Point;
  dropoff: Point;
  earliestMs: number;
  latestMs: number;
  walkM: number;
  /** The rider cancels the booking at this time, if they do. */
  cancelAtMs: number | null;
  /** The rider books but does not turn up. */
  noShow: boolean;
}

/** Average door-to-door speed in the city, m/s (about 27 km/h). */
export const CITY_SPEED_MPS = 7.5;

const MIN = 60_000;
const M_PER_DEG_LAT = 111_320;

/** Length of a polyline, metres (equirectangular: fine at city scale). */
export function polylineLengthM(route: readonly Point[]): number {
  let m = 0;
  for (let i = 1; i < route.length; i++) {
    const [aLat, aLon] = route[i - 1]!;
    const [bLat, bLon] = route[i]!;
    m += Math.hypot((bLat - aLat) * M_PER_DEG_LAT, (bLon - aLon) * M_PER_DEG_LAT * Math.cos((aLat * Math.PI) / 180));
  }
  return Math.round(m);
}

/**
 * One day of the synthetic city, reproducible from the seed and the day: on weekdays drivers
 * commute out in the morning and home in the evening; any day some make an errand towards the
 * centre. Drivers publish a trip three hours before leaving (rounded to the quarter hour); riders
 * search 45–120 minutes before their preferred time with a window of ±40 minutes, and a few
 * cancel or do not show up.
 */
export function cityDay(city: CitySpec, dayStartMs: number, seed: number): { trips: PlannedTrip[]; searches: PlannedSearch[] } {
  const dayIndex = Math.floor(dayStartMs / 86_400_000);
  const weekday = new Date(dayStartMs).getUTCDay();
  const workday = weekday >= 1 && weekday <= 5;
  const random = new SeededRandom(seed).fork(`city-day-${dayIndex}`);
  const trips: PlannedTrip[] = [];
  const searches: PlannedSearch[] = [];

  for (const d of city.drivers) {
    const r = random.fork(`driver-${d.id}`);
    const legs: { purpose: PlannedTrip['purpose']; from: Point; to: Point; departMin: number }[] = [];
    if (workday && r.chance(0.9)) {
      legs.push({ purpose: 'commute-out', from: d.home, to: d.work, departMin: d.morningDepartureMin + r.int(-10, 10) });
      legs.push({ purpose: 'commute-home', from: d.work, to: d.home, departMin: d.eveningDepartureMin + r.int(-10, 10) });
    }
    if (r.chance(workday ? 0.1 : 0.35)) {
      legs.push({ purpose: 'errand', from: d.home, to: offset(city.centre, r.normal(0, 1500), r.normal(0, 1500)), departMin: r.int(9 * 60, 15 * 60) });
    }
    for (const leg of legs) {
      const route = syntheticRoute(leg.from, leg.to, r.fork(leg.purpose));
      const lengthM = polylineLengthM(route);
      const departureMs = dayStartMs + leg.departMin * MIN;
      trips.push({
        key: `${dayIndex}-d${d.id}-${leg.purpose}`,
        driver: d.id,
        purpose: leg.purpose,
        publishAtMs: Math.floor((departureMs - 180 * MIN) / (15 * MIN)) * 15 * MIN,
        departureMs,
        arrivalMs: departureMs + Math.round((lengthM / CITY_SPEED_MPS) * 1000),
        route,
        lengthM,
        seats: d.seats,
        priceMicroPerKm: d.priceMicroPerKm,
        instantBooking: d.instantBooking,
        cancelAtMs: r.chance(d.cancelRate) ? departureMs - r.int(30, 150) * MIN : null,
      });
    }
  }

  for (const rider of city.riders) {
    const r = random.fork(`rider-${rider.id}`);
    const legs: { purpose: PlannedSearch['purpose']; from: Point; to: Point; preferredMin: number }[] = [];
    if (workday && r.chance(0.75)) {
      legs.push({ purpose: 'commute-out', from: rider.home, to: rider.work, preferredMin: rider.morningDepartureMin });
      legs.push({ purpose: 'commute-home', from: rider.work, to: rider.home, preferredMin: rider.eveningDepartureMin });
    }
    if (r.chance(workday ? 0.05 : 0.2)) {
      legs.push({ purpose: 'errand', from: rider.home, to: offset(city.centre, r.normal(0, 1500), r.normal(0, 1500)), preferredMin: r.int(9 * 60, 15 * 60) });
    }
    for (const leg of legs) {
      const preferredMs = dayStartMs + leg.preferredMin * MIN;
      const searchAtMs = preferredMs - r.int(45, 120) * MIN;
      searches.push({
        key: `${dayIndex}-r${rider.id}-${leg.purpose}`,
        rider: rider.id,
        purpose: leg.purpose,
        searchAtMs,
        pickup: leg.from,
        dropoff: leg.to,
        earliestMs: preferredMs - 40 * MIN,
        latestMs: preferredMs + 40 * MIN,
        walkM: rider.walkM,
        cancelAtMs: r.chance(rider.cancelRate) ? searchAtMs + r.int(5, 30) * MIN : null,
        noShow: r.chance(rider.noShowRate),
      });
    }
  }
  trips.sort((a, b) => a.publishAtMs - b.publishAtMs || a.key.localeCompare(b.key));
  searches.sort((a, b) => a.searchAtMs - b.searchAtMs || a.key.localeCompare(b.key));
  return { trips, searches };
}
