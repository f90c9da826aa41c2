import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, nonNegativeInt64, uuidV7 } from '../wire/codecs';

/**
 * An energy trade was settled on its interval's metering: how much was delivered, and where the
 * buyer's money went (`rule`: `measured`, or `undelivered` when the interval stayed unproven).
 */
export const DeliverySettled = defineEvent(
  'evt.settlement.delivery.settled.v1',
  z.strictObject({
    tradeId: uuidV7,
    buyer: didKey,
    seller: didKey,
    intervalStart: instant,
    rule: z.enum(['measured', 'undelivered']),
    deliveredWh: nonNegativeInt64,
    shortfallWh: nonNegativeInt64,
    buyerPaysMicro: nonNegativeInt64,
    sellerReceivesMicro: nonNegativeInt64,
    platformFeeMicro: nonNegativeInt64,
    gridFeeMicro: nonNegativeInt64,
    utilityFromBuyerMicro: nonNegativeInt64,
    sellerPenaltyMicro: nonNegativeInt64,
    /** Part of the penalty the seller could not pay (its account cannot go below zero). */
    penaltyUnpaidMicro: nonNegativeInt64,
    settledAt: instant,
  }),
);
