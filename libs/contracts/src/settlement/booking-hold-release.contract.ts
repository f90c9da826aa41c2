import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, nonNegativeInt64, uuidV7 } from '../wire/codecs';
import { policyRule } from '../rides/ride';
import { bookingHoldRefusal, MAX_BOOKING_HOLDS_PER_REQUEST } from './booking-hold';

/**
 * Ends booking holds by the cancellation policy's split: the pending hold is voided, the
 * payee's part is posted payer → payee and the fee payer → platform; the refund is what stays
 * with the payer. The three parts must add up to the hold (`SPLIT_MISMATCH` otherwise).
 * Releasing a booking that was never held records the release, so a late placement for it is
 * refused (`HOLD_RELEASED`) and can never leave an orphan hold. Idempotent per booking id: the
 * same split again answers `released`; a different one is `ID_CONFLICT`.
 */
export const BookingHoldRelease = defineRpc(
  'rpc.settlement.booking-hold.release',
  z.strictObject({
    releases: z
      .array(
        z.strictObject({
          bookingId: uuidV7,
          payer: didKey,
          payee: didKey,
          rule: policyRule,
          payerRefundMicro: nonNegativeInt64,
          payeePayoutMicro: nonNegativeInt64,
          platformFeeMicro: nonNegativeInt64,
        }),
      )
      .min(1)
      .max(MAX_BOOKING_HOLDS_PER_REQUEST),
  }),
  z.strictObject({
    results: z.array(
      z.discriminatedUnion('status', [
        z.strictObject({ bookingId: uuidV7, status: z.literal('released'), wasHeld: z.boolean() }),
        z.strictObject({ bookingId: uuidV7, status: z.literal('refused'), code: bookingHoldRefusal }),
      ]),
    ),
  }),
);
