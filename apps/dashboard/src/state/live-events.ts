import type { LiveEventSubject } from '@ampool/contracts';

/**
 * The event names the dashboard listens for on the live stream. The type check keeps this
 * list within what the gateway relays (LIVE_EVENTS in @ampool/contracts), without bundling
 * the contracts into the browser.
 */
export const LIVE_EVENT_SUBJECTS: readonly LiveEventSubject[] = [
  'evt.energy.trade.executed.v1',
  'evt.energy.order.cancelled.v1',
  'evt.energy.market.closed.v1',
  'evt.identity.participant.status-changed.v1',
  'evt.settlement.hold.placed.v1',
  'evt.settlement.hold.rejected.v1',
  'evt.settlement.delivery.settled.v1',
  'evt.metering.interval.finalized.v1',
  'evt.metering.interval.corrected.v1',
  'evt.metering.anomaly.raised.v1',
  'evt.ledger.entry.committed.v1',
  'evt.rides.trip.published.v1',
  'evt.rides.trip.cancelled.v1',
  'evt.rides.booking.requested.v1',
  'evt.rides.booking.confirmed.v1',
  'evt.rides.booking.declined.v1',
  'evt.rides.booking.expired.v1',
  'evt.rides.booking.cancelled.v1',
];
