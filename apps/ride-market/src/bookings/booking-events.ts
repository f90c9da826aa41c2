import {
  BookingCancelled,
  BookingConfirmed,
  BookingDeclined,
  BookingCompleted,
  BookingExpired,
  BookingNoShowed,
  BookingRefunded,
  BookingRequested,
} from '@ampool/contracts';
import { outboxEvent, outboxEventWire } from '@ampool/messaging';
import type { OutboxRow } from '@ampool/persistence';
import { bookingView, type BookingRecord } from './bookings.repository';

const SOURCE = 'rides';

function fact(b: BookingRecord, at: Date) {
  return {
    bookingId: b.id, tripId: b.tripId, rider: b.rider, driver: b.driver, seats: b.seats, fromM: b.fromM, toM: b.toM,
    fareMicro: b.fareMicro, serviceFeeMicro: b.feeMicro, state: b.state, at,
  };
}

/** `fact` in wire form, written out for the booking path (two events per instant booking). */
function factWire(b: BookingRecord, at: Date, state: BookingRecord['state']) {
  return {
    bookingId: b.id, tripId: b.tripId, rider: b.rider, driver: b.driver, seats: b.seats, fromM: b.fromM, toM: b.toM,
    fareMicro: b.fareMicro.toString(), serviceFeeMicro: b.feeMicro.toString(), state, at: at.toISOString(),
  };
}

/** Where and when the booking agreed the pick-up and the drop-off (what trip proofs are checked against), in wire form. */
function meetingWire(b: BookingRecord) {
  return {
    pickupPoint: { lat: b.pickup.lat, lon: b.pickup.lon, at: b.pickupAt.toISOString() },
    dropoffPoint: { lat: b.dropoff.lat, lon: b.dropoff.lon, at: b.dropoffAt.toISOString() },
  };
}

/**
 * The events of a booking that has just reached `b.state`, one per transition. An instant
 * booking is requested and confirmed in one step (`instantStep`): both transitions are told.
 */
export function bookingEvents(b: BookingRecord, options: { at: Date; driverMark?: boolean; instantStep?: boolean }): OutboxRow[] {
  const at = options.at;
  const outcome = () => bookingView(b, options.driverMark).outcome!;
  switch (b.state) {
    // The booking path's events (one or two per booking) go out in their written-out wire
    // form; booking-events.spec holds them equal to the contracts' encode.
    case 'requested':
      return [outboxEventWire(BookingRequested, factWire(b, at, 'requested'), SOURCE)];
    case 'confirmed':
      return options.instantStep
        ? [outboxEventWire(BookingRequested, factWire(b, at, 'requested'), SOURCE), outboxEventWire(BookingConfirmed, { ...factWire(b, at, 'confirmed'), ...meetingWire(b) }, SOURCE)]
        : [outboxEventWire(BookingConfirmed, { ...factWire(b, at, 'confirmed'), ...meetingWire(b) }, SOURCE)];
    case 'declined':
      return [outboxEvent(BookingDeclined, { ...fact(b, at), outcome: outcome() }, SOURCE)];
    case 'expired':
      return [outboxEvent(BookingExpired, { ...fact(b, at), outcome: outcome() }, SOURCE)];
    case 'completed':
      return [outboxEvent(BookingCompleted, { ...fact(b, at), outcome: outcome() }, SOURCE)];
    case 'no-show':
      return [outboxEvent(BookingNoShowed, { ...fact(b, at), outcome: outcome() }, SOURCE)];
    case 'cancelled':
      // A disputed ride the rider got back in full: not a cancellation by either party.
      if (b.rule === 'dispute-refund' || b.rule === 'dispute-timeout') return [outboxEvent(BookingRefunded, { ...fact(b, at), outcome: outcome() }, SOURCE)];
      return [outboxEvent(BookingCancelled, { ...fact(b, at), by: b.cancelledBy ?? 'driver', outcome: outcome() }, SOURCE)];
    default:
      return [];
  }
}
