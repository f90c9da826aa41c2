import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, nonNegativeInt64, positiveInt64, uuidV7 } from '../wire/codecs';
import { policyRule } from '../rides/ride';

/** Settlement holds fare + fee of a ride booking in escrow. */
export const BookingHoldPlaced = defineEvent(
  'evt.settlement.booking-hold.placed.v1',
  z.strictObject({ bookingId: uuidV7, transferId: uuidV7, payer: didKey, payee: didKey, amountMicro: positiveInt64, placedAt: instant }),
);

/** A booking's hold ended: voided, and the policy's split posted. */
export const BookingHoldReleased = defineEvent(
  'evt.settlement.booking-hold.released.v1',
  z.strictObject({
    bookingId: uuidV7,
    payer: didKey,
    payee: didKey,
    rule: policyRule,
    amountMicro: nonNegativeInt64,
    payerRefundMicro: nonNegativeInt64,
    payeePayoutMicro: nonNegativeInt64,
    platformFeeMicro: nonNegativeInt64,
    releasedAt: instant,
  }),
);
