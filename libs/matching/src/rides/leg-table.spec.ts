import fc from 'fast-check';
import { type Leg, maxSeatsTaken, takeSeats } from './leg-table';
import { SeatInventory } from './seat-inventory';

const fresh = (seats: number, lengthM: number): Leg[] => [{ fromM: 0, toM: lengthM, seats, seatsTaken: 0 }];

describe('the leg table', () => {
  it('sells a seat A→B and B→C on a one-seat trip, and refuses A→C once either is sold', () => {
    const legs = fresh(1, 1_000);
    expect(takeSeats(legs, 0, 400, 1).status).toBe('accepted');
    expect(takeSeats(legs, 400, 1_000, 1).status).toBe('accepted');
    expect(legs).toEqual([
      { fromM: 0, toM: 400, seats: 1, seatsTaken: 1 },
      { fromM: 400, toM: 1_000, seats: 1, seatsTaken: 1 },
    ]);
    const before = JSON.stringify(legs);
    expect(takeSeats(legs, 300, 500, 1)).toMatchObject({ status: 'rejected', code: 'NOT_ENOUGH_SEATS' });
    expect(JSON.stringify(legs)).toBe(before);
  });

  it('reports the rows it wrote: the split ones and those that took seats', () => {
    const legs = fresh(3, 1_000);
    const r = takeSeats(legs, 200, 700, 2);
    if (r.status !== 'accepted') throw new Error(r.code);
    expect(r.changed.map((l) => [l.fromM, l.toM, l.seatsTaken]).sort((a, b) => a[0]! - b[0]!)).toEqual([[0, 200, 0], [200, 700, 2], [700, 1_000, 0]]);
    expect(maxSeatsTaken(legs)).toBe(2);
    expect(maxSeatsTaken(legs, 0, 200)).toBe(0);
    expect(maxSeatsTaken(legs, 699, 701)).toBe(2);
  });

  it.each([
    [-1, 10, 1, 'RANGE_INVALID'], [10, 10, 1, 'RANGE_INVALID'], [0, 1_001, 1, 'RANGE_INVALID'], [0.5, 10, 1, 'RANGE_INVALID'], [0, 10, 0, 'SEATS_NOT_POSITIVE'],
  ])('refuses [%p, %p) × %p with %s', (from, to, seats, code) => {
    expect(takeSeats(fresh(3, 1_000), from, to, seats)).toMatchObject({ status: 'rejected', code });
  });

  it('decides every booking as the engine inventory does, on random sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 3 })), { maxLength: 40 }),
        (seats, bookings) => {
          const legs = fresh(seats, 100);
          const inventory = new SeatInventory(seats, 100);
          bookings.forEach(([a, len, n], i) => {
            const to = Math.min(100, a + len);
            const ours = takeSeats(legs, a, to, n).status;
            const engine = inventory.book(`b${i}`, { fromM: a, toM: to }, n).status;
            expect(ours).toBe(engine);
          });
          // Contiguous, within bounds, never oversold.
          legs.forEach((l, i) => {
            expect(l.seatsTaken).toBeLessThanOrEqual(l.seats);
            if (i > 0) expect(l.fromM).toBe(legs[i - 1]!.toM);
          });
          expect(legs[0]!.fromM).toBe(0);
          expect(legs[legs.length - 1]!.toM).toBe(100);
          expect(maxSeatsTaken(legs)).toBe(inventory.maxBookedSeats());
        },
      ),
      { numRuns: 300 },
    );
  });
});
