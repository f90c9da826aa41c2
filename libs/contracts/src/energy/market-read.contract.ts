import { z } from 'zod';
import { defineRpc } from '../contract';
import { instant, nonNegativeInt64, positiveInt64, zoneId } from '../wire/codecs';

const market = { zone: zoneId, intervalStart: instant };
/** One price level of a book side: the open energy at that price and how many orders hold it. */
export const depthLevel = z.strictObject({ priceMicroPerKwh: positiveInt64, openWh: positiveInt64, orderCount: z.number().int().min(1) });
export const marketPhase = z.enum(['pending', 'continuous', 'call', 'closed']);

/** Aggregated depth of one zone's book for one interval: price levels, no identities. */
export const MarketDepth = defineRpc(
  'rpc.energy.market.depth',
  z.strictObject({ ...market, levels: z.number().int().min(1).max(100).default(20) }),
  z.strictObject({ ...market, phase: marketPhase, bids: z.array(depthLevel), asks: z.array(depthLevel) }),
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

/**
 * One transfer link of a market: what has crossed from one zone to another in the interval
 * (`usedWh`, the energy of its cross-zone trades) against the capacity the market opened with
 * (`null`: no limit, so nothing remains to report).
 */
export const marketLink = z.strictObject({
  from: zoneId,
  to: zoneId,
  capacityWh: nonNegativeInt64.nullable(),
  usedWh: nonNegativeInt64,
  remainingWh: nonNegativeInt64.nullable(),
});

/**
 * Cross-zone flows of an area against its transfer capacities, per delivery interval: the
 * links (ordered pairs of zones) that may carry energy, or that did. No identities. With
 * `intervalStart`, that one market (open, closed, or not opened yet: then nothing is used
 * and the capacities are the area's current ones); without it, the area's open markets,
 * earliest first, at most `limit`.
 */
export const MarketFlows = defineRpc(
  'rpc.energy.market.flows',
  z.strictObject({ area: zoneId, intervalStart: instant.optional(), limit: z.number().int().min(1).max(96).default(4) }),
  z.strictObject({
    area: zoneId,
    zones: z.array(zoneId),
    markets: z.array(z.strictObject({ intervalStart: instant, phase: marketPhase, links: z.array(marketLink) })),
  }),
);
