import { approveBooking, bookSeats, cancelBooking, cancelTrip, confirmTrip, publishTrip, searchRides, type AmpoolClient, type BookingWire, type RegisteredParticipant } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { cityDay, type CitySpec, type PlannedSearch, type PlannedTrip } from '@ampool/simulation';
import { codeOf } from '../neighbourhood/neighbourhood';
import { inPool } from '../support/pool';

/** What happened in the ride market, as the API answered it. */
export interface CityStats {
  tripsPublished: number;
  tripsCancelled: number;
  seatsOffered: number;
  searches: number;
  searchesWithOffers: number;
  bookingsConfirmed: number;
  bookingsRequested: number;
  bookingsApproved: number;
  bookingsCancelled: number;
  /** Riders who booked and then did not turn up (proof of absence comes with trip proofs). */
  plannedNoShows: number;
  refused: Record<string, number>;
  /** Pick-up and drop-off proofs signed and accepted, from drivers and riders. */
  proofsAccepted: number;
  /** Per booked seat: the km the rider rode along instead of driving. */
  sharedKm: number;
  tripKm: number;
}

interface Booked {
  search: PlannedSearch;
  booking: BookingWire;
  pickedUp?: boolean;
}

/**
 * The synthetic city's drivers and riders driven through the public API: at each step the
 * drivers publish (and now and then cancel) the trips of their day, riders search shortly
 * before they want to leave and book the best offer, drivers answer approval requests, and a
 * few riders cancel. Plans are made a day at a time from the seed, so runs are reproducible.
 */
export class City {
  private readonly trips: PlannedTrip[] = [];
  private readonly searches: PlannedSearch[] = [];
  /** Trips their drivers will cancel: trip id → when, by whom. */
  private readonly cancelPlans = new Map<string, { tripId: string; driver: number; atMs: number }>();
  private readonly awaitingApproval: Booked[] = [];
  private readonly booked: Booked[] = [];
  private plannedDays = new Set<number>();
  readonly stats: CityStats = {
    tripsPublished: 0, tripsCancelled: 0, seatsOffered: 0, searches: 0, searchesWithOffers: 0, bookingsConfirmed: 0, bookingsRequested: 0,
    bookingsApproved: 0, bookingsCancelled: 0, plannedNoShows: 0, refused: {}, proofsAccepted: 0, sharedKm: 0, tripKm: 0,
  };

  constructor(
    private readonly client: AmpoolClient,
    private readonly city: CitySpec,
    private readonly drivers: readonly RegisteredParticipant[],
    private readonly riders: readonly RegisteredParticipant[],
    private readonly seed: number,
    private readonly concurrency: number,
  ) {}

  /** Everything due in (fromMs, toMs] of simulated time. */
  async advance(fromMs: number, toMs: number): Promise<void> {
    // Plans for today and tomorrow (trips are published hours ahead, across midnight too).
    for (const day of [Math.floor(toMs / 86_400_000), Math.floor(toMs / 86_400_000) + 1]) this.plan(day);
    const due = <T>(list: T[], at: (x: T) => number) => {
      const out: T[] = [];
      for (let i = list.length - 1; i >= 0; i--) {
        const t = at(list[i]!);
        if (t <= toMs) out.unshift(...list.splice(i, 1));
      }
      return out.filter((x) => at(x) > fromMs - 86_400_000);
    };
    await this.answerApprovals();
    await inPool(due(this.trips, (t) => t.publishAtMs), this.concurrency, (t) => this.publish(t, toMs));
    await inPool(due(this.searches, (s) => s.searchAtMs), this.concurrency, (s) => this.search(s));
    await this.cancellations(toMs);
    await this.proofs(toMs);
  }

  /**
   * At the agreed pick-up and drop-off the driver and the rider each sign where and when
   * they met (a rider who does not turn up signs nothing: metering then finds the rider absent).
   */
  private async proofs(nowMs: number): Promise<void> {
    const due: { entry: Booked; event: 'pickup' | 'dropoff' }[] = [];
    for (const entry of this.booked) {
      if (!entry.pickedUp && Date.parse(entry.booking.pickupAt) <= nowMs) due.push({ entry, event: 'pickup' });
      else if (entry.pickedUp && Date.parse(entry.booking.dropoffAt) <= nowMs) due.push({ entry, event: 'dropoff' });
    }
    await inPool(due, this.concurrency, async ({ entry, event }) => {
      const point = event === 'pickup' ? entry.booking.pickup : entry.booking.dropoff;
      const atMs = Date.parse(event === 'pickup' ? entry.booking.pickupAt : entry.booking.dropoffAt);
      const parties: ['driver' | 'rider', RegisteredParticipant | undefined][] = [['driver', this.drivers.find((d) => d.did === entry.booking.driver)]];
      if (!entry.search.noShow) parties.push(['rider', this.riders[entry.search.rider]]);
      for (const [role, who] of parties) {
        if (!who) continue;
        try {
          await confirmTrip(this.client, who.key, entry.booking.id, { role, event, atMs, lat: point.lat, lon: point.lon });
          this.stats.proofsAccepted++;
        } catch (error) {
          count(this.stats.refused, `proof:${codeOf(error)}`);
        }
      }
      if (event === 'pickup') entry.pickedUp = true;
      else this.booked.splice(this.booked.indexOf(entry), 1);
    });
  }

  private plan(day: number): void {
    if (this.plannedDays.has(day)) return;
    this.plannedDays.add(day);
    const { trips, searches } = cityDay(this.city, day * 86_400_000, this.seed);
    this.trips.push(...trips);
    this.searches.push(...searches);
  }

  private async publish(t: PlannedTrip, nowMs: number): Promise<void> {
    if (t.departureMs <= nowMs) return;
    const driver = this.drivers[t.driver]!;
    try {
      const trip = await publishTrip(this.client, driver.key, {
        id: uuidv7(),
        route: t.route.map(([lat, lon]) => [lat, lon]),
        departureAt: new Date(t.departureMs).toISOString(),
        arrivalAt: new Date(t.arrivalMs).toISOString(),
        vehicleCapacity: t.seats + 1,
        seatsOffered: t.seats,
        pricing: { kind: 'per-km', pricePerKmMicro: t.priceMicroPerKm.toString() },
        maxDetourM: 1_500,
        maxDetourMinutes: 8,
        bookingMode: t.instantBooking ? 'instant' : 'approval',
      });
      if (t.cancelAtMs !== null) this.cancelPlans.set(trip.id, { tripId: trip.id, driver: t.driver, atMs: t.cancelAtMs });
      this.stats.tripsPublished++;
      this.stats.seatsOffered += t.seats;
      this.stats.tripKm += t.lengthM / 1000;
    } catch (error) {
      count(this.stats.refused, `trip:${codeOf(error)}`);
    }
  }

  private async search(s: PlannedSearch): Promise<void> {
    const rider = this.riders[s.rider]!;
    this.stats.searches++;
    try {
      const offers = await searchRides(this.client, rider.key, {
        pickup: [s.pickup[0], s.pickup[1]],
        dropoff: [s.dropoff[0], s.dropoff[1]],
        earliestDepartureAt: new Date(s.earliestMs).toISOString(),
        latestDepartureAt: new Date(s.latestMs).toISOString(),
        seats: 1,
        walkingRadiusM: s.walkM,
        limit: 3,
      });
      if (offers.length === 0) return;
      this.stats.searchesWithOffers++;
      const best = offers[0]!;
      const booking = await bookSeats(this.client, rider.key, {
        id: uuidv7(), tripId: best.tripId, pickup: [s.pickup[0], s.pickup[1]], dropoff: [s.dropoff[0], s.dropoff[1]], seats: 1, walkingRadiusM: s.walkM,
      });
      const entry = { search: s, booking };
      if (booking.state === 'confirmed') this.confirmed(entry);
      else if (booking.state === 'requested') {
        this.stats.bookingsRequested++;
        this.awaitingApproval.push(entry);
      }
    } catch (error) {
      count(this.stats.refused, `search-or-book:${codeOf(error)}`);
    }
  }

  private confirmed(entry: Booked): void {
    this.stats.bookingsConfirmed++;
    this.stats.sharedKm += Math.max(0, entry.booking.dropoff.routePositionM - entry.booking.pickup.routePositionM) / 1000;
    if (entry.search.noShow) this.stats.plannedNoShows++;
    this.booked.push(entry);
  }

  /** Drivers answer requests at the next step: nine in ten approve. */
  private async answerApprovals(): Promise<void> {
    const waiting = this.awaitingApproval.splice(0);
    await inPool(waiting, this.concurrency, async (entry) => {
      const driver = this.drivers.find((d) => d.did === entry.booking.driver);
      if (!driver) return;
      try {
        if (hash(entry.booking.id) % 10 === 0) return; // left unanswered: the request expires and releases seat and money
        const approved = await approveBooking(this.client, driver.key, entry.booking.id);
        this.stats.bookingsApproved++;
        this.confirmed({ ...entry, booking: approved });
      } catch (error) {
        count(this.stats.refused, `approve:${codeOf(error)}`);
      }
    });
  }

  private async cancellations(nowMs: number): Promise<void> {
    const riderCancels = this.booked.filter((b) => b.search.cancelAtMs !== null && b.search.cancelAtMs <= nowMs);
    for (const b of riderCancels) this.booked.splice(this.booked.indexOf(b), 1);
    await inPool(riderCancels, this.concurrency, async (b) => {
      try {
        await cancelBooking(this.client, this.riders[b.search.rider]!.key, b.booking.id);
        this.stats.bookingsCancelled++;
      } catch (error) {
        count(this.stats.refused, `cancel:${codeOf(error)}`);
      }
    });
    const driverCancels = [...this.cancelPlans.values()].filter((c) => c.atMs <= nowMs);
    await inPool(driverCancels, this.concurrency, async (c) => {
      this.cancelPlans.delete(c.tripId);
      for (const b of this.booked.filter((x) => x.booking.tripId === c.tripId)) this.booked.splice(this.booked.indexOf(b), 1);
      try {
        await cancelTrip(this.client, this.drivers[c.driver]!.key, c.tripId);
        this.stats.tripsCancelled++;
      } catch (error) {
        count(this.stats.refused, `trip-cancel:${codeOf(error)}`);
      }
    });
  }

}

function count(into: Record<string, number>, code: string): void {
  into[code] = (into[code] ?? 0) + 1;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
