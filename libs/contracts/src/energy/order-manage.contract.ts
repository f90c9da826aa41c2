import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant, positiveInt64, uuidV7 } from '../wire/codecs';
import { orderStatus, orderView } from './order';
import { tradeView } from './trade';

/** The owner cancels the open remainder of an order. Cancelling a cancelled order answers it again. */
export const OrderCancel = defineRpc(
  'rpc.energy.order.cancel',
  z.strictObject({ id: uuidV7, participant: didKey }),
  z.strictObject({ order: orderView }),
);

/**
 * Cancel-and-replace: a resting order gets a new limit and a new total quantity (filled part
 * included, so a replace racing a fill never trades more than intended). It keeps its queue
 * place only when the price is unchanged and the quantity does not rise.
 */
export const OrderReplace = defineRpc(
  'rpc.energy.order.replace',
  z.strictObject({ id: uuidV7, participant: didKey, quantityWh: positiveInt64, limitPriceMicroPerKwh: positiveInt64 }),
  z.strictObject({ order: orderView, trades: z.array(tradeView) }),
);

/** A participant's orders, newest first. */
export const OrderList = defineRpc(
  'rpc.energy.order.list',
  z.strictObject({
    participant: didKey,
    status: orderStatus.optional(),
    intervalStart: instant.optional(),
    before: uuidV7.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  }),
  z.strictObject({ orders: z.array(orderView), next: uuidV7.nullable() }),
);
