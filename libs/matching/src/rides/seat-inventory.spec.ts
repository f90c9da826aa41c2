import fc from 'fast-check';
import { MAX_BOOKINGS_PER_TRIP } from './ride-bounds';
import { RideRejectCode } from './ride-codes';
import { SeatInventory } from './seat-inventory';

/** The naive model: one counter per metre of route, every check scans every metre. */
class PerMetreInventory {
  readonly load: number[];
  readonly claims = new Map<string, { fromM: number; toM: number; seats: number }>();

  constructor(
    readonly seatsOffered: number,
    readonly routeLengthM: number,
  ) {
    this.load = new Array<number>(routeLengthM).fill(0);
  }

  free(fromM: number, toM: number): number {
    let max = 0;
    for (let m = fromM; m < toM; m++) max = Math.max(max, this.load[m]!);
    return this.seatsOffered - max;
  }

  book(id: string, fromM: number, toM: number, seats: number): boolean {
    if (this.claims.has(id) || this.free(fromM, toM) < seats) return false;
    this.claims.set(id, { fromM, toM, seats });
    for (let m = fromM; m < toM; m++) this.load[m]! += seats;
    return true;
  }

  release(id: string): boolean {
    const claim = this.claims.get(id);
    if (!claim) return false;
    this.claims.delete(id);
    for (let m = claim.fromM; m < claim.toM; m++) this.load[m]! -= claim.seats;
    return true;
  }

  /** The per-metre loads compressed into canonical steps [start, load]. */
  steps(): Array<[number, number]> {
    const steps: Array<[number, number]> = [];
    this.load.forEach((value, m) => {
      if (steps.length === 0 || steps[steps.length - 1]![1] !== value) steps.push([m, value]);
    });
    return steps;
  }
}

type Op = { kind: 'book'; id: string; fromM: number; toM: number; seats: number } | { kind: 'release'; id: string };

const LENGTH = 40;
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({ id: fc.integer({ min: 0, max: 15 }), a: fc.integer({ min: 0, max: LENGTH }), b: fc.integer({ min: 0, max: LENGTH }), seats: fc.integer({ min: 1, max: 3 }) })
    .filter(({ a, b }) => a !== b)
    .map(({ id, a, b, seats }): Op => ({ kind: 'book', id: `b${id}`, fromM: Math.min(a, b), toM: Math.max(a, b), seats })),
  fc.integer({ min: 0, max: 15 }).map((id): Op => ({ kind: 'release', id: `b${id}` })),
);

describe('SeatInventory', () => {
  it('sells a seat from A to B and the same seat again from B to C', () => {
    const inventory = new SeatInventory(1, 1_000);
    expect(inventory.book('a-to-b', { fromM: 0, toM: 400 }, 1)).toEqual({ status: 'accepted', replayed: false });
    expect(inventory.book('b-to-c', { fromM: 400, toM: 1_000 }, 1)).toEqual({ status: 'accepted', replayed: false });
    expect(inventory.book('across-b', { fromM: 399, toM: 401 }, 1)).toMatchObject({ status: 'rejected', code: RideRejectCode.NOT_ENOUGH_SEATS });
  });

  it('sells exactly three seats on one leg to a hundred riders and refuses the other 97 with NOT_ENOUGH_SEATS', () => {
    const inventory = new SeatInventory(3, 10_000);
    const results = Array.from({ length: 100 }, (_, i) => inventory.book(`rider-${i}`, { fromM: 2_000, toM: 6_000 }, 1));
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected' && r.code === RideRejectCode.NOT_ENOUGH_SEATS)).toHaveLength(97);
    expect(inventory.maxBookedSeats()).toBe(3);
  });

  it('counts the highest occupancy over overlapping legs, not the sum of all bookings', () => {
    const inventory = new SeatInventory(3, 10_000);
    inventory.book('west', { fromM: 0, toM: 4_000 }, 2);
    inventory.book('east', { fromM: 6_000, toM: 10_000 }, 2);
    // Both legs touch 2 seats; the middle is empty; the whole route has 1 seat free.
    expect(inventory.freeSeats({ fromM: 0, toM: 10_000 })).toEqual({ status: 'accepted', freeSeats: 1 });
    expect(inventory.freeSeats({ fromM: 4_000, toM: 6_000 })).toEqual({ status: 'accepted', freeSeats: 3 });
    expect(inventory.canBook({ fromM: 3_000, toM: 7_000 }, 1).status).toBe('accepted');
    expect(inventory.canBook({ fromM: 3_000, toM: 7_000 }, 2)).toMatchObject({ code: RideRejectCode.NOT_ENOUGH_SEATS });
  });

  it('gives the seats back on release', () => {
    const inventory = new SeatInventory(2, 1_000);
    inventory.book('x', { fromM: 100, toM: 900 }, 2);
    expect(inventory.release('x')).toEqual({ status: 'accepted', released: { bookingId: 'x', fromM: 100, toM: 900, seats: 2 } });
    expect(inventory.steps()).toEqual([[0, 0]]);
    expect(inventory.book('y', { fromM: 0, toM: 1_000 }, 2).status).toBe('accepted');
  });

  it('treats the same booking id with the same body as a replay, and with a different body as BOOKING_ID_CONFLICT', () => {
    const inventory = new SeatInventory(3, 1_000);
    inventory.book('x', { fromM: 100, toM: 900 }, 1);
    expect(inventory.book('x', { fromM: 100, toM: 900 }, 1)).toEqual({ status: 'accepted', replayed: true });
    expect(inventory.maxBookedSeats()).toBe(1);
    expect(inventory.book('x', { fromM: 100, toM: 900 }, 2)).toMatchObject({ code: RideRejectCode.BOOKING_ID_CONFLICT });
    expect(inventory.book('x', { fromM: 100, toM: 800 }, 1)).toMatchObject({ code: RideRejectCode.BOOKING_ID_CONFLICT });
    expect(inventory.maxBookedSeats()).toBe(1);
  });

  it.each([
    [{ fromM: 5, toM: 5 }, 'an empty range'],
    [{ fromM: 6, toM: 5 }, 'a reversed range'],
    [{ fromM: -1, toM: 5 }, 'a negative start'],
    [{ fromM: 0, toM: 1_001 }, 'an end beyond the route'],
    [{ fromM: 0.5, toM: 5 }, 'a fractional metre'],
  ])('refuses %j (%s) with RANGE_INVALID and changes nothing', (range) => {
    const inventory = new SeatInventory(3, 1_000);
    expect(inventory.book('x', range, 1)).toMatchObject({ code: RideRejectCode.RANGE_INVALID });
    expect(inventory.freeSeats(range)).toMatchObject({ code: RideRejectCode.RANGE_INVALID });
    expect(inventory.bookingCount).toBe(0);
  });

  it('refuses zero, negative and fractional seats and an empty booking id', () => {
    const inventory = new SeatInventory(3, 1_000);
    expect(inventory.book('x', { fromM: 0, toM: 10 }, 0)).toMatchObject({ code: RideRejectCode.SEATS_NOT_POSITIVE });
    expect(inventory.book('x', { fromM: 0, toM: 10 }, -1)).toMatchObject({ code: RideRejectCode.SEATS_NOT_POSITIVE });
    expect(inventory.book('x', { fromM: 0, toM: 10 }, 1.5)).toMatchObject({ code: RideRejectCode.MALFORMED_INPUT });
    expect(inventory.book('', { fromM: 0, toM: 10 }, 1)).toMatchObject({ code: RideRejectCode.ID_INVALID });
    expect(inventory.bookingCount).toBe(0);
  });

  it('refuses to release an unknown booking with UNKNOWN_BOOKING', () => {
    expect(new SeatInventory(3, 1_000).release('ghost')).toMatchObject({ code: RideRejectCode.UNKNOWN_BOOKING });
  });

  it('refuses to offer fewer seats than a leg has booked with SEATS_BELOW_BOOKED, and allows it down to that', () => {
    const inventory = new SeatInventory(4, 1_000);
    inventory.book('x', { fromM: 0, toM: 500 }, 3);
    expect(inventory.setSeatsOffered(2)).toMatchObject({ code: RideRejectCode.SEATS_BELOW_BOOKED });
    expect(inventory.seatsOffered).toBe(4);
    expect(inventory.setSeatsOffered(3).status).toBe('accepted');
    expect(inventory.freeSeats({ fromM: 500, toM: 1_000 })).toEqual({ status: 'accepted', freeSeats: 3 });
  });

  it(`holds at most ${MAX_BOOKINGS_PER_TRIP} bookings and then refuses with TOO_MANY_BOOKINGS`, () => {
    const inventory = new SeatInventory(1, MAX_BOOKINGS_PER_TRIP + 10);
    for (let i = 0; i < MAX_BOOKINGS_PER_TRIP; i++) expect(inventory.book(`b${i}`, { fromM: i, toM: i + 1 }, 1).status).toBe('accepted');
    expect(inventory.book('one-more', { fromM: MAX_BOOKINGS_PER_TRIP, toM: MAX_BOOKINGS_PER_TRIP + 1 }, 1)).toMatchObject({
      code: RideRejectCode.TOO_MANY_BOOKINGS,
    });
  });

  it('decides every book and release as a per-metre count would, and never oversells, on random sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(opArbitrary, { maxLength: 60 }), fc.array(fc.tuple(fc.nat(LENGTH - 1), fc.integer({ min: 1, max: LENGTH })), { maxLength: 5 }), (seats, ops, probes) => {
        const inventory = new SeatInventory(seats, LENGTH);
        const reference = new PerMetreInventory(seats, LENGTH);
        for (const op of ops) {
          if (op.kind === 'book') {
            const existing = reference.claims.get(op.id);
            const same = existing !== undefined && existing.fromM === op.fromM && existing.toM === op.toM && existing.seats === op.seats;
            const result = inventory.book(op.id, { fromM: op.fromM, toM: op.toM }, op.seats);
            const accepted = reference.book(op.id, op.fromM, op.toM, op.seats);
            expect(result.status === 'accepted').toBe(accepted || same);
            if (result.status === 'accepted') expect(result.replayed).toBe(same);
          } else {
            expect(inventory.release(op.id).status === 'accepted').toBe(reference.release(op.id));
          }
          expect(inventory.steps()).toEqual(reference.steps());
          expect(inventory.maxBookedSeats()).toBeLessThanOrEqual(seats);
        }
        for (const [from, span] of probes) {
          const to = Math.min(LENGTH, from + span);
          expect(inventory.freeSeats({ fromM: from, toM: to })).toEqual({ status: 'accepted', freeSeats: reference.free(from, to) });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('returns to an empty route when every booking is released, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 40 }), fc.integer(), (ops, seed) => {
        const inventory = new SeatInventory(3, LENGTH);
        for (const op of ops) if (op.kind === 'book') inventory.book(op.id, { fromM: op.fromM, toM: op.toM }, op.seats);
        const ids = inventory.bookings().map((claim) => claim.bookingId);
        // A seeded shuffle: release in an order unrelated to booking order.
        ids.sort((a, b) => ((a.charCodeAt(1) * 31 + seed) % 17) - ((b.charCodeAt(1) * 31 + seed) % 17));
        for (const id of ids) expect(inventory.release(id).status).toBe('accepted');
        expect(inventory.steps()).toEqual([[0, 0]]);
        expect(inventory.bookingCount).toBe(0);
      }),
    );
  });

  it('reaches the same occupancy for the same bookings made in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: LENGTH - 1 }), fc.integer({ min: 1, max: LENGTH })), { maxLength: 12 }),
        (legs) => {
          const claims = legs.map(([from, span], i) => ({ id: `c${i}`, fromM: from, toM: Math.min(LENGTH, from + span) }));
          const forward = new SeatInventory(64, LENGTH);
          const backward = new SeatInventory(64, LENGTH);
          for (const c of claims) forward.book(c.id, c, 1);
          for (const c of [...claims].reverse()) backward.book(c.id, c, 1);
          expect(forward.steps()).toEqual(backward.steps());
        },
      ),
    );
  });
});
