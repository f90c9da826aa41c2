import { Clock } from '@ampool/domain';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { RideMatcher, type Leg, type RideRequest, type SearchResult } from '@ampool/matching';
import { RIDES_CONFIG, type RideMarketConfig } from '../config';
import { TripCache } from '../trips/trip-cache';
import { TripsRepository } from '../trips/trips.repository';

/** Trips read per query while catching up. */
const PAGE = 2_000;
/**
 * How long a change stays in the re-read window. A trip's `changed_seq` is taken when its
 * transaction writes, but transactions commit in any order, so a lower number can become
 * visible after a higher one was read. Every refresh therefore re-reads the (id, seq) pairs
 * of the last few seconds and applies those it has not applied yet.
 */
const SETTLE_MS = 3_000;
/**
 * Least time between the starts of two refreshes asked for by writes: under a burst of
 * bookings, one read then serves every batch that committed meanwhile.
 */
const POKE_GAP_MS = 50;
/** Who the index's per-leg seat claims are booked for (never a driver: not a did). */
const LEG_CLAIMANT = 'seats-taken';
/** A trip leaves the index this long after its planned arrival. */
const KEEP_AFTER_ARRIVAL_MS = 3_600_000;

/**
 * The in-memory search index of one instance: the engine's `RideMatcher` over every published
 * trip that has not arrived yet, with its live bookings' seats. PostgreSQL is the system of
 * record; each instance rebuilds the index from it at start and then follows the trips'
 * `changed_seq` every INDEX_REFRESH_MS (and at once after its own writes), so all instances
 * converge on the database within about one refresh. Search is advisory: a booking is
 * decided in the database, never in the index.
 */
@Injectable()
export class SearchIndex implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SearchIndex.name);
  private readonly matcher: RideMatcher;
  /** Highest changed_seq applied and seen long enough ago to be settled. */
  private settledSeq = 0n;
  /** Recently applied (seq, time) per trip, inside the re-read window. */
  private readonly applied = new Map<string, bigint>();
  private readonly recent: { seq: bigint; atMs: number }[] = [];
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private again = false;
  private stopped = false;
  private lastPruneMs = 0;
  private lastStartMs = 0;
  private deferred?: NodeJS.Timeout;

  constructor(
    private readonly trips: TripsRepository,
    private readonly cache: TripCache,
    @Inject(RIDES_CONFIG) private readonly config: RideMarketConfig,
    private readonly clock: Clock,
  ) {
    this.matcher = new RideMatcher({ roadFactor: config.ROAD_FACTOR, h3Resolution: config.H3_RESOLUTION });
  }

  get roadFactor(): number {
    return this.matcher.roadFactor;
  }

  get size(): number {
    return this.matcher.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    await this.refresh();
    this.logger.log(`search index: ${this.matcher.size} trips in ${Date.now() - started} ms`);
    this.timer = setInterval(() => this.poke(), this.config.INDEX_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.deferred);
    await this.refreshing;
  }

  search(request: RideRequest): SearchResult {
    return this.matcher.search(request);
  }

  /** Asks for a refresh soon (after this instance wrote, or on the timer): at once, or POKE_GAP_MS after the last one started. */
  poke(): void {
    if (this.stopped) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    if (this.deferred) return;
    const waitMs = this.lastStartMs + POKE_GAP_MS - Date.now();
    if (waitMs > 0) {
      this.deferred = setTimeout(() => {
        this.deferred = undefined;
        this.poke();
      }, waitMs);
      return;
    }
    this.lastStartMs = Date.now();
    this.refreshing = this.refresh()
      .catch((error) => this.logger.warn(`search index refresh failed: ${(error as Error).message}`))
      .finally(() => {
        this.refreshing = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Waits until the index has read everything committed before this call. */
  async caughtUp(): Promise<void> {
    await this.refreshing;
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const nowMs = this.clock.now();
    for (;;) {
      const changes = await this.trips.changedSince(this.settledSeq, PAGE);
      const todo = changes.filter((c) => this.applied.get(c.id) !== c.changedSeq);
      if (todo.length > 0) await this.apply(todo.map((c) => c.id), nowMs);
      for (const c of todo) {
        this.applied.set(c.id, c.changedSeq);
        this.recent.push({ seq: c.changedSeq, atMs: nowMs });
      }
      if (changes.length < PAGE || this.stopped) break;
      // A full page: everything in it is applied, move on without waiting for it to settle.
      this.settle(Number.MAX_SAFE_INTEGER);
    }
    this.settle(nowMs - SETTLE_MS);
    this.prune(nowMs);
  }

  /** Moves the settled cursor past changes seen before `beforeMs`, keeping it below any newer one. */
  private settle(beforeMs: number): void {
    this.recent.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    while (this.recent.length > 0 && this.recent[0]!.atMs <= beforeMs) {
      const { seq } = this.recent.shift()!;
      if (seq > this.settledSeq) this.settledSeq = seq;
    }
    if (this.applied.size > 4 * PAGE + this.recent.length) {
      for (const [id, seq] of this.applied) if (seq <= this.settledSeq) this.applied.delete(id);
    }
  }

  private async apply(ids: string[], nowMs: number): Promise<void> {
    const { heads, legs } = await this.trips.forIndex(ids);
    const live = heads.filter((h) => h.status === 'published' && h.arrivalMs + KEEP_AFTER_ARRIVAL_MS >= nowMs);
    const engineTrips = await this.cache.ensure(live, (missing) => this.trips.specs(missing));
    for (const h of heads) if (this.matcher.trip(h.id)) this.matcher.removeTrip(h.id);
    for (const h of live) {
      const trip = engineTrips.get(h.id);
      if (!trip) continue;
      const added = this.matcher.addTrip(trip);
      if (added.status === 'rejected') {
        this.logger.warn(`trip ${h.id} not indexed: ${added.code}`);
        continue;
      }
      // The seats taken per leg are the database's own account of the live bookings: one
      // claim per occupied leg gives the engine the same occupancy as one per booking.
      for (const claim of occupiedStretches(legs.get(h.id) ?? [])) {
        const booked = this.matcher.book({ tripId: h.id, bookingId: `leg:${claim.fromM}`, riderId: LEG_CLAIMANT, range: claim, seats: claim.seats, nowMs: 0 });
        if (booked.status === 'rejected') this.logger.warn(`seats of trip ${h.id} at ${claim.fromM} m not indexed: ${booked.code}`);
      }
    }
  }

  private prune(nowMs: number): void {
    if (nowMs - this.lastPruneMs < 60_000) return;
    this.lastPruneMs = nowMs;
    for (const { trip } of this.matcher.entries()) {
      if (trip.arrivalMs + KEEP_AFTER_ARRIVAL_MS < nowMs) this.matcher.removeTrip(trip.tripId);
    }
  }
}

/** Legs in route order → stretches with seats taken, neighbours with the same count merged. */
export function occupiedStretches(legs: readonly Leg[]): { fromM: number; toM: number; seats: number }[] {
  const out: { fromM: number; toM: number; seats: number }[] = [];
  for (const leg of legs) {
    if (leg.seatsTaken === 0) continue;
    const last = out[out.length - 1];
    if (last && last.toM === leg.fromM && last.seats === leg.seatsTaken) last.toM = leg.toM;
    else out.push({ fromM: leg.fromM, toM: leg.toM, seats: leg.seatsTaken });
  }
  return out;
}
