import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, nonNegativeInt64, positiveInt64, uuidV7 } from '../wire/codecs';
import { bookingHoldRefusal, MAX_BOOKING_HOLDS_PER_REQUEST } from './booking-hold';

/**
 * Holds a rider's money for ride bookings: per booking, a pending transfer of fare + fee
 * from the payer to the rides escrow account. Idempotent per booking id: the same booking and
 * body again answers `held` with the same transfer; a different body is refused with
 * `ID_CONFLICT`. Each hold succeeds or is refused on its own; the batch is one transaction.
 */
export const BookingHoldPlace = defineRpc(
  'rpc.settlement.booking-hold.place',
  z.strictObject({
    holds: z
      .array(
        z.strictObject({
          bookingId: uuidV7,
          payer: didKey,
          /** Who the fare is for (the driver); credited only when the hold is released with a payout. */
          payee: didKey,
          amountMicro: positiveInt64,
        }),
      )
      .min(1)
      .max(MAX_BOOKING_HOLDS_PER_REQUEST),
  }),
  z.strictObject({
    results: z.array(
      z.discriminatedUnion('status', [
        z.strictObject({ bookingId: uuidV7, status: z.literal('held'), transferId: uuidV7 }),
        z.strictObject({ bookingId: uuidV7, status: z.literal('refused'), code: bookingHoldRefusal, availableMicro: nonNegativeInt64.optional() }),
      ]),
    ),
  }),
);
