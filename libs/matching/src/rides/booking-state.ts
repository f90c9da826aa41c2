/**
 * The life of a booking as a pure transition function. States only move forward:
 *
 * ```
 *               confirm               complete
 *   requested ──────────▶ confirmed ───────────▶ completed
 *     │  │  │                │  │  │
 *     │  │  └─ cancel ─┐     │  │  └── no-show ─▶ no-show
 *     │  │             │     │  └── refund ────▶ cancelled
 *     │  └─ expire ──┐ │     └── cancel ───────▶ cancelled
 *     └─ decline ─┐  │ └──────────────────────▶ cancelled
 *                 ▼  ▼
 *          declined  expired
 * ```
 *
 * An instant booking is requested and confirmed in one step (`confirm` right after the
 * request, in the same transaction); an approval booking waits in `requested` for the
 * driver's `confirm` or `decline`, or its deadline's `expire`. A proven rider no-show is its
 * own final state rather than "completed" or "cancelled": the money goes as for a completed
 * ride, but the record must say the ride did not happen. A `refund` ends a disputed ride with
 * the rider's money back (an operator's decision, or the dispute timeout's default): the
 * booking is `cancelled` by neither party.
 */
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';

/** Where a booking is. `completed`, `cancelled`, `expired`, `declined` and `no-show` are final. */
export type BookingState = 'requested' | 'confirmed' | 'completed' | 'cancelled' | 'expired' | 'declined' | 'no-show';

/** What can happen to a booking. `cancel` is by rider or driver; who matters for the money, not for the state. */
export type BookingEventType = 'confirm' | 'decline' | 'expire' | 'cancel' | 'complete' | 'no-show' | 'refund';

/** Result of {@link nextBookingState}. */
export type BookingTransition = { readonly status: 'accepted'; readonly from: BookingState; readonly to: BookingState } | RideRejected;

/** Final states: no event leaves them. */
export const FINAL_BOOKING_STATES: ReadonlySet<BookingState> = new Set(['completed', 'cancelled', 'expired', 'declined', 'no-show']);

const TRANSITIONS: Readonly<Record<'requested' | 'confirmed', Partial<Record<BookingEventType, BookingState>>>> = {
  requested: { confirm: 'confirmed', decline: 'declined', expire: 'expired', cancel: 'cancelled' },
  confirmed: { complete: 'completed', cancel: 'cancelled', 'no-show': 'no-show', refund: 'cancelled' },
};

/**
 * The state after `event`, or a code: `BOOKING_FINAL` from a final state,
 * `ILLEGAL_TRANSITION` for an event that does not apply. Every accepted transition is an
 * event the service publishes.
 */
export function nextBookingState(from: BookingState, event: BookingEventType): BookingTransition {
  if (FINAL_BOOKING_STATES.has(from)) {
    return rideRejected(RideRejectCode.BOOKING_FINAL, `booking is ${from}; no ${event} possible`);
  }
  const to = TRANSITIONS[from as 'requested' | 'confirmed']?.[event];
  if (to === undefined) {
    return rideRejected(RideRejectCode.ILLEGAL_TRANSITION, `cannot ${event} a ${from} booking`);
  }
  return { status: 'accepted', from, to };
}
