import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey } from '../wire/codecs';
import { orderRequest, orderView } from './order';
import { tradeView } from './trade';

/**
 * Submits an order for one delivery interval in one zone. The id is chosen by the client: a
 * retry with the same id and body returns the first result; the same id with a different
 * body is ID_CONFLICT.
 */
export const OrderSubmit = defineRpc(
  'rpc.energy.order.submit',
  orderRequest.extend({ participant: didKey }),
  z.strictObject({ order: orderView, trades: z.array(tradeView) }),
);

/** Most orders in one batch submission. */
export const MAX_ORDERS_PER_BATCH = 1000;

/**
 * Many orders of one participant in one request (bulk clients, standing policies). Each order
 * is accepted or refused on its own, with the same rules and idempotency as `OrderSubmit`.
 */
export const OrderBatchSubmit = defineRpc(
  'rpc.energy.order.submit-batch',
  z.strictObject({ participant: didKey, orders: z.array(orderRequest).min(1).max(MAX_ORDERS_PER_BATCH) }),
  z.strictObject({
    results: z.array(
      z.discriminatedUnion('status', [
        z.strictObject({ id: z.string(), status: z.literal('accepted'), order: orderView, trades: z.array(tradeView) }),
        z.strictObject({ id: z.string(), status: z.literal('rejected'), code: z.string(), message: z.string() }),
      ]),
    ),
  }),
);
