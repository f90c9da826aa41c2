import fc from 'fast-check';
import { type BookingEventType, type BookingState, FINAL_BOOKING_STATES, nextBookingState } from './booking-state';
import { RideRejectCode } from './ride-codes';

const STATES: BookingState[] = ['requested', 'confirmed', 'completed', 'cancelled', 'expired', 'declined', 'no-show'];
const EVENTS: BookingEventType[] = ['confirm', 'decline', 'expire', 'cancel', 'complete', 'no-show'];

/** How far along its life a state is: a transition must always increase it. */
const STAGE: Record<BookingState, number> = { requested: 0, confirmed: 1, completed: 2, cancelled: 2, expired: 2, declined: 2, 'no-show': 2 };

describe('nextBookingState', () => {
  it.each<[BookingState, BookingEventType, BookingState]>([
    ['requested', 'confirm', 'confirmed'],
    ['requested', 'decline', 'declined'],
    ['requested', 'expire', 'expired'],
    ['requested', 'cancel', 'cancelled'],
    ['confirmed', 'complete', 'completed'],
    ['confirmed', 'cancel', 'cancelled'],
    ['confirmed', 'no-show', 'no-show'],
  ])('moves a %s booking on %s to %s', (from, event, to) => {
    expect(nextBookingState(from, event)).toEqual({ status: 'accepted', from, to });
  });

  it.each<[BookingState, BookingEventType]>([
    ['requested', 'complete'],
    ['requested', 'no-show'],
    ['confirmed', 'confirm'],
    ['confirmed', 'decline'],
    ['confirmed', 'expire'],
  ])('refuses %s on %s with ILLEGAL_TRANSITION', (from, event) => {
    expect(nextBookingState(from, event)).toMatchObject({ status: 'rejected', code: RideRejectCode.ILLEGAL_TRANSITION });
  });

  it('refuses every event on a final booking with BOOKING_FINAL', () => {
    for (const state of FINAL_BOOKING_STATES) {
      for (const event of EVENTS) expect(nextBookingState(state, event)).toMatchObject({ code: RideRejectCode.BOOKING_FINAL });
    }
    expect([...FINAL_BOOKING_STATES].sort()).toEqual(['cancelled', 'completed', 'declined', 'expired', 'no-show']);
  });

  it('only ever moves forward, so no sequence of events can revisit a state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.array(fc.constantFrom(...EVENTS), { maxLength: 12 }), (start, events) => {
        const seen = new Set<BookingState>([start]);
        let state = start;
        for (const event of events) {
          const result = nextBookingState(state, event);
          if (result.status === 'rejected') continue;
          expect(STAGE[result.to]).toBeGreaterThan(STAGE[state]);
          expect(seen.has(result.to)).toBe(false);
          seen.add(result.to);
          state = result.to;
        }
      }),
    );
  });
});
