import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, nonNegativeInt64, positiveInt64, uuidV7 } from '../wire/codecs';

/** Most holds in one request. */
export const MAX_ORDER_HOLDS_PER_REQUEST = 2000;

export const orderHoldRefusal = z.enum(['INSUFFICIENT_FUNDS', 'ACCOUNT_UNKNOWN', 'ID_CONFLICT', 'HOLD_RELEASED']);

/**
 * Holds a buyer's money for energy buy orders before the market accepts them: per order, a
 * pending transfer of the order's most possible cost from the buyer to the energy order
 * escrow. Idempotent per order id (the same body again answers `held`; a different one
 * `ID_CONFLICT`). When a trade of the order executes, its cost moves out of this hold into
 * the trade's own pending hold (buyer → seller); the release frees what is left.
 */
export const OrderHoldPlace = defineRpc(
  'rpc.settlement.order-hold.place',
  z.strictObject({
    holds: z.array(z.strictObject({ orderId: uuidV7, payer: didKey, amountMicro: positiveInt64 })).min(1).max(MAX_ORDER_HOLDS_PER_REQUEST),
  }),
  z.strictObject({
    results: z.array(
      z.discriminatedUnion('status', [
        z.strictObject({ orderId: uuidV7, status: z.literal('held'), transferId: uuidV7 }),
        z.strictObject({ orderId: uuidV7, status: z.literal('refused'), code: orderHoldRefusal, availableMicro: nonNegativeInt64.optional() }),
      ]),
    ),
  }),
);

/**
 * Ends an order hold: `keepMicro` (the cost of the order's trades) stays held until those
 * trades' holds take it over; the rest goes back to the buyer. Idempotent; releasing an
 * unknown order records the release, so a late placement for it is refused.
 */
export const OrderHoldRelease = defineRpc(
  'rpc.settlement.order-hold.release',
  z.strictObject({
    releases: z.array(z.strictObject({ orderId: uuidV7, payer: didKey, keepMicro: nonNegativeInt64 })).min(1).max(MAX_ORDER_HOLDS_PER_REQUEST),
  }),
  z.strictObject({
    results: z.array(z.strictObject({ orderId: uuidV7, status: z.literal('released'), releasedMicro: nonNegativeInt64 })),
  }),
);
