/**
 * Stable reasons a command is rejected. A rejected command never changes the book, so the
 * caller can act on the code (fix the input, retry later, report) without reconciling state.
 * The string values are part of the wire contract: never rename one, only add.
 */
export const RejectCode = {
  /** A field has the wrong type or an unknown value (side, time in force, a non-bigint amount, an unknown command). */
  MALFORMED_COMMAND: 'MALFORMED_COMMAND',
  /** Quantity is zero or negative. */
  QUANTITY_NOT_POSITIVE: 'QUANTITY_NOT_POSITIVE',
  /** Quantity exceeds `MAX_QUANTITY_WH`. */
  QUANTITY_ABOVE_MAX: 'QUANTITY_ABOVE_MAX',
  /** Limit price lies outside the market's band (feed-in tariff .. retail price). */
  PRICE_OUT_OF_BAND: 'PRICE_OUT_OF_BAND',
  /** Minimum fill is zero or negative. */
  MIN_FILL_NOT_POSITIVE: 'MIN_FILL_NOT_POSITIVE',
  /** Minimum fill exceeds the order quantity. */
  MIN_FILL_ABOVE_QUANTITY: 'MIN_FILL_ABOVE_QUANTITY',
  /** Less than the minimum fill could execute immediately; nothing was traded. */
  MIN_FILL_NOT_AVAILABLE: 'MIN_FILL_NOT_AVAILABLE',
  /** A fill-or-kill order could not fill completely; nothing was traded. */
  FILL_OR_KILL_NOT_FILLABLE: 'FILL_OR_KILL_NOT_FILLABLE',
  /** A market order asked to rest (GTC); market orders must be IOC or FOK. */
  MARKET_ORDER_MUST_BE_IMMEDIATE: 'MARKET_ORDER_MUST_BE_IMMEDIATE',
  /** During a call phase orders only rest: IOC, FOK, market and minimum-fill orders are refused. */
  ORDER_TYPE_NOT_ALLOWED_IN_PHASE: 'ORDER_TYPE_NOT_ALLOWED_IN_PHASE',
  /** The zone is not one of the market's zones. */
  UNKNOWN_ZONE: 'UNKNOWN_ZONE',
  /** An order, owner or zone id is empty or longer than `MAX_ID_LENGTH`. */
  ID_INVALID: 'ID_INVALID',
  /**
   * An order with this id rests in the book. The engine only knows live orders; refusing an
   * id reused after its order ended is the service's job (its idempotency table has every id).
   */
  DUPLICATE_ORDER_ID: 'DUPLICATE_ORDER_ID',
  /** The book already holds its maximum number of resting orders. */
  BOOK_FULL: 'BOOK_FULL',
  /** Cancel or replace of an id that does not rest in the book (never accepted, or already filled, cancelled or never resting). */
  UNKNOWN_ORDER: 'UNKNOWN_ORDER',
  /** Replace to a total quantity not above what has already filled. */
  REPLACE_QUANTITY_NOT_ABOVE_FILLED: 'REPLACE_QUANTITY_NOT_ABOVE_FILLED',
  /** The command does not exist in this market mode or phase (e.g. a closing call in a continuous-only market). */
  NOT_ALLOWED_IN_MODE: 'NOT_ALLOWED_IN_MODE',
  /** Gate closure has happened; the market takes no more commands. */
  MARKET_CLOSED: 'MARKET_CLOSED',
} as const;

/** One of the {@link RejectCode} values. */
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];
