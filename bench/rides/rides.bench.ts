/**
 * Ride-search benchmark at engine level (issue 4).
 *
 *   npx tsx bench/rides/rides.bench.ts --json                 standard run
 *   node dist/bench/rides/rides.bench.js --json               after `node infra/scripts/build.mjs`
 *   ... --resolution 9          index at another H3 resolution (default: the matcher's)
 *   ... --verify 200            also compare the first 200 searches with a full scan
 *
 * Workload, all from one seeded generator (mulberry32, seed 42):
 * - a 30 km × 30 km city centred on 48.8566° N, 2.3522° E;
 * - 50,000 trips between uniform random origins and destinations at least 2 km apart. A
 *   route goes through 1 – 3 waypoints pushed sideways by up to 15 % of its length (roads
 *   are not straight), then is cut into 10 – 60 points (about two per km) with ±40 m
 *   jitter. Departures uniform over one day; average speed 25 – 50 km/h; 1 – 4 seats of a
 *   4-seat car; 80 % per-seat prices of 2 – 15 currency units, 20 % per-km prices of
 *   0.08 – 0.15 per km; 30 % of drivers accept no detour, the others 1 – 4 km and
 *   5 – 15 min; 10 % of trips have one seat already booked on a random leg;
 * - 10,000 searches, 60 % "along a trip" (pickup and dropoff up to 700 m from two points of
 *   a random trip's route, the window around that trip's passing time — these find
 *   offers) and 40 % between uniform random points (mostly find nothing, the common case of a
 *   sparse corridor); windows 30 – 120 min; walking radius 400 – 1,200 m; 1 – 2 seats;
 *   maximum price 40 currency units.
 *
 * A warm-up of 1,000 other searches runs first (JIT); then each search is timed alone with
 * process.hrtime.bigint() (wall clock: `searchP50Ms`, `searchP99Ms`) and process.cpuUsage()
 * (this process's CPU time, µs resolution, collector threads included: `searchCpu*`, less
 * disturbed when other work shares the machine). `indexBuildMs` is the time to add all
 * trips (validation by `createTrip` is outside it). `meanCandidates` counts trips given to
 * the exact rules per search; `meanOffers` the offers returned (the limit is the default,
 * 20); `meanMatched` the offers before the limit.
 *
 * Results go to stdout as one JSON line with --json, as indented JSON otherwise; progress to
 * stderr.
 */
import { RideMatcher, type RideRequest, type Trip, type TripInput, createTrip } from '@ampool/matching';
import { scanAllTrips } from '../../libs/matching/src/rides/ride-matcher.reference';
import { machine, percentile } from '../machine';

const SEED = 42;
const TRIPS = 50_000;
const SEARCHES = 10_000;
const WARMUP_SEARCHES = 1_000;
const CITY_KM = 30;
const CENTRE: readonly [number, number] = [48.8566, 2.3522];
const DAY_START_MS = Date.UTC(2030, 0, 15);
const NOW_MS = DAY_START_MS - 3_600_000;
const KM_PER_DEG_LAT = 111.195;
const KM_PER_DEG_LON = KM_PER_DEG_LAT * Math.cos((CENTRE[0] * Math.PI) / 180);

/** mulberry32: a tiny, well-distributed 32-bit PRNG; deterministic for a seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Km = [x: number, y: number];

function toLatLng([x, y]: Km): [number, number] {
  return [CENTRE[0] + y / KM_PER_DEG_LAT, CENTRE[1] + x / KM_PER_DEG_LON];
}

class Workload {
  private readonly random = mulberry32(SEED);

  uniform(min: number, max: number): number {
    return min + (max - min) * this.random();
  }

  integer(min: number, max: number): number {
    return Math.floor(this.uniform(min, max + 1));
  }

  cityPoint(): Km {
    return [this.uniform(-CITY_KM / 2, CITY_KM / 2), this.uniform(-CITY_KM / 2, CITY_KM / 2)];
  }

  /** A route in km from origin to destination through sideways-pushed waypoints, densified with jitter. */
  routeKm(): Km[] {
    let origin: Km;
    let destination: Km;
    do {
      origin = this.cityPoint();
      destination = this.cityPoint();
    } while (Math.hypot(destination[0] - origin[0], destination[1] - origin[1]) < 2);
    const length = Math.hypot(destination[0] - origin[0], destination[1] - origin[1]);
    const [nx, ny] = [-(destination[1] - origin[1]) / length, (destination[0] - origin[0]) / length];
    const waypointCount = this.integer(1, 3);
    const corners: Km[] = [origin];
    for (let w = 1; w <= waypointCount; w++) {
      const f = w / (waypointCount + 1);
      const push = this.uniform(-0.15, 0.15) * length;
      corners.push([origin[0] + f * (destination[0] - origin[0]) + push * nx, origin[1] + f * (destination[1] - origin[1]) + push * ny]);
    }
    corners.push(destination);
    const pointCount = Math.min(60, Math.max(10, Math.round(length * 2)));
    const legs = corners.length - 1;
    const route: Km[] = [origin];
    for (let leg = 0; leg < legs; leg++) {
      const [a, b] = [corners[leg]!, corners[leg + 1]!];
      const steps = Math.max(1, Math.round((pointCount - 1) / legs));
      for (let s = 1; s <= steps; s++) {
        const f = s / steps;
        const jitter = s === steps ? 0 : 0.04;
        route.push([a[0] + f * (b[0] - a[0]) + this.uniform(-jitter, jitter), a[1] + f * (b[1] - a[1]) + this.uniform(-jitter, jitter)]);
      }
    }
    return route;
  }

  tripInput(index: number): TripInput {
    const routeKm = this.routeKm();
    let lengthKm = 0;
    for (let i = 1; i < routeKm.length; i++) lengthKm += Math.hypot(routeKm[i]![0] - routeKm[i - 1]![0], routeKm[i]![1] - routeKm[i - 1]![1]);
    const departureMs = DAY_START_MS + Math.floor(this.uniform(0, 24 * 60)) * 60_000;
    const speedKmh = this.uniform(25, 50);
    const noDetour = this.random() < 0.3;
    return {
      tripId: `trip-${String(index).padStart(6, '0')}`,
      driverId: `driver-${index % 20_000}`,
      route: routeKm.map(toLatLng),
      departureMs,
      arrivalMs: departureMs + Math.max(60_000, Math.round((lengthKm / speedKmh) * 3_600_000)),
      vehicleCapacity: 4,
      seatsOffered: this.integer(1, 4),
      pricing: this.random() < 0.8
        ? { kind: 'per-seat', pricePerSeatMicro: BigInt(this.integer(2, 15)) * 1_000_000n }
        : { kind: 'per-km', pricePerKmMicro: BigInt(this.integer(80_000, 150_000)) },
      maxDetourM: noDetour ? 0 : this.integer(1_000, 4_000),
      maxDetourMinutes: noDetour ? 0 : this.integer(5, 15),
      bookingMode: this.random() < 0.5 ? 'instant' : 'approval',
    };
  }

  request(trips: readonly Trip[]): RideRequest {
    const windowMs = this.integer(30, 120) * 60_000;
    const common = {
      riderId: `rider-${this.integer(0, 99_999)}`,
      seats: this.integer(1, 2),
      maxTotalPriceMicro: 40_000_000n,
      walkingRadiusM: this.integer(400, 1_200),
    };
    if (this.random() < 0.6) {
      const trip = trips[this.integer(0, trips.length - 1)]!;
      const route = trip.route;
      const a = this.integer(0, route.pointCount - 2);
      const b = this.integer(a + 1, route.pointCount - 1);
      const near = (i: number): [number, number] => {
        const [x, y] = [this.uniform(-0.7, 0.7) / KM_PER_DEG_LON, this.uniform(-0.7, 0.7) / KM_PER_DEG_LAT];
        return [route.lat[i]! + y, route.lon[i]! + x];
      };
      const passingMs = trip.departureMs + Math.round((route.cumulativeM[a]! / route.lengthM) * trip.durationMs);
      const earliest = passingMs - Math.floor(this.uniform(0, windowMs));
      return { ...common, pickup: near(a), dropoff: near(b), earliestDepartureMs: earliest, latestDepartureMs: earliest + windowMs };
    }
    const earliest = DAY_START_MS + Math.floor(this.uniform(0, 24 * 60)) * 60_000;
    return {
      ...common,
      pickup: toLatLng(this.cityPoint()),
      dropoff: toLatLng(this.cityPoint()),
      earliestDepartureMs: earliest,
      latestDepartureMs: earliest + windowMs,
    };
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function flag(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

function main(argv: readonly string[]): void {
  const json = argv.includes('--json');
  const resolution = flag(argv, '--resolution');
  const verify = Number(flag(argv, '--verify') ?? '0');
  const workload = new Workload();

  process.stderr.write(`generating ${TRIPS} trips...\n`);
  const trips: Trip[] = [];
  for (let i = 0; i < TRIPS; i++) {
    const result = createTrip(workload.tripInput(i), { nowMs: NOW_MS });
    if (result.status !== 'accepted') throw new Error(`workload trip ${i} rejected: ${result.code} ${result.message}`);
    trips.push(result.trip);
  }
  const requests = Array.from({ length: WARMUP_SEARCHES + SEARCHES }, () => workload.request(trips));

  process.stderr.write('indexing...\n');
  const matcher = new RideMatcher(resolution === undefined ? {} : { h3Resolution: Number(resolution) });
  const buildStart = process.hrtime.bigint();
  for (const trip of trips) {
    const added = matcher.addTrip(trip);
    if (added.status !== 'accepted') throw new Error(`addTrip ${trip.tripId}: ${added.code}`);
  }
  const indexBuildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  // One seat booked on a random leg of every tenth trip, so inventories take part.
  let booked = 0;
  for (let i = 0; i < trips.length; i += 10) {
    const trip = trips[i]!;
    const fromM = workload.integer(0, trip.routeLengthM - 2);
    const toM = workload.integer(fromM + 1, trip.routeLengthM);
    const result = matcher.book({ tripId: trip.tripId, bookingId: `booking-${i}`, riderId: `rider-b${i}`, range: { fromM, toM }, seats: 1, nowMs: NOW_MS });
    if (result.status === 'accepted') booked++;
  }

  process.stderr.write('searching...\n');
  for (const request of requests.slice(0, WARMUP_SEARCHES)) matcher.search(request);
  const latenciesMs: number[] = [];
  const cpuMs: number[] = [];
  const candidates: number[] = [];
  const pickupCandidates: number[] = [];
  const runsScanned: number[] = [];
  const cellsVisited: number[] = [];
  const offers: number[] = [];
  const matched: number[] = [];
  for (const request of requests.slice(WARMUP_SEARCHES)) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = matcher.search(request);
    const elapsed = process.hrtime.bigint() - start;
    const cpu = process.cpuUsage(cpuStart);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    if (result.status !== 'accepted') throw new Error(`search rejected: ${result.code} ${result.message}`);
    latenciesMs.push(Number(elapsed) / 1e6);
    candidates.push(result.stats.evaluated);
    pickupCandidates.push(result.stats.pickupCandidates);
    runsScanned.push(result.stats.runsScanned);
    cellsVisited.push(result.stats.cellsVisited);
    offers.push(result.offers.length);
    matched.push(result.stats.matched);
  }

  let mismatches = 0;
  if (verify > 0) {
    process.stderr.write(`verifying ${verify} searches against a full scan...\n`);
    const all = matcher.entries();
    for (const request of requests.slice(WARMUP_SEARCHES, WARMUP_SEARCHES + verify)) {
      const indexed = matcher.search(request);
      const scanned = scanAllTrips(all, request, matcher.roadFactor);
      const ids = (r: typeof indexed | typeof scanned): string => (r.status === 'accepted' ? r.offers.map((o) => o.tripId).join(',') : r.code);
      if (ids(indexed) !== ids(scanned)) mismatches++;
    }
  }

  const result = {
    bench: 'rides',
    trips: TRIPS,
    searches: SEARCHES,
    searchP50Ms: round(percentile(latenciesMs, 50), 3),
    searchP99Ms: round(percentile(latenciesMs, 99), 3),
    searchP999Ms: round(percentile(latenciesMs, 99.9), 3),
    searchMaxMs: round(Math.max(...latenciesMs), 3),
    searchCpuP50Ms: round(percentile(cpuMs, 50), 3),
    searchCpuP99Ms: round(percentile(cpuMs, 99), 3),
    meanCandidates: round(mean(candidates), 1),
    meanOffers: round(mean(offers), 2),
    meanMatched: round(mean(matched), 2),
    searchesWithOffers: offers.filter((n) => n > 0).length,
    meanPickupCandidates: round(mean(pickupCandidates), 1),
    meanRunsScanned: round(mean(runsScanned), 1),
    meanCellsVisited: round(mean(cellsVisited), 1),
    indexBuildMs: round(indexBuildMs, 1),
    meanRunsPerTrip: round(matcher.indexedRuns / matcher.size, 1),
    h3Resolution: matcher.h3Resolution,
    seatsBookedBeforehand: booked,
    ...(verify > 0 ? { verifiedSearches: verify, verifyMismatches: mismatches } : {}),
    machine: machine(),
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (mismatches > 0) process.exitCode = 1;
}

main(process.argv.slice(2));
