/**
 * Pure matching engines for Ampool's energy market: a continuous double auction with
 * cross-zone grid fees and transfer capacities, and a uniform-price call auction at gate
 * closure. No I/O, no clock, no randomness: the same commands always give the same trades.
 */
export { OrderBook } from './order-book';
export { RejectCode } from './matching-codes';
export { MatchingError } from './matching-error';
export type { MatchingErrorCode } from './matching-error';
export {
  MAX_ABS_PRICE_MICRO_PER_KWH,
  MAX_GRID_FEE_MICRO_PER_KWH,
  MAX_ID_LENGTH,
  MAX_LIVE_ORDERS,
  MAX_QUANTITY_WH,
  MAX_TRANSFER_CAPACITY_WH,
  MAX_ZONES,
} from './matching-bounds';
export type * from './order-book.types';
export * from './rides';
