import { Injectable } from '@nestjs/common';
import type { Trip } from '@ampool/matching';
import { tripOfStored, type StoredSpec } from './trip-spec';

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

  put(id: string, version: number, trip: Trip): void {
    this.trips.delete(id);
    this.trips.set(id, { version, trip });
    if (this.trips.size > MAX_ENTRIES) this.trips.delete(this.trips.keys().next().value!);
  }
}
