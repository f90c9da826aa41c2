import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant, positiveInt64, uuidV7, zoneId } from '../wire/codecs';
import { orderSide, orderView } from './order';
import { tradeView } from './trade';

/**
 * Submits a limit order for one delivery interval in one zone. The id is chosen by the
 * client: a retry with the same id and body returns the first result; the same id with a
 * different body is ID_CONFLICT.
 */
export const OrderSubmit = defineRpc(
  'rpc.energy.order.submit',
  z.strictObject({
    id: uuidV7,
    participant: didKey,
    side: orderSide,
    zone: zoneId,
    intervalStart: instant,
    quantityWh: positiveInt64,
    limitPriceMicroPerKwh: positiveInt64,
  }),
  z.strictObject({ order: orderView, trades: z.array(tradeView) }),
);
