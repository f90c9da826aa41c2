import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, nonNegativeInt64, positiveInt64, uuidV7, zoneId } from '../wire/codecs';
import { orderSide, timeInForce } from './order';

/** The market accepted an order (it is in the journal and the book). */
export const OrderAccepted = defineEvent(
  'evt.energy.order.accepted.v1',
  z.strictObject({
    orderId: uuidV7,
    participant: didKey,
    side: orderSide,
    zone: zoneId,
    intervalStart: instant,
    quantityWh: positiveInt64,
    limitPriceMicroPerKwh: positiveInt64,
    timeInForce,
    at: instant,
  }),
);

/**
 * An order reached its end: filled, cancelled (by its owner, by suspension, or the part of an
 * IOC order that could not fill), expired at gate closure, or refused by the engine after its
 * hold was placed. `filledCostMicro` is what its trades cost the buyer in total: settlement
 * keeps that much of a buy order's hold for the trades and releases the rest.
 */
export const OrderClosed = defineEvent(
  'evt.energy.order.closed.v1',
  z.strictObject({
    orderId: uuidV7,
    participant: didKey,
    side: orderSide,
    reason: z.enum(['filled', 'cancelled', 'expired', 'rejected', 'unfilled']),
    filledWh: nonNegativeInt64,
    filledCostMicro: nonNegativeInt64,
    at: instant,
  }),
);

/** Gate closure: the market (area, interval) is closed; per zone the auction result and what falls back to the utility. */
export const MarketClosed = defineEvent(
  'evt.energy.market.closed.v1',
  z.strictObject({
    area: zoneId,
    intervalStart: instant,
    zones: z.array(
      z.strictObject({
        zone: zoneId,
        clearingPriceMicroPerKwh: positiveInt64.nullable(),
        auctionVolumeWh: nonNegativeInt64,
        tradedWh: nonNegativeInt64,
        unmatchedBuyWh: nonNegativeInt64,
        unmatchedSellWh: nonNegativeInt64,
      }),
    ),
    closedAt: instant,
  }),
);
