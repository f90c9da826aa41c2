import { z } from 'zod';
import { defineRpc } from '../contract';
import { uuidV7 } from '../wire/codecs';
import { orderView } from './order';
import { tradeView } from './trade';

/** Reads an order with the trades it took part in. */
export const OrderGet = defineRpc(
  'rpc.energy.order.get',
  z.strictObject({ id: uuidV7 }),
  z.strictObject({ order: orderView, trades: z.array(tradeView) }),
);
