import { z } from 'zod';
import { didKey, instant, int64, positiveInt64, uuidV7, zoneId } from '../wire/codecs';

export const orderSide = z.enum(['buy', 'sell']);
export type OrderSide = z.output<typeof orderSide>;
export const orderStatus = z.enum(['open', 'filled', 'cancelled', 'expired']);

/** An order as the energy market reports it. */
export const orderView = z.strictObject({
  id: uuidV7,
  participant: didKey,
  side: orderSide,
  zone: zoneId,
  intervalStart: instant,
  quantityWh: positiveInt64,
  limitPriceMicroPerKwh: positiveInt64,
  remainingWh: int64,
  status: orderStatus,
  createdAt: instant,
});
export type OrderView = z.output<typeof orderView>;
