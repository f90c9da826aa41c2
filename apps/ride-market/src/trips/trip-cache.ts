import { Injectable } from '@nestjs/common';
import type { Trip } from '@ampool/matching';
import { tripOfStored, type StoredSpec, type TripHead } from './trip-spec';

/** Engine trips kept at once; the oldest entries go first. */
const MAX_ENTRIES = 100_000;

/**
 * The engine's trip per (id, version): building one (polyline, stopovers) costs far more than
 * a booking's geometry, and a trip is booked many times per version.
 */
@Injectable()
export class TripCache {
  private readonly trips = new Map<string, { version: number; trip: Trip }>();

  get(id: string, version: number, driver: string, spec: StoredSpec): Trip {
    const hit = this.trips.get(id);
    if (hit && hit.version === version) return hit.trip;
    const trip = tripOfStored(id, driver, spec);
    this.put(id, version, trip);
    return trip;
  }

  /** The cached engine trip of this version, without building one. */
  peek(id: string, version: number): Trip | undefined {
    const hit = this.trips.get(id);
    return hit && hit.version === version ? hit.trip : undefined;
  }

  /**
   * Engine trips for these rows, reading the stored specs (route and terms, the bulk of a
   * trip's row) only of those not cached at their version: one query for all of them.
   */
  async ensure(heads: Iterable<TripHead>, loadSpecs: (ids: string[]) => Promise<Map<string, StoredSpec>>): Promise<Map<string, Trip>> {
    const out = new Map<string, Trip>();
    const missing: TripHead[] = [];
    for (const h of heads) {
      const trip = this.peek(h.id, h.version);
      if (trip) out.set(h.id, trip);
      else missing.push(h);
    }
    if (missing.length > 0) {
      const specs = await loadSpecs(missing.map((h) => h.id));
      for (const h of missing) {
        const spec = specs.get(h.id);
        if (spec) out.set(h.id, this.get(h.id, h.version, h.driver, spec));
      }
    }
    return out;
  }

  put(id: string, version: number, trip: Trip): void {
    this.trips.delete(id);
    this.trips.set(id, { version, trip });
    if (this.trips.size > MAX_ENTRIES) this.trips.delete(this.trips.keys().next().value!);
  }
}
