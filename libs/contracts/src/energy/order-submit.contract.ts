import { z } from 'zod';
import { defineRpc } from '../contract';
import { orderView } from './order';
import { tradeView } from './trade';

/**
 * Submits a limit order for one delivery interval in one zone. The id is chosen by the
 * client: a retry with the same id and body returns the first result; the same id with a
 * different body is ID_CONFLICT.
 */
export const OrderSubmit = defineRpc(
  'rpc.energy.order.submit',
  orderView.pick({ id: true, participant: true, side: true, zone: true, intervalStart: true, quantityWh: true, limitPriceMicroPerKwh: true }),
  z.strictObject({ order: orderView, trades: z.array(tradeView) }),
);
