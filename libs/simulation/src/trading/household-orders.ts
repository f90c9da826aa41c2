import type { SeededRandom } from '../seeded-random';

/** The utility's fallback prices: every order price lies between them. µ-currency per kWh. */
export interface PriceBand {
  feedInMicroPerKwh: bigint;
  retailMicroPerKwh: bigint;
}

/** What a household expects for one delivery interval, Wh. */
export interface IntervalForecast {
  surplusWh: bigint;
  deficitWh: bigint;
}

/** An order a household decides to place (the runner adds ids, zone, interval and device). */
export interface OrderIntent {
  side: 'buy' | 'sell';
  quantityWh: bigint;
  limitPriceMicroPerKwh: bigint;
}

export interface BiddingRules {
  /** Below this a household does not bother to trade (Wh). */
  minOrderWh: bigint;
  /** Sellers ask this far into the band, as a share range of (retail − feed-in). */
  askShare: readonly [number, number];
  /** Buyers bid this far into the band. */
  bidShare: readonly [number, number];
  /** Share of the forecast a household dares to sell (forecasts miss; shortfalls cost). */
  sellShare: number;
  /** Prices are whole multiples of this (µ-currency per kWh). */
  tickMicro: bigint;
}

export const DEFAULT_BIDDING: BiddingRules = {
  minOrderWh: 50n,
  askShare: [0.1, 0.45],
  bidShare: [0.3, 0.85],
  sellShare: 0.8,
  tickMicro: 1_000n,
};

/**
 * A household's orders for one delivery interval: it sells part of the surplus it forecasts
 * (from PV, or a battery above its reserve) and buys the deficit it forecasts, each at a price
 * drawn inside the band (sellers lower, buyers higher, so most of them meet). Sells are capped
 * at what the selling device may deliver in the interval. Pure: the same forecast and random
 * stream give the same orders.
 */
export function householdOrders(
  forecast: IntervalForecast,
  band: PriceBand,
  random: SeededRandom,
  sellCapWh: bigint,
  rules: BiddingRules = DEFAULT_BIDDING,
): OrderIntent[] {
  if (band.retailMicroPerKwh < band.feedInMicroPerKwh) throw new RangeError('retail price below feed-in tariff');
  const orders: OrderIntent[] = [];
  const sellable = minBig(scale(forecast.surplusWh, rules.sellShare), sellCapWh);
  if (sellable >= rules.minOrderWh) {
    orders.push({ side: 'sell', quantityWh: sellable, limitPriceMicroPerKwh: priceIn(band, rules.askShare, random, rules.tickMicro) });
  }
  if (forecast.deficitWh >= rules.minOrderWh) {
    orders.push({ side: 'buy', quantityWh: forecast.deficitWh, limitPriceMicroPerKwh: priceIn(band, rules.bidShare, random, rules.tickMicro) });
  }
  return orders;
}

/** A price at a random share of the band, on the tick grid and never outside the band. */
function priceIn(band: PriceBand, [lo, hi]: readonly [number, number], random: SeededRandom, tick: bigint): bigint {
  const spread = band.retailMicroPerKwh - band.feedInMicroPerKwh;
  const share = lo + random.next() * (hi - lo);
  const raw = band.feedInMicroPerKwh + BigInt(Math.round(Number(spread) * share));
  const onTick = (raw / tick) * tick;
  if (onTick < band.feedInMicroPerKwh) return band.feedInMicroPerKwh;
  return onTick > band.retailMicroPerKwh ? band.retailMicroPerKwh : onTick;
}

function scale(wh: bigint, share: number): bigint {
  return (wh * BigInt(Math.round(share * 1000))) / 1000n;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
