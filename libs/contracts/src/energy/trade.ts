import { z } from 'zod';
import { didKey, instant, positiveInt64, sha256Hex, uuidV7, zoneId } from '../wire/codecs';

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
  zone: zoneId,
  intervalStart: instant,
  energyWh: positiveInt64,
  priceMicroPerKwh: positiveInt64,
  valueMicro: positiveInt64,
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
