import { z } from 'zod';
import { defineRpc } from '../contract';
import { instant, nonNegativeInt64, positiveInt64, zoneId } from '../wire/codecs';

const market = { zone: zoneId, intervalStart: instant };
const level = z.strictObject({ priceMicroPerKwh: positiveInt64, openWh: positiveInt64, orderCount: z.number().int().min(1) });
export const marketPhase = z.enum(['pending', 'continuous', 'call', 'closed']);

/** Aggregated depth of one zone's book for one interval: price levels, no identities. */
export const MarketDepth = defineRpc(
  'rpc.energy.market.depth',
  z.strictObject({ ...market, levels: z.number().int().min(1).max(100).default(20) }),
  z.strictObject({ ...market, phase: marketPhase, bids: z.array(level), asks: z.array(level) }),
);

/** The trade tape of one zone and interval, oldest first: no buyer, seller or order ids. */
export const MarketTrades = defineRpc(
  'rpc.energy.market.trades',
  z.strictObject({ ...market, afterSeq: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }),
  z.strictObject({
    trades: z.array(
      z.strictObject({
        seq: z.number().int().min(1),
        sellerZone: zoneId,
        buyerZone: zoneId,
        energyWh: positiveInt64,
        priceMicroPerKwh: positiveInt64,
        gridFeeMicroPerKwh: nonNegativeInt64,
        executedAt: instant,
      }),
    ),
  }),
);

/** Statistics of one zone and interval: last price, volume, clearing price once the gate closed. */
export const MarketStats = defineRpc(
  'rpc.energy.market.stats',
  z.strictObject(market),
  z.strictObject({
    ...market,
    phase: marketPhase,
    tradeCount: z.number().int().min(0),
    volumeWh: nonNegativeInt64,
    lastPriceMicroPerKwh: positiveInt64.nullable(),
    volumeWeightedPriceMicroPerKwh: positiveInt64.nullable(),
    clearingPriceMicroPerKwh: positiveInt64.nullable(),
  }),
);
