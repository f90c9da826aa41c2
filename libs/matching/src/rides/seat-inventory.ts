/**
 * Seats of one trip, per leg. A booking occupies its seats on the half-open route interval
 * [pickupM, dropoffM) — integer metres along the route — and nowhere else, so a seat sold
 * from A to B is free again from B on. A booking fits when the highest occupancy anywhere in
 * its interval plus its seats stays within the seats offered.
 */
import { MAX_BOOKINGS_PER_TRIP, MAX_RIDE_ID_LENGTH, MAX_VEHICLE_SEATS } from './ride-bounds';
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';

/** A half-open interval of route positions, integer metres: [fromM, toM). */
export interface RouteRange {
  readonly fromM: number;
  readonly toM: number;
}

/** One booking's claim on the inventory. */
export interface SeatClaim extends RouteRange {
  readonly bookingId: string;
  readonly seats: number;
}

/** Result of {@link SeatInventory.book}: `replayed` when the same booking was already there (nothing changed). */
export type BookSeatsResult = { readonly status: 'accepted'; readonly replayed: boolean } | RideRejected;

/** Result of {@link SeatInventory.release}: the claim that was released. */
export type ReleaseSeatsResult = { readonly status: 'accepted'; readonly released: SeatClaim } | RideRejected;

/** Result of {@link SeatInventory.freeSeats}. */
export type FreeSeatsResult = { readonly status: 'accepted'; readonly freeSeats: number } | RideRejected;

/** Result of {@link SeatInventory.canBook} and {@link SeatInventory.setSeatsOffered}. */
export type SeatCheckResult = { readonly status: 'accepted' } | RideRejected;

const ACCEPTED: SeatCheckResult = { status: 'accepted' };

/**
 * Occupancy as a step function over [0, routeLengthM): sorted breakpoints `starts` with the
 * load from each breakpoint to the next (the last one runs to the end of the route). The
 * form is canonical — it starts at 0 and no two neighbouring steps carry the same load — so
 * two inventories with the same live bookings have identical steps whatever the order of
 * their books and releases.
 *
 * Cost: with B live bookings there are at most 2B + 1 steps. A check is a binary search
 * plus a walk over the steps inside the range; a book or release splices at most two
 * breakpoints, O(B) moves in the worst case. B ≤ `MAX_BOOKINGS_PER_TRIP`, so every
 * operation is a few hundred array moves at worst, and usually a handful. (A segment tree
 * would make the worst case O(log B) but needs fixed coordinates; a trip's bookings are few.)
 */
export class SeatInventory {
  private seatsOfferedValue: number;
  private readonly starts: number[] = [0];
  private readonly loads: number[] = [0];
  private readonly claims = new Map<string, SeatClaim>();

  /** `seatsOffered` and `routeLengthM` come from a validated `Trip`: integers, 1 .. 64 seats and > 0 m. */
  constructor(
    seatsOffered: number,
    readonly routeLengthM: number,
  ) {
    this.seatsOfferedValue = seatsOffered;
  }

  /** Seats the trip offers on every leg. */
  get seatsOffered(): number {
    return this.seatsOfferedValue;
  }

  /** Number of live bookings. */
  get bookingCount(): number {
    return this.claims.size;
  }

  /** Live bookings, in booking-id order (deterministic for snapshots and tests). */
  bookings(): SeatClaim[] {
    return [...this.claims.values()].sort((a, b) => (a.bookingId < b.bookingId ? -1 : a.bookingId > b.bookingId ? 1 : 0));
  }

  /** The live booking with this id. */
  claim(bookingId: string): SeatClaim | undefined {
    return this.claims.get(bookingId);
  }

  /** The occupancy steps `[startM, seatsTaken]`, in route order (canonical; for tests and inspection). */
  steps(): Array<[number, number]> {
    return this.starts.map((start, i) => [start, this.loads[i]!]);
  }

  /** Highest number of seats taken anywhere on the route. */
  maxBookedSeats(): number {
    return this.maxLoadUnchecked(0, this.routeLengthM);
  }

  /**
   * Free seats on `range`: seats offered minus the highest occupancy inside it (what can
   * still be sold for the whole range). Code: `RANGE_INVALID`.
   */
  freeSeats(range: RouteRange): FreeSeatsResult {
    const invalid = this.checkRange(range);
    if (invalid) return invalid;
    return { status: 'accepted', freeSeats: this.freeSeatsUnchecked(range.fromM, range.toM) };
  }

  /**
   * Free seats on [fromM, toM) without validating the range: for the matcher's hot path,
   * which only passes positions it computed on this route with fromM < toM.
   */
  freeSeatsUnchecked(fromM: number, toM: number): number {
    return this.seatsOfferedValue - this.maxLoadUnchecked(fromM, toM);
  }

  /** Whether `seats` more seats fit on `range`. Codes: `RANGE_INVALID`, `SEATS_NOT_POSITIVE`, `SEATS_ABOVE_MAX`, `NOT_ENOUGH_SEATS`. */
  canBook(range: RouteRange, seats: number): SeatCheckResult {
    const invalid = this.checkRange(range) ?? checkSeats(seats);
    if (invalid) return invalid;
    const free = this.freeSeatsUnchecked(range.fromM, range.toM);
    if (seats > free) {
      return rideRejected(RideRejectCode.NOT_ENOUGH_SEATS, `${seats} seats requested, ${free} free on ${range.fromM}..${range.toM} m`);
    }
    return ACCEPTED;
  }

  /**
   * Takes `seats` seats on `range` for `bookingId`, or changes nothing. Booking the same id
   * again with the same range and seats is a replay (accepted, `replayed: true`, no change);
   * with anything different it is `BOOKING_ID_CONFLICT`. Other codes: `ID_INVALID`,
   * `RANGE_INVALID`, `SEATS_NOT_POSITIVE`, `SEATS_ABOVE_MAX`, `TOO_MANY_BOOKINGS`,
   * `NOT_ENOUGH_SEATS`.
   */
  book(bookingId: string, range: RouteRange, seats: number): BookSeatsResult {
    if (typeof bookingId !== 'string' || bookingId.length === 0 || bookingId.length > MAX_RIDE_ID_LENGTH) {
      return rideRejected(RideRejectCode.ID_INVALID, `booking id must be 1..${MAX_RIDE_ID_LENGTH} characters`);
    }
    const existing = this.claims.get(bookingId);
    if (existing) {
      if (existing.fromM === range.fromM && existing.toM === range.toM && existing.seats === seats) {
        return { status: 'accepted', replayed: true };
      }
      return rideRejected(RideRejectCode.BOOKING_ID_CONFLICT, `booking ${bookingId} exists with a different range or seat count`);
    }
    const check = this.canBook(range, seats);
    if (check.status === 'rejected') return check;
    if (this.claims.size >= MAX_BOOKINGS_PER_TRIP) {
      return rideRejected(RideRejectCode.TOO_MANY_BOOKINGS, `a trip holds at most ${MAX_BOOKINGS_PER_TRIP} bookings`);
    }
    this.claims.set(bookingId, { bookingId, fromM: range.fromM, toM: range.toM, seats });
    this.addLoad(range.fromM, range.toM, seats);
    return { status: 'accepted', replayed: false };
  }

  /** Gives back the seats of `bookingId`. Code: `UNKNOWN_BOOKING`. */
  release(bookingId: string): ReleaseSeatsResult {
    const claim = this.claims.get(bookingId);
    if (!claim) return rideRejected(RideRejectCode.UNKNOWN_BOOKING, `no booking ${String(bookingId)} on this trip`);
    this.claims.delete(bookingId);
    this.addLoad(claim.fromM, claim.toM, -claim.seats);
    return { status: 'accepted', released: claim };
  }

  /**
   * Changes the seats offered on every leg. Codes: `SEATS_NOT_POSITIVE`, `SEATS_ABOVE_MAX`,
   * `SEATS_BELOW_BOOKED` (some leg already has more seats booked).
   */
  setSeatsOffered(seatsOffered: number): SeatCheckResult {
    const invalid = checkSeats(seatsOffered);
    if (invalid) return invalid;
    const booked = this.maxBookedSeats();
    if (seatsOffered < booked) {
      return rideRejected(RideRejectCode.SEATS_BELOW_BOOKED, `${booked} seats are already booked on some leg`);
    }
    this.seatsOfferedValue = seatsOffered;
    return ACCEPTED;
  }

  private checkRange(range: RouteRange): RideRejected | null {
    const { fromM, toM } = range;
    if (!Number.isSafeInteger(fromM) || !Number.isSafeInteger(toM) || fromM < 0 || fromM >= toM || toM > this.routeLengthM) {
      return rideRejected(RideRejectCode.RANGE_INVALID, `range ${String(fromM)}..${String(toM)} is not within 0..${this.routeLengthM} m with from < to`);
    }
    return null;
  }

  /** Index of the last step starting at or before `positionM`. */
  private stepAt(positionM: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= positionM) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private maxLoadUnchecked(fromM: number, toM: number): number {
    let i = this.stepAt(fromM);
    let max = this.loads[i]!;
    for (i++; i < this.starts.length && this.starts[i]! < toM; i++) {
      if (this.loads[i]! > max) max = this.loads[i]!;
    }
    return max;
  }

  /** Makes `positionM` a breakpoint (splitting the step that covers it) and returns its index. */
  private split(positionM: number): number {
    const i = this.stepAt(positionM);
    if (this.starts[i] === positionM) return i;
    this.starts.splice(i + 1, 0, positionM);
    this.loads.splice(i + 1, 0, this.loads[i]!);
    return i + 1;
  }

  private addLoad(fromM: number, toM: number, delta: number): void {
    const first = this.split(fromM);
    // The route end is not a breakpoint: no step starts there.
    const end = toM < this.routeLengthM ? this.split(toM) : this.starts.length;
    for (let i = first; i < end; i++) this.loads[i] = this.loads[i]! + delta;
    // Restore the canonical form around the two edges (only they can have equal neighbours).
    this.mergeWithPrevious(end < this.starts.length ? end : -1);
    this.mergeWithPrevious(first);
  }

  private mergeWithPrevious(index: number): void {
    if (index > 0 && this.loads[index] === this.loads[index - 1]) {
      this.starts.splice(index, 1);
      this.loads.splice(index, 1);
    }
  }
}

function checkSeats(seats: number): RideRejected | null {
  if (typeof seats !== 'number' || !Number.isSafeInteger(seats)) return rideRejected(RideRejectCode.MALFORMED_INPUT, 'seats must be an integer');
  if (seats <= 0) return rideRejected(RideRejectCode.SEATS_NOT_POSITIVE, 'seats must be at least 1');
  if (seats > MAX_VEHICLE_SEATS) return rideRejected(RideRejectCode.SEATS_ABOVE_MAX, `at most ${MAX_VEHICLE_SEATS} seats`);
  return null;
}
