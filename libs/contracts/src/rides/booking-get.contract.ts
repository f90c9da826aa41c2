import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, uuidV7 } from '../wire/codecs';
import { bookingView } from './ride';

/** One booking. */
export const BookingGet = defineRpc('rpc.rides.booking.get', z.strictObject({ id: uuidV7 }), z.strictObject({ booking: bookingView }));

/** A participant's bookings as rider or as driver, newest first, a page at a time. */
export const BookingList = defineRpc(
  'rpc.rides.booking.list',
  z.strictObject({
    participant: didKey,
    as: z.enum(['rider', 'driver']).default('rider'),
    after: uuidV7.optional(),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  z.strictObject({ bookings: z.array(bookingView), next: uuidV7.nullable() }),
);
