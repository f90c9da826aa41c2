import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, nonNegativeInt64, uuidV7 } from '../wire/codecs';
import { bookingMode, bookingOutcome, bookingState, latitude, longitude } from './ride';

const tripFact = {
  tripId: uuidV7,
  driver: didKey,
  version: z.number().int(),
  departureAt: instant,
  seatsOffered: z.number().int(),
  bookingMode,
  at: instant,
};

/** A trip became searchable. */
export const TripPublished = defineEvent('evt.rides.trip.published.v1', z.strictObject(tripFact));
/** A trip's details changed (new version). */
export const TripUpdated = defineEvent('evt.rides.trip.updated.v1', z.strictObject(tripFact));
/** A trip was withdrawn by its driver. */
export const TripCancelled = defineEvent('evt.rides.trip.cancelled.v1', z.strictObject(tripFact));

/** A meeting point and its estimated time, as the booking agreed them. */
const agreedMeeting = z.strictObject({ lat: latitude, lon: longitude, at: instant });

const bookingFact = {
  bookingId: uuidV7,
  tripId: uuidV7,
  rider: didKey,
  driver: didKey,
  seats: z.number().int(),
  fromM: z.number().int(),
  toM: z.number().int(),
  fareMicro: nonNegativeInt64,
  serviceFeeMicro: nonNegativeInt64,
  state: bookingState,
  at: instant,
};

/** A booking was requested and its money is held (an instant one is confirmed in the same step). */
export const BookingRequested = defineEvent('evt.rides.booking.requested.v1', z.strictObject(bookingFact));
/** A booking is confirmed: seats taken, money held until the ride ends. */
export const BookingConfirmed = defineEvent(
  'evt.rides.booking.confirmed.v1',
  z.strictObject({
    ...bookingFact,
    /** Where and when the rider is picked up and dropped off (what trip proofs are checked against). */
    pickupPoint: agreedMeeting.optional(),
    dropoffPoint: agreedMeeting.optional(),
  }),
);
/** The driver declined a request: seats and the whole hold released. */
export const BookingDeclined = defineEvent('evt.rides.booking.declined.v1', z.strictObject({ ...bookingFact, outcome: bookingOutcome }));
/** Nobody answered a request in time: seats and the whole hold released. */
export const BookingExpired = defineEvent('evt.rides.booking.expired.v1', z.strictObject({ ...bookingFact, outcome: bookingOutcome }));
/** The rider or the driver cancelled; the outcome is the policy's split of the hold. */
export const BookingCancelled = defineEvent(
  'evt.rides.booking.cancelled.v1',
  z.strictObject({ ...bookingFact, by: z.enum(['rider', 'driver']), outcome: bookingOutcome }),
);

/** The ride was proven by trip proofs (or an operator): fare to the driver, fee to the platform. */
export const BookingCompleted = defineEvent('evt.rides.booking.completed.v1', z.strictObject({ ...bookingFact, outcome: bookingOutcome }));
/** The rider did not show up, proven by trip proofs (or decided by an operator): the policy's no-show split. */
export const BookingNoShowed = defineEvent('evt.rides.booking.no-show.v1', z.strictObject({ ...bookingFact, outcome: bookingOutcome }));
/** A disputed ride ended with the rider refunded (by an operator, or by the dispute timeout's default). */
export const BookingRefunded = defineEvent('evt.rides.booking.refunded.v1', z.strictObject({ ...bookingFact, outcome: bookingOutcome }));
