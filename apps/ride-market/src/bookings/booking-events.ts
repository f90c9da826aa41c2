import {
  BookingCancelled,
  BookingConfirmed,
  BookingDeclined,
  BookingExpired,
  BookingRequested,
} from '@ampool/contracts';
import { outboxEvent } from '@ampool/messaging';
import type { OutboxRow } from '@ampool/persistence';
import { bookingView, type BookingRecord } from './bookings.repository';

const SOURCE = 'rides';

function fact(b: BookingRecord, at: Date) {
  return {
    bookingId: b.id, tripId: b.tripId, rider: b.rider, driver: b.driver, seats: b.seats, fromM: b.fromM, toM: b.toM,
    fareMicro: b.fareMicro, serviceFeeMicro: b.feeMicro, state: b.state, at,
  };
}

/**
 * The events of a booking that has just reached `b.state`, one per transition. An instant
 * booking is requested and confirmed in one step (`instantStep`): both transitions are told.
 */
export function bookingEvents(b: BookingRecord, options: { at?: Date; driverMark?: boolean; instantStep?: boolean } = {}): OutboxRow[] {
  const at = options.at ?? new Date();
  const outcome = () => bookingView(b, options.driverMark).outcome!;
  switch (b.state) {
    case 'requested':
      return [outboxEvent(BookingRequested, fact(b, at), SOURCE)];
    case 'confirmed':
      return options.instantStep
        ? [outboxEvent(BookingRequested, { ...fact(b, at), state: 'requested' }, SOURCE), outboxEvent(BookingConfirmed, fact(b, at), SOURCE)]
        : [outboxEvent(BookingConfirmed, fact(b, at), SOURCE)];
    case 'declined':
      return [outboxEvent(BookingDeclined, { ...fact(b, at), outcome: outcome() }, SOURCE)];
    case 'expired':
      return [outboxEvent(BookingExpired, { ...fact(b, at), outcome: outcome() }, SOURCE)];
    case 'cancelled':
      return [outboxEvent(BookingCancelled, { ...fact(b, at), by: b.cancelledBy ?? 'driver', outcome: outcome() }, SOURCE)];
    default:
      return [];
  }
}
