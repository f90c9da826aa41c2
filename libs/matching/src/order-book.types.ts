import type { RejectCode } from './matching-codes';

/** Which side of the book an order is on. */
export type Side = 'buy' | 'sell';

/**
 * Time in force.
 * - `GTC`: good till gate closure; the unfilled remainder rests in the book.
 * - `IOC`: immediate or cancel; whatever does not fill at once is cancelled, never rests.
 * - `FOK`: fill or kill; fills completely at once or is rejected without trading.
 */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

/**
 * How a market matches.
 * - `continuous`: every order matches on arrival; gate closure expires what rests.
 * - `call-auction`: orders only rest; gate closure runs a uniform-price auction.
 * - `continuous-then-auction`: continuous until `beginClosingCall`, then a call phase in which
 *   orders only rest, then the auction at gate closure.
 */
export type MarketMode = 'continuous' | 'call-auction' | 'continuous-then-auction';

/** Where a market is in its life. */
export type MarketPhase = 'continuous' | 'call' | 'closed';

/** One zone (grid segment) whose orders this book holds. */
export interface ZoneConfig {
  readonly zoneId: string;
}

/**
 * Everything that decides how one market (zone set, delivery interval) matches. The two
 * callbacks are evaluated once, for every ordered zone pair, when the book is built; they
 * must be pure.
 */
export interface MarketConfig {
  readonly mode: MarketMode;
  /** The zones whose orders share this book; one zone means no cross-zone trading. */
  readonly zones: readonly ZoneConfig[];
  /** Lowest accepted limit price: the utility's feed-in tariff (it buys there anyway). */
  readonly minPriceMicroPerKwh: bigint;
  /** Highest accepted limit price: the utility's retail price (it sells there anyway). */
  readonly maxPriceMicroPerKwh: bigint;
  /**
   * Grid fee a buyer in `buyerZoneId` pays on top of the energy price for energy from
   * `sellerZoneId` (including the same zone, which is usually the cheapest). 0 ..
   * `MAX_GRID_FEE_MICRO_PER_KWH`. Omitted: no fees anywhere.
   */
  readonly gridFeeMicroPerKwh?: (sellerZoneId: string, buyerZoneId: string) => bigint;
  /**
   * Energy that may still flow from `fromZoneId` to `toZoneId` in this interval, or `null`
   * for no limit. Only consulted for different zones: trades inside one zone use no
   * transfer. Directional: A to B and B to A are separate budgets. Omitted: no limits.
   */
  readonly transferCapacityWh?: (fromZoneId: string, toZoneId: string) => bigint | null;
  /** Most resting orders; defaults to and may not exceed `MAX_LIVE_ORDERS`. */
  readonly maxLiveOrders?: number;
}

/** Submit a new order. */
export interface SubmitOrderCommand {
  /**
   * Client-chosen id (UUIDv7 in the product). The engine refuses an id that is resting; the
   * service keeps ids unique for the life of the market.
   */
  readonly orderId: string;
  readonly ownerId: string;
  readonly zoneId: string;
  readonly side: Side;
  readonly quantityWh: bigint;
  /**
   * Limit: for a buy the highest *delivered* price (energy price plus grid fee), for a sell
   * the lowest energy price. `null` makes a market order: its limit is the band edge (the
   * retail price for a buy, the feed-in tariff for a sell), and it must be IOC or FOK.
   */
  readonly limitPriceMicroPerKwh: bigint | null;
  readonly timeInForce: TimeInForce;
  /** Minimum quantity that must fill on arrival, or the order is rejected without trading. */
  readonly minFillWh?: bigint;
}

/** Cancel the open remainder of a resting order. */
export interface CancelOrderCommand {
  readonly orderId: string;
}

/**
 * Change a resting order's limit price and total quantity. `quantityWh` is the new total,
 * filled quantity included (as in FIX), so a replace racing a fill can never buy or sell
 * more than the caller intended; it must exceed what has already filled.
 */
export interface ReplaceOrderCommand {
  readonly orderId: string;
  readonly quantityWh: bigint;
  readonly limitPriceMicroPerKwh: bigint;
}

/** Close the gate: run the closing auction if the mode has one, then expire everything. */
export interface CloseGateCommand {
  /**
   * Reference price for the auction's last tie-break (closest price wins). Defaults to the
   * middle of the price band, rounded down.
   */
  readonly referencePriceMicroPerKwh?: bigint;
}

/** Every command as plain data, for journaling and replay. */
export type BookCommand =
  | ({ readonly type: 'submit' } & SubmitOrderCommand)
  | ({ readonly type: 'cancel' } & CancelOrderCommand)
  | ({ readonly type: 'replace' } & ReplaceOrderCommand)
  | { readonly type: 'begin-closing-call' }
  | ({ readonly type: 'close-gate' } & CloseGateCommand);

/** One execution between a resting (maker) and an incoming (taker) order. */
export interface Fill {
  /** Per-book counter, starting at 1: with the market id it names the trade. */
  readonly tradeSeq: number;
  readonly makerOrderId: string;
  readonly makerOwnerId: string;
  readonly takerOrderId: string;
  readonly takerOwnerId: string;
  readonly takerSide: Side;
  readonly sellerZoneId: string;
  readonly buyerZoneId: string;
  /** Energy price the seller receives (the resting order's price, net of the fee if the maker is the buyer). */
  readonly priceMicroPerKwh: bigint;
  /** Grid fee the buyer pays on top of `priceMicroPerKwh`. */
  readonly gridFeeMicroPerKwh: bigint;
  readonly quantityWh: bigint;
}

/** A resting order cancelled by self-trade prevention. */
export interface SelfTradeCancel {
  readonly orderId: string;
  readonly cancelledWh: bigint;
}

/** A rejected command: nothing changed. */
export interface Rejected {
  readonly status: 'rejected';
  readonly code: RejectCode;
}

/** A submit or replace that was carried out. */
export interface OrderAccepted {
  readonly status: 'accepted';
  readonly orderId: string;
  /** In execution order. */
  readonly fills: readonly Fill[];
  /** Sum of `fills` quantities. */
  readonly filledWh: bigint;
  /** Open quantity left resting in the book (0 for IOC, FOK, market). */
  readonly restingWh: bigint;
  /** Quantity of this order cancelled because it was IOC or market and could not fill. */
  readonly cancelledWh: bigint;
  /** Resting orders of the same owner that this order met and cancelled. */
  readonly selfTradeCancels: readonly SelfTradeCancel[];
}

/** A replace that was carried out. */
export interface ReplaceAccepted extends OrderAccepted {
  /** True when the order kept its place in the queue (same price, quantity not raised). */
  readonly priorityKept: boolean;
}

/** A cancel that was carried out. */
export interface CancelAccepted {
  readonly status: 'accepted';
  readonly orderId: string;
  readonly cancelledWh: bigint;
}

/** The closing call began. */
export interface PhaseAccepted {
  readonly status: 'accepted';
  readonly phase: MarketPhase;
}

/** The auction outcome in one zone. */
export interface ZoneClearing {
  readonly zoneId: string;
  /** Uniform energy price, or `null` when nothing crosses. */
  readonly clearingPriceMicroPerKwh: bigint | null;
  readonly volumeWh: bigint;
  /** Demand at the clearing price (buys whose limit net of the fee is at least the price). */
  readonly buyVolumeWh: bigint;
  /** Supply at the clearing price (sells whose limit is at most the price). */
  readonly sellVolumeWh: bigint;
  /** Same-zone grid fee each buyer pays on top of the clearing price. */
  readonly gridFeeMicroPerKwh: bigint;
}

/** What one order received in the auction, at its zone's clearing price. */
export interface AuctionAllocation {
  readonly orderId: string;
  readonly ownerId: string;
  readonly zoneId: string;
  readonly side: Side;
  readonly priceMicroPerKwh: bigint;
  readonly quantityWh: bigint;
}

/** An order whose remainder expired at gate closure (falls back to the utility). */
export interface ExpiredOrder {
  readonly orderId: string;
  readonly ownerId: string;
  readonly zoneId: string;
  readonly side: Side;
  readonly unfilledWh: bigint;
}

/** Gate closure carried out: the market is now closed. */
export interface GateClosed {
  readonly status: 'accepted';
  /** One per zone, in config order; empty in continuous mode. */
  readonly clearings: readonly ZoneClearing[];
  /** In zone order, then buys before sells, each in price-time priority. */
  readonly allocations: readonly AuctionAllocation[];
  /** Every order that still had open quantity, in zone, side, priority order. */
  readonly expired: readonly ExpiredOrder[];
}

/** Result of `submit`. */
export type SubmitResult = OrderAccepted | Rejected;
/** Result of `replace`. */
export type ReplaceResult = ReplaceAccepted | Rejected;
/** Result of `cancel`. */
export type CancelResult = CancelAccepted | Rejected;
/** Result of `beginClosingCall`. */
export type PhaseResult = PhaseAccepted | Rejected;
/** Result of `closeGate`. */
export type CloseGateResult = GateClosed | Rejected;
/** Result of `apply`. */
export type CommandResult = SubmitResult | ReplaceResult | CancelResult | PhaseResult | CloseGateResult;

/** A resting order as seen from outside. */
export interface OrderView {
  readonly orderId: string;
  readonly ownerId: string;
  readonly zoneId: string;
  readonly side: Side;
  readonly limitPriceMicroPerKwh: bigint;
  /** Total quantity (after any replace), filled part included. */
  readonly quantityWh: bigint;
  readonly filledWh: bigint;
  readonly openWh: bigint;
  /** Time priority: lower is earlier. */
  readonly seq: number;
}

/** Aggregated quantity at one price. */
export interface DepthLevel {
  readonly priceMicroPerKwh: bigint;
  readonly openWh: bigint;
  readonly orderCount: number;
}

/** One resting order in a snapshot. Money and energy are decimal strings so it survives JSON. */
export interface SnapshotOrder {
  readonly orderId: string;
  readonly ownerId: string;
  readonly zoneId: string;
  readonly side: Side;
  readonly limitPriceMicroPerKwh: string;
  readonly quantityWh: string;
  readonly filledWh: string;
  readonly seq: number;
}

/**
 * Everything that decides the book's future behaviour, as plain JSON-safe data: the
 * evaluated config (fee matrix, remaining capacities), the counters and every resting order
 * in priority order.
 */
export interface BookSnapshot {
  readonly format: 'ampool.matching.order-book/v1';
  readonly mode: MarketMode;
  readonly phase: MarketPhase;
  readonly zoneIds: readonly string[];
  readonly minPriceMicroPerKwh: string;
  readonly maxPriceMicroPerKwh: string;
  readonly maxLiveOrders: number;
  /** Row-major `[seller zone][buyer zone]`, decimal strings. */
  readonly gridFeesMicroPerKwh: readonly string[];
  /** Row-major `[from zone][to zone]`, decimal strings or `null` for no limit; the diagonal is always `null`. */
  readonly remainingCapacityWh: readonly (string | null)[];
  readonly nextOrderSeq: number;
  readonly nextTradeSeq: number;
  /** Zone by zone (config order), buys then sells, each side in price-time priority. */
  readonly orders: readonly SnapshotOrder[];
}
