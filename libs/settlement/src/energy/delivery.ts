import { divRoundHalfEven, fillValueMicro } from '@ampool/domain';

/** A trade of one seller in one delivery interval, as settlement received it. */
export interface EnergyTradeToSettle {
  id: string;
  buyer: string;
  seller: string;
  energyWh: bigint;
  /** What the seller gets per kWh. */
  priceMicroPerKwh: bigint;
  /** What the grid operator gets per kWh, paid by the buyer on top of the price. */
  gridFeeMicroPerKwh: bigint;
  /** price × Wh, as the trade stated it. */
  valueMicro: bigint;
  /** (price + grid fee) × Wh, as the trade stated it: the amount held on the buyer's account. */
  buyerCostMicro: bigint;
  /** Execution order: the first executed is the first served. */
  executedAt: number;
}

export interface DeliveryTerms {
  /** The utility's retail price: what the buyer's missing energy cost. */
  retailMicroPerKwh: bigint;
  /** The platform's fee on what the seller earns, in basis points (1/100 of a percent). */
  platformFeeBps: bigint;
}

/** How one trade settles once the interval is measured. Every amount is µ-currency, ≥ 0. */
export interface TradeSettlement {
  tradeId: string;
  deliveredWh: bigint;
  shortfallWh: bigint;
  /** Always the trade's buyer cost: the buyer is made whole at the contracted price. */
  buyerPaysMicro: bigint;
  /** The delivered energy's value less the platform fee. */
  sellerReceivesMicro: bigint;
  platformFeeMicro: bigint;
  /** The grid fee on the delivered energy. */
  gridOperatorReceivesMicro: bigint;
  /** The buyer's payment for the energy it did not get from the seller: it came from the utility. */
  utilityReceivesFromBuyerMicro: bigint;
  /** What the seller owes the utility so that the missing energy is paid at retail. */
  sellerPenaltyMicro: bigint;
}

const BPS = 10_000n;

/**
 * Settles one seller's trades of one interval against its metered export (rules and worked
 * examples: docs/settlement.md).
 *
 * 1. The export is allocated to the trades first come, first served (by execution time, then
 *    id), each capped at its contracted energy.
 * 2. Delivered energy: the buyer pays (price + grid fee) for it; the seller gets the price less
 *    the platform fee; the grid operator gets the grid fee.
 * 3. Missing energy (the shortfall) came from the utility: the buyer still pays the contracted
 *    cost for it, which goes to the utility, and the seller pays the utility the rest of the
 *    retail price (nothing if the contract was already at or above retail).
 *
 * A fully delivered trade settles to exactly the trade's stated value and cost; with a
 * shortfall, the delivered part is priced by the same rounding (half to even) and the missing
 * part takes the remainder, so the buyer never pays a µ more or less than the trade said.
 */
export function settleDeliveries(trades: readonly EnergyTradeToSettle[], exportWh: bigint, terms: DeliveryTerms): TradeSettlement[] {
  if (exportWh < 0n) throw new RangeError('export must not be negative');
  const ordered = [...trades].sort((a, b) => a.executedAt - b.executedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let left = exportWh;
  return ordered.map((t) => {
    const deliveredWh = left < t.energyWh ? left : t.energyWh;
    left -= deliveredWh;
    const shortfallWh = t.energyWh - deliveredWh;
    const full = shortfallWh === 0n;
    const deliveredCost = full ? t.buyerCostMicro : fillValueMicro(t.priceMicroPerKwh + t.gridFeeMicroPerKwh, deliveredWh);
    const deliveredValue = full ? t.valueMicro : fillValueMicro(t.priceMicroPerKwh, deliveredWh);
    const platformFeeMicro = divRoundHalfEven(deliveredValue * terms.platformFeeBps, BPS);
    const missingCost = t.buyerCostMicro - deliveredCost;
    const retailForMissing = fillValueMicro(terms.retailMicroPerKwh, shortfallWh);
    return {
      tradeId: t.id,
      deliveredWh,
      shortfallWh,
      buyerPaysMicro: t.buyerCostMicro,
      sellerReceivesMicro: deliveredValue - platformFeeMicro,
      platformFeeMicro,
      gridOperatorReceivesMicro: deliveredCost - deliveredValue,
      utilityReceivesFromBuyerMicro: missingCost,
      sellerPenaltyMicro: retailForMissing > missingCost ? retailForMissing - missingCost : 0n,
    };
  });
}

/**
 * Which intervals settle now. Money moves only on proof: a measured interval settles; an
 * estimated or anomalous one waits for a correction (a late reading makes it measured) or an
 * operator's decision, until `unprovenTimeoutMs` after its end — then it settles as not
 * delivered (export 0: the shortfall rule, in full).
 */
export function deliveryDecision(
  quality: 'measured' | 'estimated' | 'anomalous',
  intervalEndMs: number,
  nowMs: number,
  unprovenTimeoutMs: number,
): 'settle' | 'wait' | 'settle-as-undelivered' {
  if (quality === 'measured') return 'settle';
  return nowMs >= intervalEndMs + unprovenTimeoutMs ? 'settle-as-undelivered' : 'wait';
}
