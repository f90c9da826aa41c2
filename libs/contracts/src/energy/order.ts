import { z } from 'zod';
import { didKey, instant, int64, positiveInt64, uuidV7, zoneId } from '../wire/codecs';

export const orderSide = z.enum(['buy', 'sell']);
export type OrderSide = z.output<typeof orderSide>;
export const orderStatus = z.enum(['open', 'filled', 'cancelled', 'expired']);
/**
 * Time in force: `GTC` good till gate closure (the rest rests), `IOC` immediate or cancel
 * (the rest is cancelled), `FOK` fill or kill (all at once or refused).
 */
export const timeInForce = z.enum(['GTC', 'IOC', 'FOK']);
export type TimeInForce = z.output<typeof timeInForce>;

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
  timeInForce,
  minFillWh: positiveInt64.nullable(),
  /** The selling device (a sell names the battery or PV inverter it sells from). */
  device: didKey.nullable(),
  filledWh: int64,
});
export type OrderView = z.output<typeof orderView>;

/** What a participant sends to place one order (the participant comes from the signature). */
export const orderRequest = z.strictObject({
  id: uuidV7,
  side: orderSide,
  zone: zoneId,
  intervalStart: instant,
  quantityWh: positiveInt64,
  /** For a buy the highest delivered price (energy + grid fee); for a sell the lowest energy price. */
  limitPriceMicroPerKwh: positiveInt64,
  timeInForce: timeInForce.default('GTC'),
  minFillWh: positiveInt64.optional(),
  device: didKey.optional(),
});
export type OrderRequest = z.output<typeof orderRequest>;
