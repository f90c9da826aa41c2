/**
 * The ride matcher: every active trip with its seat inventory, an H3 index of where and
 * when each route passes, and search over it. Pure: no clock, no I/O; the same sequence of
 * calls always gives the same answers.
 */
import { getHexagonEdgeLengthAvg, gridDiskDistances, latLngToCell } from 'h3-js';
import { MatchingError } from '../matching-error';
import { DEFAULT_ROAD_FACTOR } from './geo';
import { MAX_INDEXED_TRIPS, MAX_RIDE_ID_LENGTH, MAX_ROAD_FACTOR, MIN_ROAD_FACTOR } from './ride-bounds';
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';
import { type RideOffer, type RideRequest, checkRideRequest, compareOffers, driverReachM, evaluateTrip, maxDetourMs } from './ride-rules';
import { ringGeometry, ringsFor, routeRuns, sampleSpacingM, type RouteRun } from './route-cells';
import { type BookSeatsResult, type ReleaseSeatsResult, type RouteRange, SeatInventory } from './seat-inventory';
import { type Trip, timeAtPositionMs } from './trip';

/**
 * H3 resolution of the index by default: 8 (average edge 531 m). For the default walking
 * radius of 800 m a query reads 2 rings (19 cells); when some indexed trip accepts a 4 km
 * detour (a reach of ~1.5 km at road factor 1.3), 4 rings (61 cells). Resolution 9 (edge
 * 201 m) needs 4 – 7 rings of cells a seventh the area and indexes far more runs per route;
 * resolution 7 (edge 1.4 km) reads few cells, but each holds seven times the route passes,
 * mostly too far away. On the benchmark 8 is fastest to search and 9 three times slower to
 * build (see the rides README for the figures).
 */
export const DEFAULT_H3_RESOLUTION = 8;

/** How a matcher is built; every field has a default. */
export interface RideMatcherConfig {
  /** Road distance ÷ great-circle distance for detours, `MIN_ROAD_FACTOR` .. `MAX_ROAD_FACTOR`; default 1.3. */
  readonly roadFactor?: number;
  /** H3 resolution of the index, 6 .. 10; default {@link DEFAULT_H3_RESOLUTION}. */
  readonly h3Resolution?: number;
  /** Most trips indexed at once, 1 .. `MAX_INDEXED_TRIPS`; default `MAX_INDEXED_TRIPS`. */
  readonly maxTrips?: number;
}

/** Result of adding, updating or removing a trip. */
export type TripCommandResult = { readonly status: 'accepted' } | RideRejected;

/** A rider's booking of seats on one leg of a trip. */
export interface BookSeatsCommand {
  readonly tripId: string;
  /** Client-chosen id; the same id with the same body is an idempotent replay. */
  readonly bookingId: string;
  readonly riderId: string;
  /** The leg, integer metres along the route (an offer's pickup and dropoff `routePositionM`). */
  readonly range: RouteRange;
  readonly seats: number;
  /** Now, epoch ms: booking at or after the trip's departure is `TRIP_DEPARTED`. */
  readonly nowMs: number;
}

/** What a search looked at, for tuning and benchmarks. */
export interface SearchStats {
  /** Pickup-side H3 cells read. */
  readonly cellsVisited: number;
  /** Cell entries (route runs) read in those cells' time windows. */
  readonly runsScanned: number;
  /** Distinct trips passing near the pickup at a possible time. */
  readonly pickupCandidates: number;
  /** Trips that also pass near the dropoff later, and were given to the exact rules. */
  readonly evaluated: number;
  /** Trips the rules accepted (before the limit). */
  readonly matched: number;
  /** How the dropoff side was read: each candidate's own runs, or every run of the cells around the dropoff (whichever is fewer). */
  readonly dropoffPass: 'trip-runs' | 'cell-runs';
}

/** Result of {@link RideMatcher.search}: offers in ranking order (see `compareOffers`), at most the request's limit. */
export type SearchResult = { readonly status: 'accepted'; readonly offers: RideOffer[]; readonly stats: SearchStats } | RideRejected;

/** A run of one route in one cell, with the pickup times it can produce. */
interface CellEntry {
  readonly slot: number;
  readonly cell: string;
  readonly minPosM: number;
  readonly maxPosM: number;
  /** Earliest estimated pickup time on this run: the time at its lowest position. */
  readonly fromMs: number;
  /** Latest: the time at its highest position plus the trip's whole detour time (a pickup delay never exceeds it). */
  readonly toMs: number;
}

/**
 * Entries of one cell. Searches need them sorted by `fromMs`; adding appends and marks the
 * bucket unsorted, and the next search that reads the bucket sorts it. Inserting in order
 * instead costs a splice per entry (tens of thousands of moves in a busy cell) and doubled
 * the index build; a sort of an almost sorted array is nearly linear. Search results do not
 * depend on the order of equal keys: candidates keep the minimum position and offers are
 * totally ordered.
 */
interface CellBucket {
  readonly entries: CellEntry[];
  sorted: boolean;
  /** Upper bound of `toMs − fromMs` over the entries, so a time query knows how far back to start. */
  maxSpanMs: number;
}

interface TripSlot {
  readonly slot: number;
  trip: Trip;
  inventory: SeatInventory;
  entries: CellEntry[];
  reachM: number;
}

/**
 * Active trips, their seats per leg, and search. Trips are validated `Trip` values
 * (`createTrip`); the matcher adds the index and the inventories.
 *
 * Search cost depends on how many routes pass near the pickup in the time window, not on
 * how many trips exist: the index is keyed by H3 cell and, within a cell, sorted by the time
 * the route passes. See `route-cells.ts` for why the ring size never misses a trip.
 */
export class RideMatcher {
  /** Road factor used for detours. */
  readonly roadFactor: number;
  /** H3 resolution of the index. */
  readonly h3Resolution: number;
  private readonly maxTrips: number;
  private readonly spacingM: number;
  private readonly byId = new Map<string, TripSlot>();
  private readonly slots: (TripSlot | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly cells = new Map<string, CellBucket>();
  /** Live trips per driver reach (metres), so the largest reach is known after removals too. */
  private readonly reachCounts = new Map<number, number>();
  private maxReachM = 0;
  private runCount = 0;
  private stamps = new Uint32Array(1024);
  private minPickupPosM = new Float64Array(1024);
  /** Per slot: the stamp of the last search in which the trip was found near the dropoff. */
  private nearStamps = new Uint32Array(1024);
  private queryStamp = 0;
  /**
   * Route runs per polyline. A seat change re-reads a trip into the index (same version, same
   * polyline object from the service's trip cache); recomputing its H3 cells each time was the
   * largest cost of following bookings. The runs depend only on the polyline and the matcher's
   * fixed resolution and spacing, so they are shared across re-indexings.
   */
  private readonly runsByRoute = new WeakMap<Trip['route'], readonly RouteRun[]>();

  /** Throws `MatchingError('INVALID_CONFIG')` on a bad config: it is read once at boot, where failing fast is right. */
  constructor(config: RideMatcherConfig = {}) {
    this.roadFactor = config.roadFactor ?? DEFAULT_ROAD_FACTOR;
    this.h3Resolution = config.h3Resolution ?? DEFAULT_H3_RESOLUTION;
    this.maxTrips = config.maxTrips ?? MAX_INDEXED_TRIPS;
    if (!(this.roadFactor >= MIN_ROAD_FACTOR && this.roadFactor <= MAX_ROAD_FACTOR)) {
      throw new MatchingError('INVALID_CONFIG', `roadFactor must be in ${MIN_ROAD_FACTOR}..${MAX_ROAD_FACTOR}`);
    }
    if (!Number.isInteger(this.h3Resolution) || this.h3Resolution < 6 || this.h3Resolution > 10) {
      throw new MatchingError('INVALID_CONFIG', 'h3Resolution must be an integer in 6..10');
    }
    if (!Number.isInteger(this.maxTrips) || this.maxTrips < 1 || this.maxTrips > MAX_INDEXED_TRIPS) {
      throw new MatchingError('INVALID_CONFIG', `maxTrips must be an integer in 1..${MAX_INDEXED_TRIPS}`);
    }
    this.spacingM = sampleSpacingM(this.h3Resolution);
    // Touch h3 once so a broken installation fails here, at boot.
    getHexagonEdgeLengthAvg(this.h3Resolution, 'm');
  }

  /** Number of indexed trips. */
  get size(): number {
    return this.byId.size;
  }

  /** Number of route runs (cell entries) in the index: the index's size in entries. */
  get indexedRuns(): number {
    return this.runCount;
  }

  /** The indexed trip with this id. */
  trip(tripId: string): Trip | undefined {
    return this.byId.get(tripId)?.trip;
  }

  /** The seat inventory of a trip (for reading; change it through `book` and `release`). */
  inventory(tripId: string): SeatInventory | undefined {
    return this.byId.get(tripId)?.inventory;
  }

  /** Every indexed trip with its inventory, in trip-id order. */
  entries(): Array<{ readonly trip: Trip; readonly inventory: SeatInventory }> {
    return [...this.byId.values()]
      .sort((a, b) => (a.trip.tripId < b.trip.tripId ? -1 : a.trip.tripId > b.trip.tripId ? 1 : 0))
      .map(({ trip, inventory }) => ({ trip, inventory }));
  }

  /** Publishes a trip. Codes: `DUPLICATE_TRIP_ID`, `TOO_MANY_TRIPS`. */
  addTrip(trip: Trip): TripCommandResult {
    if (this.byId.has(trip.tripId)) return rideRejected(RideRejectCode.DUPLICATE_TRIP_ID, `trip ${trip.tripId} is already indexed`);
    if (this.byId.size >= this.maxTrips) return rideRejected(RideRejectCode.TOO_MANY_TRIPS, `at most ${this.maxTrips} trips`);
    const slot = this.freeSlots.pop() ?? this.slots.length;
    const record: TripSlot = { slot, trip, inventory: new SeatInventory(trip.seatsOffered, trip.routeLengthM), entries: [], reachM: 0 };
    this.slots[slot] = record;
    this.byId.set(trip.tripId, record);
    this.ensureScratch(this.slots.length);
    this.indexTrip(record);
    return { status: 'accepted' };
  }

  /**
   * Replaces a trip by a new version with the same id. With live bookings the route and the
   * driver must stay the same (`ROUTE_LOCKED_BY_BOOKINGS`: booked positions refer to it) and
   * the seats may not drop below what some leg has booked (`SEATS_BELOW_BOOKED`); times,
   * price, detour limits and booking mode may change. Also `UNKNOWN_TRIP`.
   */
  updateTrip(trip: Trip): TripCommandResult {
    const record = this.byId.get(trip.tripId);
    if (!record) return rideRejected(RideRejectCode.UNKNOWN_TRIP, `no trip ${trip.tripId}`);
    const inventory = record.inventory;
    if (inventory.bookingCount > 0 && (trip.driverId !== record.trip.driverId || !sameRoute(trip, record.trip))) {
      return rideRejected(RideRejectCode.ROUTE_LOCKED_BY_BOOKINGS, `trip ${trip.tripId} has bookings; its route and driver cannot change`);
    }
    if (inventory.bookingCount > 0 || trip.routeLengthM === inventory.routeLengthM) {
      const seats = inventory.setSeatsOffered(trip.seatsOffered);
      if (seats.status === 'rejected') return seats;
    }
    this.unindexTrip(record);
    if (trip.routeLengthM !== inventory.routeLengthM) {
      // Only reachable without bookings (checked above), so nothing is lost.
      record.inventory = new SeatInventory(trip.seatsOffered, trip.routeLengthM);
    }
    record.trip = trip;
    this.indexTrip(record);
    return { status: 'accepted' };
  }

  /** Withdraws a trip (cancelled, departed, full): it is no longer found. Code: `UNKNOWN_TRIP`. */
  removeTrip(tripId: string): TripCommandResult {
    const record = this.byId.get(tripId);
    if (!record) return rideRejected(RideRejectCode.UNKNOWN_TRIP, `no trip ${String(tripId)}`);
    this.unindexTrip(record);
    this.byId.delete(tripId);
    this.slots[record.slot] = undefined;
    this.freeSlots.push(record.slot);
    return { status: 'accepted' };
  }

  /**
   * Takes seats on a leg, or changes nothing. Codes: `UNKNOWN_TRIP`, `ID_INVALID`,
   * `OWN_TRIP`, `TRIP_DEPARTED` (now ≥ departure), `MALFORMED_INPUT`, and the inventory's
   * (`RANGE_INVALID`, `SEATS_NOT_POSITIVE`, `SEATS_ABOVE_MAX`, `NOT_ENOUGH_SEATS`,
   * `BOOKING_ID_CONFLICT`, `TOO_MANY_BOOKINGS`). A replay of an identical booking is
   * accepted with `replayed: true` even after departure, so a retried request gets the same
   * answer.
   */
  book(command: BookSeatsCommand): BookSeatsResult {
    const record = this.byId.get(command.tripId);
    if (!record) return rideRejected(RideRejectCode.UNKNOWN_TRIP, `no trip ${String(command.tripId)}`);
    const { riderId, nowMs } = command;
    if (typeof riderId !== 'string' || riderId.length === 0 || riderId.length > MAX_RIDE_ID_LENGTH) {
      return rideRejected(RideRejectCode.ID_INVALID, `rider id must be 1..${MAX_RIDE_ID_LENGTH} characters`);
    }
    if (riderId === record.trip.driverId) return rideRejected(RideRejectCode.OWN_TRIP, 'a driver cannot book a seat on their own trip');
    if (!Number.isSafeInteger(nowMs)) return rideRejected(RideRejectCode.MALFORMED_INPUT, 'nowMs must be integer epoch milliseconds');
    if (!record.inventory.claim(command.bookingId) && nowMs >= record.trip.departureMs) {
      return rideRejected(RideRejectCode.TRIP_DEPARTED, `trip ${record.trip.tripId} departed at ${record.trip.departureMs}`);
    }
    return record.inventory.book(command.bookingId, command.range, command.seats);
  }

  /** Gives back a booking's seats (cancelled, declined, expired). Codes: `UNKNOWN_TRIP`, `UNKNOWN_BOOKING`. */
  release(tripId: string, bookingId: string): ReleaseSeatsResult {
    const record = this.byId.get(tripId);
    if (!record) return rideRejected(RideRejectCode.UNKNOWN_TRIP, `no trip ${String(tripId)}`);
    return record.inventory.release(bookingId);
  }

  /**
   * Offers for a request, best first (`compareOffers`), at most `request.limit`. Validation
   * codes as `checkRideRequest`.
   *
   * 1. Pickup side: read every cell within k rings of the pickup's cell, where k covers the
   *    larger of the walking radius and the largest driver reach of any indexed trip; in each
   *    cell read only the runs whose pickup-time span meets the window; keep a run if its
   *    ring is within the rings *its* trip needs (walking radius or its own reach). Each
   *    trip keeps the lowest route position of its runs.
   * 2. Dropoff side: a candidate survives if one of its runs lies within the rings it needs
   *    around the dropoff and reaches beyond that lowest pickup position. Found by reading
   *    either each candidate's runs or the runs of the cells around the dropoff, whichever
   *    set is smaller (`stats.dropoffPass`); both give the same answer.
   * 3. The exact rules (`evaluateTrip`) decide; offers are sorted and cut to the limit.
   */
  search(request: RideRequest): SearchResult {
    const valid = checkRideRequest(request);
    if (valid.status === 'rejected') return valid;
    const r = valid.request;
    const walkM = r.walkingRadiusM;
    const widestM = Math.max(walkM, this.maxReachM);
    const earliest = r.earliestDepartureMs;
    const latest = r.latestDepartureMs;
    const stamp = this.nextStamp();
    const stamps = this.stamps;
    const minPickupPosM = this.minPickupPosM;
    const slots = this.slots;

    const pickupCell = latLngToCell(r.pickupLat, r.pickupLon, this.h3Resolution);
    const pickupGeometry = ringGeometry(pickupCell, this.spacingM);
    const pickupRings = gridDiskDistances(pickupCell, ringsFor(widestM, pickupGeometry));
    const walkRings = ringsFor(walkM, pickupGeometry);
    const candidates: number[] = [];
    let cellsVisited = 0;
    let runsScanned = 0;
    for (let ring = 0; ring < pickupRings.length; ring++) {
      for (const cell of pickupRings[ring]!) {
        const bucket = this.cells.get(cell);
        if (!bucket) continue;
        cellsVisited++;
        const entries = bucket.entries;
        if (!bucket.sorted) {
          entries.sort(byFromMs);
          bucket.sorted = true;
        }
        for (let i = lowerBound(entries, earliest - bucket.maxSpanMs); i < entries.length; i++) {
          const entry = entries[i]!;
          if (entry.fromMs > latest) break;
          runsScanned++;
          if (entry.toMs < earliest) continue;
          const slot = entry.slot;
          if (ring > walkRings) {
            const reachM = slots[slot]!.reachM;
            if (reachM <= walkM || ringsFor(reachM, pickupGeometry) < ring) continue;
          }
          if (stamps[slot] !== stamp) {
            stamps[slot] = stamp;
            minPickupPosM[slot] = entry.minPosM;
            candidates.push(slot);
          } else if (entry.minPosM < minPickupPosM[slot]!) {
            minPickupPosM[slot] = entry.minPosM;
          }
        }
      }
    }

    const dropoffCell = latLngToCell(r.dropoffLat, r.dropoffLon, this.h3Resolution);
    const dropoffGeometry = ringGeometry(dropoffCell, this.spacingM);
    const dropoffRings = gridDiskDistances(dropoffCell, ringsFor(widestM, dropoffGeometry));
    const dropoffWalkRings = ringsFor(walkM, dropoffGeometry);
    const allowedRingsOf = (record: TripSlot) => (record.reachM > walkM ? ringsFor(record.reachM, dropoffGeometry) : dropoffWalkRings);
    // A candidate is near the dropoff when one of its runs beyond its pickup lies within the
    // rings it needs there. Two equivalent ways to find out; the one reading fewer runs wins:
    // each candidate's own runs, or the runs of every cell around the dropoff.
    let candidateRuns = 0;
    for (const slot of candidates) candidateRuns += slots[slot]!.entries.length;
    let dropoffRuns = 0;
    for (const cells of dropoffRings) for (const cell of cells) dropoffRuns += this.cells.get(cell)?.entries.length ?? 0;
    const byDropoffCells = dropoffRuns < candidateRuns;
    const nearStamps = this.nearStamps;
    if (byDropoffCells) {
      for (let ring = 0; ring < dropoffRings.length; ring++) {
        for (const cell of dropoffRings[ring]!) {
          const bucket = this.cells.get(cell);
          if (!bucket) continue;
          for (const entry of bucket.entries) {
            const slot = entry.slot;
            if (stamps[slot] !== stamp || nearStamps[slot] === stamp || entry.maxPosM <= minPickupPosM[slot]!) continue;
            if (ring <= allowedRingsOf(slots[slot]!)) nearStamps[slot] = stamp;
          }
        }
      }
    }
    const dropoffRingOf = byDropoffCells ? undefined : ringIndex(dropoffRings);
    const offers: RideOffer[] = [];
    let evaluated = 0;
    for (const slot of candidates) {
      const record = slots[slot]!;
      const trip = record.trip;
      // Cheap trip-level rules first: they reject without touching the dropoff cells.
      if (r.seats > record.inventory.seatsOffered) continue;
      if (r.riderId !== null && r.riderId === trip.driverId) continue;
      if (r.nowMs !== null && trip.departureMs <= r.nowMs) continue;
      let nearDropoff = false;
      if (dropoffRingOf === undefined) {
        nearDropoff = nearStamps[slot] === stamp;
      } else {
        const allowedRings = allowedRingsOf(record);
        const afterM = minPickupPosM[slot]!;
        for (const entry of record.entries) {
          if (entry.maxPosM <= afterM) continue;
          const ring = dropoffRingOf.get(entry.cell);
          if (ring !== undefined && ring <= allowedRings) {
            nearDropoff = true;
            break;
          }
        }
      }
      if (!nearDropoff) continue;
      evaluated++;
      const evaluation = evaluateTrip(trip, record.inventory, r, this.roadFactor);
      if (evaluation.matched) offers.push(evaluation.offer);
    }
    offers.sort(compareOffers);
    const matched = offers.length;
    if (offers.length > r.limit) offers.length = r.limit;
    return {
      status: 'accepted',
      offers,
      stats: { cellsVisited, runsScanned, pickupCandidates: candidates.length, evaluated, matched, dropoffPass: byDropoffCells ? 'cell-runs' : 'trip-runs' },
    };
  }

  private indexTrip(record: TripSlot): void {
    const trip = record.trip;
    record.reachM = driverReachM(trip, this.roadFactor);
    this.countReach(record.reachM, 1);
    const slackMs = maxDetourMs(trip);
    let runs = this.runsByRoute.get(trip.route);
    if (!runs) {
      runs = routeRuns(trip.route, this.h3Resolution, this.spacingM);
      this.runsByRoute.set(trip.route, runs);
    }
    record.entries = runs.map((run) => {
      const entry: CellEntry = {
        slot: record.slot,
        cell: run.cell,
        minPosM: run.minPosM,
        maxPosM: run.maxPosM,
        // Rules round positions to the metre; floor/ceil keep every rounded position inside.
        fromMs: timeAtPositionMs(trip, Math.max(0, Math.floor(run.minPosM))),
        toMs: timeAtPositionMs(trip, Math.min(trip.routeLengthM, Math.ceil(run.maxPosM))) + slackMs,
      };
      let bucket = this.cells.get(run.cell);
      if (!bucket) {
        bucket = { entries: [], sorted: true, maxSpanMs: 0 };
        this.cells.set(run.cell, bucket);
      }
      const last = bucket.entries[bucket.entries.length - 1];
      if (last !== undefined && last.fromMs > entry.fromMs) bucket.sorted = false;
      bucket.entries.push(entry);
      if (entry.toMs - entry.fromMs > bucket.maxSpanMs) bucket.maxSpanMs = entry.toMs - entry.fromMs;
      return entry;
    });
    this.runCount += record.entries.length;
  }

  private unindexTrip(record: TripSlot): void {
    for (const entry of record.entries) {
      const bucket = this.cells.get(entry.cell)!;
      const entries = bucket.entries;
      // Removing keeps the order, sorted or not.
      entries.splice(bucket.sorted ? indexOfEntry(entries, entry) : entries.indexOf(entry), 1);
      // maxSpanMs stays an upper bound (it only makes a time query start a little earlier);
      // an empty bucket goes, so the map does not keep every cell ever used.
      if (entries.length === 0) this.cells.delete(entry.cell);
    }
    this.runCount -= record.entries.length;
    record.entries = [];
    this.countReach(record.reachM, -1);
  }

  private countReach(reachM: number, delta: 1 | -1): void {
    const count = (this.reachCounts.get(reachM) ?? 0) + delta;
    if (count === 0) this.reachCounts.delete(reachM);
    else this.reachCounts.set(reachM, count);
    if (delta > 0) {
      if (reachM > this.maxReachM) this.maxReachM = reachM;
    } else if (count === 0 && reachM === this.maxReachM) {
      // Distinct reach values are bounded by MAX_DETOUR_M, so this scan is bounded too.
      this.maxReachM = 0;
      for (const value of this.reachCounts.keys()) if (value > this.maxReachM) this.maxReachM = value;
    }
  }

  private ensureScratch(size: number): void {
    if (size <= this.stamps.length) return;
    const capacity = Math.max(size, this.stamps.length * 2);
    const stamps = new Uint32Array(capacity);
    stamps.set(this.stamps);
    this.stamps = stamps;
    const positions = new Float64Array(capacity);
    positions.set(this.minPickupPosM);
    this.minPickupPosM = positions;
    const near = new Uint32Array(capacity);
    near.set(this.nearStamps);
    this.nearStamps = near;
  }

  private nextStamp(): number {
    this.queryStamp++;
    if (this.queryStamp === 0xffffffff) {
      // After 2^32 searches the stamps would repeat: start afresh.
      this.stamps.fill(0);
      this.nearStamps.fill(0);
      this.queryStamp = 1;
    }
    return this.queryStamp;
  }
}

function sameRoute(a: Trip, b: Trip): boolean {
  const ra = a.route;
  const rb = b.route;
  if (ra.pointCount !== rb.pointCount) return false;
  for (let i = 0; i < ra.pointCount; i++) {
    if (ra.lat[i] !== rb.lat[i] || ra.lon[i] !== rb.lon[i]) return false;
  }
  return true;
}

function ringIndex(rings: string[][]): Map<string, number> {
  const map = new Map<string, number>();
  rings.forEach((cells, ring) => {
    for (const cell of cells) map.set(cell, ring);
  });
  return map;
}

/** First index whose `fromMs` is ≥ `ms`. */
function lowerBound(entries: readonly CellEntry[], ms: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.fromMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of `entry` in sorted `entries`: binary search to its key, then along equal keys. */
function indexOfEntry(entries: readonly CellEntry[], entry: CellEntry): number {
  let i = lowerBound(entries, entry.fromMs);
  while (entries[i] !== entry) i++;
  return i;
}

function byFromMs(a: CellEntry, b: CellEntry): number {
  return a.fromMs - b.fromMs;
}
