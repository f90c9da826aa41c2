/**
 * Seats per leg as the ride market stores them: rows [fromM, toM) with the seats offered and
 * taken on each, covering the route without gaps. A booking from a to b splits the rows at
 * a and b and takes its seats on every row in between, or changes nothing. Rows are never
 * merged back, so a released booking finds its boundaries still there. This is what one
 * database transaction computes for the trips it has locked; the table's CHECK
 * (`seats_taken <= seats`) enforces the same bound again on write.
 */
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';

/** One row of the table. */
export interface Leg {
  fromM: number;
  toM: number;
  seats: number;
  seatsTaken: number;
}

/** Result of {@link takeSeats}: the legs written (changed or new), or why nothing changed. */
export type TakeSeatsResult = { readonly status: 'accepted'; readonly changed: Leg[] } | RideRejected;

function splitAt(legs: Leg[], atM: number, changed: Set<Leg>): void {
  const i = legs.findIndex((l) => l.fromM < atM && atM < l.toM);
  if (i < 0) return;
  const leg = legs[i]!;
  const tail: Leg = { fromM: atM, toM: leg.toM, seats: leg.seats, seatsTaken: leg.seatsTaken };
  leg.toM = atM;
  legs.splice(i + 1, 0, tail);
  changed.add(leg).add(tail);
}

/**
 * Takes `seats` on [fromM, toM) of `legs` (sorted, contiguous, starting at 0), in place.
 * Codes: `RANGE_INVALID` (not integers with 0 ≤ from < to ≤ the route's end),
 * `SEATS_NOT_POSITIVE`, `NOT_ENOUGH_SEATS` (some leg has fewer free seats). A refusal leaves
 * `legs` as it was.
 */
export function takeSeats(legs: Leg[], fromM: number, toM: number, seats: number): TakeSeatsResult {
  const endM = legs.length > 0 ? legs[legs.length - 1]!.toM : 0;
  if (!Number.isSafeInteger(fromM) || !Number.isSafeInteger(toM) || fromM < 0 || toM <= fromM || toM > endM) {
    return rideRejected(RideRejectCode.RANGE_INVALID, `range [${fromM}, ${toM}) is not within [0, ${endM})`);
  }
  if (!Number.isSafeInteger(seats) || seats <= 0) return rideRejected(RideRejectCode.SEATS_NOT_POSITIVE, 'seats must be at least 1');
  for (const l of legs) {
    if (l.toM > fromM && l.fromM < toM && l.seatsTaken + seats > l.seats) {
      return rideRejected(RideRejectCode.NOT_ENOUGH_SEATS, `${l.seats - l.seatsTaken} seats free on [${l.fromM}, ${l.toM})`);
    }
  }
  const changed = new Set<Leg>();
  splitAt(legs, fromM, changed);
  splitAt(legs, toM, changed);
  for (const l of legs) {
    if (l.fromM >= fromM && l.toM <= toM) {
      l.seatsTaken += seats;
      changed.add(l);
    }
  }
  return { status: 'accepted', changed: [...changed] };
}

/** Most seats taken on any leg that overlaps [fromM, toM) (0 for an empty overlap). */
export function maxSeatsTaken(legs: readonly Leg[], fromM = 0, toM = Number.MAX_SAFE_INTEGER): number {
  let max = 0;
  for (const l of legs) if (l.toM > fromM && l.fromM < toM && l.seatsTaken > max) max = l.seatsTaken;
  return max;
}
