import { z } from 'zod';
import { didKey, instant, nonNegativeInt64, positiveInt64, sha256Hex, uuidV7, zoneId } from '../wire/codecs';

/**
 * A trade's lifecycle: `matched` when the engine executes it; `held` once settlement holds
 * the buyer's money; `committed` once the ledger has also recorded it. `unfunded` when
 * settlement could not hold the money.
 */
export const tradeStatus = z.enum(['matched', 'held', 'committed', 'unfunded']);
export type TradeStatus = z.output<typeof tradeStatus>;

/** The facts of a trade: what the ledger records and settlement holds money for. */
export const tradeFacts = z.strictObject({
  id: uuidV7,
  buyOrderId: uuidV7,
  sellOrderId: uuidV7,
  buyer: didKey,
  seller: didKey,
  /** The buyer's zone (where the energy is delivered). */
  zone: zoneId,
  sellerZone: zoneId,
  buyerZone: zoneId,
  intervalStart: instant,
  energyWh: positiveInt64,
  /** Energy price the seller receives. */
  priceMicroPerKwh: positiveInt64,
  /** Grid fee per kWh the buyer pays on top, for the grid operator. */
  gridFeeMicroPerKwh: nonNegativeInt64,
  /** priceMicroPerKwh × energyWh: what the seller is owed. */
  valueMicro: positiveInt64,
  /** (priceMicroPerKwh + gridFeeMicroPerKwh) × energyWh: what settlement holds on the buyer's account. */
  buyerCostMicro: positiveInt64,
  executedAt: instant,
});
export type TradeFacts = z.output<typeof tradeFacts>;

/** A trade with its progress through settlement and the ledger. */
export const tradeView = tradeFacts.extend({
  status: tradeStatus,
  holdTransferId: uuidV7.nullable(),
  ledgerEntryHash: sha256Hex.nullable(),
});
export type TradeView = z.output<typeof tradeView>;
