import { BookSide, BUY as BUY_SIDE, PriceLevel, RestingOrder, SELL as SELL_SIDE } from './book-side';
import { findClearingPrice } from './call-auction';
import * as bounds from './matching-bounds';
import { RejectCode } from './matching-codes';
import { MatchingError } from './matching-error';
import type {
  AuctionAllocation,
  BookCommand,
  BookSnapshot,
  CancelOrderCommand,
  CancelResult,
  CloseGateCommand,
  CloseGateResult,
  CommandResult,
  DepthLevel,
  ExpiredOrder,
  Fill,
  MarketConfig,
  MarketMode,
  MarketPhase,
  OrderAccepted,
  OrderView,
  PhaseResult,
  Rejected,
  ReplaceOrderCommand,
  ReplaceResult,
  SelfTradeCancel,
  Side,
  SnapshotOrder,
  SubmitOrderCommand,
  SubmitResult,
  ZoneClearing,
} from './order-book.types';

const SNAPSHOT_FORMAT = 'ampool.matching.order-book/v1';

// Module-local copies: CommonJS output (tsx, SWC) turns every use of an imported binding into
// a property read through the exports object, which the hot path should not pay for.
const BUY = BUY_SIDE;
const SELL = SELL_SIDE;
const MAX_QUANTITY_WH = bounds.MAX_QUANTITY_WH;
const MAX_ID_LENGTH = bounds.MAX_ID_LENGTH;
const MAX_LIVE_ORDERS = bounds.MAX_LIVE_ORDERS;
const MAX_ZONES = bounds.MAX_ZONES;
const MAX_ABS_PRICE_MICRO_PER_KWH = bounds.MAX_ABS_PRICE_MICRO_PER_KWH;
const MAX_GRID_FEE_MICRO_PER_KWH = bounds.MAX_GRID_FEE_MICRO_PER_KWH;
const MAX_TRANSFER_CAPACITY_WH = bounds.MAX_TRANSFER_CAPACITY_WH;

// Rejections carry no per-command data, so one frozen object per code serves every caller
// and a rejected command allocates nothing.
const REJECTED = Object.fromEntries(
  Object.values(RejectCode).map((code) => [code, Object.freeze({ status: 'rejected', code })]),
) as { readonly [C in RejectCode]: Rejected };

const NO_FILLS: readonly Fill[] = Object.freeze([]);
const NO_SELF_TRADE_CANCELS: readonly SelfTradeCancel[] = Object.freeze([]);

function isValidId(id: string): boolean {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH;
}

function sideName(side: number): Side {
  return side === BUY ? 'buy' : 'sell';
}

/**
 * The continuous double auction (and closing call auction) for one market: one delivery
 * interval, one or more zones. Pure and deterministic: its state is a function of the
 * commands applied, it does no I/O and reads no clock or randomness.
 *
 * Priority: an incoming buy from zone b meets sells in ascending order of *delivered* price
 * (sell limit + grid fee from the seller's zone to b), an incoming sell from zone s meets buys
 * in descending order of *net* price (buy limit - grid fee from s to the buyer's zone); equal
 * prices go by arrival (sequence number), across zones too. A pair of different zones only
 * trades while the transfer capacity from the seller's to the buyer's zone lasts; each fill
 * consumes it. The trade executes at the resting order's price. Self-trade prevention cancels
 * the resting order. See README.md for every rule with an example.
 */
export class OrderBook {
  private readonly mode: MarketMode;
  private currentPhase: MarketPhase;
  private readonly zoneIds: readonly string[];
  private readonly zoneIndex: ReadonlyMap<string, number>;
  private readonly zoneCount: number;
  private readonly minPrice: number;
  private readonly maxPrice: number;
  private readonly minPriceBig: bigint;
  private readonly maxPriceBig: bigint;
  /** Row-major [seller zone][buyer zone]. */
  private readonly fees: Float64Array;
  private readonly feesBig: readonly bigint[];
  /** Row-major [from zone][to zone]; Infinity means no limit (always on the diagonal). */
  private readonly capacity: Float64Array;
  private readonly maxLiveOrders: number;
  /** Index zone * 2 + side. */
  private readonly sides: BookSide[];
  /**
   * Resting orders by id. Only live orders: remembering every id ever accepted would make
   * this map grow with the whole trading session (measured: half the throughput and 15 ms GC
   * pauses on the standard benchmark), and the service already stores every id for its
   * idempotent retries, so lifetime uniqueness is enforced there.
   */
  private readonly orders = new Map<string, RestingOrder>();
  private liveCount = 0;
  /** Retired order nodes for reuse; never longer than the most orders ever resting at once. */
  private readonly freeNodes: RestingOrder[] = [];
  private nextOrderSeq = 1;
  private nextTradeSeq = 1;

  // Per-command output, reset by each command; arrays are only allocated when needed.
  private pendingFills: Fill[] | null = null;
  private pendingSelfTradeCancels: SelfTradeCancel[] | null = null;

  /**
   * Build an empty book.
   * @throws MatchingError with code `INVALID_CONFIG` if the config breaks a bound.
   */
  constructor(config: MarketConfig) {
    const fail = (message: string): never => {
      throw new MatchingError('INVALID_CONFIG', message);
    };
    if (
      config.mode !== 'continuous' &&
      config.mode !== 'call-auction' &&
      config.mode !== 'continuous-then-auction'
    ) {
      fail(`unknown mode ${String(config.mode)}`);
    }
    this.mode = config.mode;
    this.currentPhase = config.mode === 'call-auction' ? 'call' : 'continuous';

    const zoneCount = config.zones.length;
    if (zoneCount === 0 || zoneCount > MAX_ZONES) fail(`a book needs 1..${MAX_ZONES} zones`);
    const zoneIndex = new Map<string, number>();
    config.zones.forEach((zone, i) => {
      if (!isValidId(zone.zoneId)) fail(`zone id ${JSON.stringify(zone.zoneId)} is invalid`);
      if (zoneIndex.has(zone.zoneId)) fail(`zone ${zone.zoneId} is listed twice`);
      zoneIndex.set(zone.zoneId, i);
    });
    this.zoneIds = config.zones.map((zone) => zone.zoneId);
    this.zoneIndex = zoneIndex;
    this.zoneCount = zoneCount;

    const { minPriceMicroPerKwh: minBig, maxPriceMicroPerKwh: maxBig } = config;
    if (minBig < -MAX_ABS_PRICE_MICRO_PER_KWH || maxBig > MAX_ABS_PRICE_MICRO_PER_KWH) {
      fail('the price band exceeds MAX_ABS_PRICE_MICRO_PER_KWH');
    }
    if (minBig > maxBig) fail('the price band is empty (min > max)');
    this.minPriceBig = minBig;
    this.maxPriceBig = maxBig;
    this.minPrice = Number(minBig);
    this.maxPrice = Number(maxBig);

    const cells = zoneCount * zoneCount;
    const fees = new Float64Array(cells);
    const feesBig: bigint[] = new Array<bigint>(cells).fill(0n);
    const capacity = new Float64Array(cells).fill(Infinity);
    for (let s = 0; s < zoneCount; s++) {
      for (let b = 0; b < zoneCount; b++) {
        const from = this.zoneIds[s] as string;
        const to = this.zoneIds[b] as string;
        const fee = config.gridFeeMicroPerKwh ? config.gridFeeMicroPerKwh(from, to) : 0n;
        if (typeof fee !== 'bigint' || fee < 0n || fee > MAX_GRID_FEE_MICRO_PER_KWH) {
          fail(`grid fee ${from} -> ${to} must be a bigint in 0..MAX_GRID_FEE_MICRO_PER_KWH`);
        }
        fees[s * zoneCount + b] = Number(fee);
        feesBig[s * zoneCount + b] = fee;
        if (s === b || !config.transferCapacityWh) continue;
        const cap = config.transferCapacityWh(from, to);
        if (cap === null) continue;
        if (typeof cap !== 'bigint' || cap < 0n || cap > MAX_TRANSFER_CAPACITY_WH) {
          fail(`capacity ${from} -> ${to} must be null or a bigint in 0..MAX_TRANSFER_CAPACITY_WH`);
        }
        capacity[s * zoneCount + b] = Number(cap);
      }
    }
    this.fees = fees;
    this.feesBig = feesBig;
    this.capacity = capacity;

    const maxLive = config.maxLiveOrders ?? MAX_LIVE_ORDERS;
    if (!Number.isInteger(maxLive) || maxLive < 1 || maxLive > MAX_LIVE_ORDERS) {
      fail(`maxLiveOrders must be an integer in 1..${MAX_LIVE_ORDERS}`);
    }
    this.maxLiveOrders = maxLive;

    this.sides = [];
    for (let z = 0; z < zoneCount; z++) this.sides.push(new BookSide(true), new BookSide(false));
  }

  /** The market's phase: `continuous`, `call` (orders only rest) or `closed`. */
  get phase(): MarketPhase {
    return this.currentPhase;
  }

  /** Number of resting orders. */
  get liveOrderCount(): number {
    return this.liveCount;
  }

  /** Apply a journaled command; the same commands in the same order give the same results. */
  apply(command: BookCommand): CommandResult {
    switch (command.type) {
      case 'submit':
        return this.submit(command);
      case 'cancel':
        return this.cancel(command);
      case 'replace':
        return this.replace(command);
      case 'begin-closing-call':
        return this.beginClosingCall();
      case 'close-gate':
        return this.closeGate(command);
      default:
        // Only reachable from data that bypassed the types, e.g. a corrupt journal entry.
        return REJECTED.MALFORMED_COMMAND;
    }
  }

  /**
   * Submit an order: validate, match against the book (in continuous phase), rest the
   * remainder if it is GTC. A rejected order changes nothing, not even self-trade cancels.
   */
  submit(command: SubmitOrderCommand): SubmitResult {
    if (this.currentPhase === 'closed') return REJECTED.MARKET_CLOSED;
    const quantityBig = command.quantityWh;
    const tif = command.timeInForce;
    // The types already say this; the checks are for journals and callers that bypass them,
    // because a number slipping in here would silently turn into a number in a fill.
    if (
      typeof quantityBig !== 'bigint' ||
      (command.side !== 'buy' && command.side !== 'sell') ||
      (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') ||
      (command.limitPriceMicroPerKwh !== null && typeof command.limitPriceMicroPerKwh !== 'bigint') ||
      (command.minFillWh !== undefined && typeof command.minFillWh !== 'bigint')
    ) {
      return REJECTED.MALFORMED_COMMAND;
    }
    if (quantityBig <= 0n) return REJECTED.QUANTITY_NOT_POSITIVE;
    if (quantityBig > MAX_QUANTITY_WH) return REJECTED.QUANTITY_ABOVE_MAX;
    const orderId = command.orderId;
    const ownerId = command.ownerId;
    if (!isValidId(orderId) || !isValidId(ownerId)) return REJECTED.ID_INVALID;
    const zone = this.zoneIndex.get(command.zoneId);
    if (zone === undefined) return REJECTED.UNKNOWN_ZONE;
    const isBuy = command.side === 'buy';
    const isMarket = command.limitPriceMicroPerKwh === null;
    let limitBig: bigint;
    if (command.limitPriceMicroPerKwh === null) {
      if (tif === 'GTC') return REJECTED.MARKET_ORDER_MUST_BE_IMMEDIATE;
      limitBig = isBuy ? this.maxPriceBig : this.minPriceBig;
    } else {
      limitBig = command.limitPriceMicroPerKwh;
      if (limitBig < this.minPriceBig || limitBig > this.maxPriceBig) return REJECTED.PRICE_OUT_OF_BAND;
    }
    const quantity = Number(quantityBig);
    let minFill = 0;
    const minFillBig = command.minFillWh;
    if (minFillBig !== undefined) {
      if (minFillBig <= 0n) return REJECTED.MIN_FILL_NOT_POSITIVE;
      if (minFillBig > quantityBig) return REJECTED.MIN_FILL_ABOVE_QUANTITY;
      minFill = Number(minFillBig);
    }
    if (tif === 'FOK') minFill = quantity;
    if (this.currentPhase === 'call' && (tif !== 'GTC' || isMarket || minFillBig !== undefined)) {
      return REJECTED.ORDER_TYPE_NOT_ALLOWED_IN_PHASE;
    }
    if (this.orders.has(orderId)) return REJECTED.DUPLICATE_ORDER_ID;
    if (tif === 'GTC' && this.liveCount >= this.maxLiveOrders) return REJECTED.BOOK_FULL;

    const limit = Number(limitBig);
    let remaining = quantity;
    if (this.currentPhase === 'continuous') {
      if (minFill > 0 && this.fillableQuantity(ownerId, zone, isBuy, limit, minFill) < minFill) {
        return tif === 'FOK' ? REJECTED.FILL_OR_KILL_NOT_FILLABLE : REJECTED.MIN_FILL_NOT_AVAILABLE;
      }
      this.pendingFills = null;
      this.pendingSelfTradeCancels = null;
      remaining = this.match(orderId, ownerId, zone, isBuy, limit, remaining);
    }

    let resting = 0;
    let cancelled = 0;
    if (remaining > 0 && tif === 'GTC') {
      const order = this.takeOrderNode();
      order.id = orderId;
      order.ownerId = ownerId;
      order.zone = zone;
      order.side = isBuy ? BUY : SELL;
      order.price = limit;
      order.priceBig = limitBig;
      order.openWh = remaining;
      order.filledWh = quantity - remaining;
      order.seq = this.nextOrderSeq++;
      (this.sides[zone * 2 + order.side] as BookSide).append(order);
      this.orders.set(orderId, order);
      this.liveCount++;
      resting = remaining;
    } else {
      cancelled = remaining;
    }
    return this.orderAccepted(orderId, quantity - remaining, resting, cancelled);
  }

  /** Cancel a resting order's open remainder. */
  cancel(command: CancelOrderCommand): CancelResult {
    if (this.currentPhase === 'closed') return REJECTED.MARKET_CLOSED;
    const orderId = command.orderId;
    const order = this.orders.get(orderId);
    if (order === undefined) return REJECTED.UNKNOWN_ORDER;
    const cancelled = order.openWh;
    this.retire(order);
    return { status: 'accepted', orderId, cancelledWh: BigInt(cancelled) };
  }

  /**
   * Cancel-and-replace a resting order's price and total quantity. The order keeps its
   * place in the queue only if the price is unchanged and the quantity is not raised;
   * otherwise it goes to the back of its (new) price level and, in continuous phase,
   * first matches like a new GTC order (minimum fill does not apply again).
   */
  replace(command: ReplaceOrderCommand): ReplaceResult {
    if (this.currentPhase === 'closed') return REJECTED.MARKET_CLOSED;
    const quantityBig = command.quantityWh;
    const limitBig = command.limitPriceMicroPerKwh;
    if (typeof quantityBig !== 'bigint' || typeof limitBig !== 'bigint') return REJECTED.MALFORMED_COMMAND;
    if (quantityBig <= 0n) return REJECTED.QUANTITY_NOT_POSITIVE;
    if (quantityBig > MAX_QUANTITY_WH) return REJECTED.QUANTITY_ABOVE_MAX;
    if (limitBig < this.minPriceBig || limitBig > this.maxPriceBig) return REJECTED.PRICE_OUT_OF_BAND;
    const order = this.orders.get(command.orderId);
    if (order === undefined) return REJECTED.UNKNOWN_ORDER;
    const total = Number(quantityBig);
    if (total <= order.filledWh) return REJECTED.REPLACE_QUANTITY_NOT_ABOVE_FILLED;
    const limit = Number(limitBig);
    const side = this.sides[order.zone * 2 + order.side] as BookSide;

    if (limit === order.price && total <= order.filledWh + order.openWh) {
      const reduction = order.filledWh + order.openWh - total;
      order.openWh -= reduction;
      (order.level as PriceLevel).openWh -= reduction;
      return {
        status: 'accepted',
        orderId: order.id,
        fills: NO_FILLS,
        filledWh: 0n,
        restingWh: BigInt(order.openWh),
        cancelledWh: 0n,
        selfTradeCancels: NO_SELF_TRADE_CANCELS,
        priorityKept: true,
      };
    }

    side.unlink(order);
    order.price = limit;
    order.priceBig = limitBig;
    let remaining = total - order.filledWh;
    if (this.currentPhase === 'continuous') {
      this.pendingFills = null;
      this.pendingSelfTradeCancels = null;
      remaining = this.match(order.id, order.ownerId, order.zone, order.side === BUY, limit, remaining);
    }
    const filled = total - order.filledWh - remaining;
    order.filledWh += filled;
    order.openWh = remaining;
    if (remaining > 0) {
      order.seq = this.nextOrderSeq++;
      side.append(order);
    } else {
      this.orders.delete(order.id);
      this.liveCount--;
    }
    return { ...this.orderAccepted(order.id, filled, remaining, 0), priorityKept: false };
  }

  /** Stop continuous matching: from now on orders only rest until the closing auction. */
  beginClosingCall(): PhaseResult {
    if (this.currentPhase === 'closed') return REJECTED.MARKET_CLOSED;
    if (this.mode !== 'continuous-then-auction' || this.currentPhase !== 'continuous') {
      return REJECTED.NOT_ALLOWED_IN_MODE;
    }
    this.currentPhase = 'call';
    return { status: 'accepted', phase: 'call' };
  }

  /**
   * Gate closure: in the auction modes clear each zone at its uniform price, then expire
   * every open remainder (it falls back to the utility) and close the market.
   */
  closeGate(command: CloseGateCommand = {}): CloseGateResult {
    if (this.currentPhase === 'closed') return REJECTED.MARKET_CLOSED;
    const given = command.referencePriceMicroPerKwh;
    if (given !== undefined && typeof given !== 'bigint') return REJECTED.MALFORMED_COMMAND;
    const reference = this.referencePrice(given);
    if (reference === null) return REJECTED.PRICE_OUT_OF_BAND;

    const clearings: ZoneClearing[] = [];
    const allocations: AuctionAllocation[] = [];
    if (this.mode !== 'continuous') {
      for (let zone = 0; zone < this.zoneCount; zone++) {
        clearings.push(this.clearZone(zone, reference, allocations));
      }
    }
    const expired: ExpiredOrder[] = [];
    for (let zone = 0; zone < this.zoneCount; zone++) {
      for (const side of [BUY, SELL]) {
        for (const level of (this.sides[zone * 2 + side] as BookSide).sortedLevels()) {
          for (let order = level.head; order !== null; order = order.next) {
            if (order.openWh > 0) {
              expired.push({
                orderId: order.id,
                ownerId: order.ownerId,
                zoneId: this.zoneIds[zone] as string,
                side: sideName(side),
                unfilledWh: BigInt(order.openWh),
              });
            }
          }
        }
      }
    }
    for (const side of this.sides) side.clear();
    this.orders.clear();
    this.liveCount = 0;
    this.currentPhase = 'closed';
    return { status: 'accepted', clearings, allocations, expired };
  }

  /**
   * What the auction would do in one zone now, without changing anything: the indicative
   * clearing price read models show during a call phase.
   * @returns null for an unknown zone or a reference price outside the band
   */
  indicativeClearing(zoneId: string, referencePriceMicroPerKwh?: bigint): ZoneClearing | null {
    const zone = this.zoneIndex.get(zoneId);
    const reference = this.referencePrice(referencePriceMicroPerKwh);
    if (zone === undefined || reference === null) return null;
    return this.computeClearing(zone, reference).clearing;
  }

  /** A resting order, or null if the id does not rest in the book. */
  getOrder(orderId: string): OrderView | null {
    const order = this.orders.get(orderId);
    return order === undefined ? null : this.view(order);
  }

  /** Best limit price on one side of one zone, or null if that side is empty. */
  bestPrice(zoneId: string, side: Side): bigint | null {
    const zone = this.zoneIndex.get(zoneId);
    if (zone === undefined) return null;
    const level = (this.sides[zone * 2 + (side === 'buy' ? BUY : SELL)] as BookSide).top();
    return level === null ? null : (level.head as RestingOrder).priceBig;
  }

  /** Aggregated depth of one side of one zone, best first, at most `maxLevels` levels. */
  depth(zoneId: string, side: Side, maxLevels: number): DepthLevel[] {
    const zone = this.zoneIndex.get(zoneId);
    if (zone === undefined) return [];
    const levels = (this.sides[zone * 2 + (side === 'buy' ? BUY : SELL)] as BookSide).sortedLevels();
    return levels.slice(0, Math.max(0, maxLevels)).map((level) => ({
      priceMicroPerKwh: (level.head as RestingOrder).priceBig,
      openWh: BigInt(level.openWh),
      orderCount: level.orderCount,
    }));
  }

  /** Transfer capacity left from one zone to another; null for no limit or an unknown zone. */
  remainingCapacityWh(fromZoneId: string, toZoneId: string): bigint | null {
    const from = this.zoneIndex.get(fromZoneId);
    const to = this.zoneIndex.get(toZoneId);
    if (from === undefined || to === undefined) return null;
    const cap = this.capacity[from * this.zoneCount + to] as number;
    return cap === Infinity ? null : BigInt(cap);
  }

  /**
   * The book's whole state as JSON-safe data. Canonical: two books that behave the same from
   * here on produce deep-equal snapshots (orders are listed in priority order).
   */
  snapshot(): BookSnapshot {
    const orders: SnapshotOrder[] = [];
    for (let zone = 0; zone < this.zoneCount; zone++) {
      for (const side of [BUY, SELL]) {
        for (const level of (this.sides[zone * 2 + side] as BookSide).sortedLevels()) {
          for (let order = level.head; order !== null; order = order.next) {
            orders.push({
              orderId: order.id,
              ownerId: order.ownerId,
              zoneId: this.zoneIds[zone] as string,
              side: sideName(side),
              limitPriceMicroPerKwh: order.priceBig.toString(),
              quantityWh: String(order.filledWh + order.openWh),
              filledWh: String(order.filledWh),
              seq: order.seq,
            });
          }
        }
      }
    }
    return {
      format: SNAPSHOT_FORMAT,
      mode: this.mode,
      phase: this.currentPhase,
      zoneIds: [...this.zoneIds],
      minPriceMicroPerKwh: this.minPriceBig.toString(),
      maxPriceMicroPerKwh: this.maxPriceBig.toString(),
      maxLiveOrders: this.maxLiveOrders,
      gridFeesMicroPerKwh: this.feesBig.map((fee) => fee.toString()),
      remainingCapacityWh: Array.from(this.capacity, (cap) => (cap === Infinity ? null : String(cap))),
      nextOrderSeq: this.nextOrderSeq,
      nextTradeSeq: this.nextTradeSeq,
      orders,
    };
  }

  /**
   * Rebuild a book from `snapshot()`; replaying the commands that followed the snapshot then
   * gives the same results and the same state as the live book.
   * @throws MatchingError with code `INVALID_SNAPSHOT` if the snapshot is malformed.
   */
  static restore(snapshot: BookSnapshot): OrderBook {
    const fail = (message: string): never => {
      throw new MatchingError('INVALID_SNAPSHOT', message);
    };
    const int = (text: unknown, what: string): bigint => {
      if (typeof text !== 'string' || !/^-?(0|[1-9][0-9]*)$/.test(text)) fail(`${what} is not a decimal integer`);
      return BigInt(text as string);
    };
    const counter = (value: unknown, what: string): number => {
      if (!Number.isSafeInteger(value) || (value as number) < 1) fail(`${what} must be a positive safe integer`);
      return value as number;
    };
    if (snapshot?.format !== SNAPSHOT_FORMAT) fail(`unknown snapshot format ${String(snapshot?.format)}`);
    const zoneIds = snapshot.zoneIds;
    const cells = zoneIds.length * zoneIds.length;
    if (snapshot.gridFeesMicroPerKwh.length !== cells || snapshot.remainingCapacityWh.length !== cells) {
      fail('fee and capacity matrices must be zones x zones');
    }
    const position = new Map(zoneIds.map((zoneId, i) => [zoneId, i]));
    const at = (from: string, to: string): number =>
      (position.get(from) as number) * zoneIds.length + (position.get(to) as number);
    let book: OrderBook;
    try {
      book = new OrderBook({
        mode: snapshot.mode,
        zones: zoneIds.map((zoneId) => ({ zoneId })),
        minPriceMicroPerKwh: int(snapshot.minPriceMicroPerKwh, 'minPriceMicroPerKwh'),
        maxPriceMicroPerKwh: int(snapshot.maxPriceMicroPerKwh, 'maxPriceMicroPerKwh'),
        maxLiveOrders: snapshot.maxLiveOrders,
        gridFeeMicroPerKwh: (from, to) => int(snapshot.gridFeesMicroPerKwh[at(from, to)], 'grid fee'),
        transferCapacityWh: (from, to) => {
          const cap = snapshot.remainingCapacityWh[at(from, to)];
          return cap === null ? null : int(cap, 'capacity');
        },
      });
    } catch (error) {
      if (error instanceof MatchingError) fail(error.message);
      throw error;
    }
    const phase = snapshot.phase;
    const phaseFits =
      phase === 'closed' ||
      (phase === 'call' && snapshot.mode !== 'continuous') ||
      (phase === 'continuous' && snapshot.mode !== 'call-auction');
    if (!phaseFits) fail(`phase ${String(phase)} does not exist in mode ${snapshot.mode}`);
    if (phase === 'closed' && snapshot.orders.length > 0) fail('a closed market holds no orders');
    book.currentPhase = phase;
    book.nextOrderSeq = counter(snapshot.nextOrderSeq, 'nextOrderSeq');
    book.nextTradeSeq = counter(snapshot.nextTradeSeq, 'nextTradeSeq');
    if (snapshot.orders.length > book.maxLiveOrders) fail('more orders than maxLiveOrders');

    for (const entry of snapshot.orders) {
      const zone = book.zoneIndex.get(entry.zoneId);
      if (zone === undefined) fail(`order ${entry.orderId} names unknown zone ${entry.zoneId}`);
      if (entry.side !== 'buy' && entry.side !== 'sell') fail(`order ${entry.orderId} has no side`);
      if (!isValidId(entry.orderId) || !isValidId(entry.ownerId)) fail('an order or owner id is invalid');
      if (book.orders.has(entry.orderId)) fail(`order ${entry.orderId} is listed twice`);
      const priceBig = int(entry.limitPriceMicroPerKwh, 'limit price');
      const quantity = int(entry.quantityWh, 'quantity');
      const filled = int(entry.filledWh, 'filled');
      if (priceBig < book.minPriceBig || priceBig > book.maxPriceBig) fail(`order ${entry.orderId} is outside the band`);
      if (quantity > MAX_QUANTITY_WH || filled < 0n || filled >= quantity) {
        fail(`order ${entry.orderId} must have 0 <= filled < quantity <= MAX_QUANTITY_WH`);
      }
      const seq = counter(entry.seq, 'seq');
      if (seq >= book.nextOrderSeq) fail(`order ${entry.orderId} has a seq not below nextOrderSeq`);
      const side = entry.side === 'buy' ? BUY : SELL;
      const order = new RestingOrder(
        entry.orderId,
        entry.ownerId,
        zone as number,
        side,
        Number(priceBig),
        priceBig,
        Number(quantity - filled),
        Number(filled),
        seq,
      );
      const bookSide = book.sides[(zone as number) * 2 + side] as BookSide;
      const tail = bookSide.levels.get(order.price)?.tail;
      // A queue out of seq order would silently change who trades first after restore.
      if (tail && tail.seq >= seq) fail(`order ${entry.orderId} is out of time priority`);
      bookSide.append(order);
      book.orders.set(order.id, order);
      book.liveCount++;
    }
    return book;
  }

  /**
   * Match an incoming order against the opposite side of every zone. Returns the unfilled
   * quantity; fills and self-trade cancels go to the pending lists.
   */
  private match(
    takerId: string,
    takerOwnerId: string,
    takerZone: number,
    isBuy: boolean,
    limit: number,
    quantity: number,
  ): number {
    const zoneCount = this.zoneCount;
    const sides = this.sides;
    const fees = this.fees;
    const capacity = this.capacity;
    const opposite = isBuy ? SELL : BUY;
    // In heap-key space lower is better on both sides, so a buy compares delivered prices
    // (ask price + fee) with its limit and a sell compares minus net prices (-(bid - fee))
    // with minus its limit: one comparison serves both.
    const limitKey = isBuy ? limit : -limit;
    // Matrix cell of (seller zone, buyer zone) for opposite zone z: z*Z + taker for a buy,
    // taker*Z + z for a sell.
    const cellBase = isBuy ? takerZone : takerZone * zoneCount;
    const cellStride = isBuy ? zoneCount : 1;
    let remaining = quantity;

    while (remaining > 0) {
      let best: PriceLevel | null = null;
      let bestKey = 0;
      let bestSeq = 0;
      let bestCell = 0;
      for (let z = 0; z < zoneCount; z++) {
        const cell = cellBase + z * cellStride;
        if ((capacity[cell] as number) <= 0) continue;
        const level = (sides[z * 2 + opposite] as BookSide).top();
        if (level === null) continue;
        const key = level.key + (fees[cell] as number);
        if (key > limitKey) continue;
        const seq = (level.head as RestingOrder).seq;
        if (best === null || key < bestKey || (key === bestKey && seq < bestSeq)) {
          best = level;
          bestKey = key;
          bestSeq = seq;
          bestCell = cell;
        }
      }
      if (best === null) break;

      const maker = best.head as RestingOrder;
      if (maker.ownerId === takerOwnerId) {
        (this.pendingSelfTradeCancels ??= []).push({ orderId: maker.id, cancelledWh: BigInt(maker.openWh) });
        this.retire(maker);
        continue;
      }
      let quantityWh = remaining < maker.openWh ? remaining : maker.openWh;
      const cap = capacity[bestCell] as number;
      if (cap < quantityWh) quantityWh = cap;
      if (cap !== Infinity) capacity[bestCell] = cap - quantityWh;
      remaining -= quantityWh;
      maker.openWh -= quantityWh;
      maker.filledWh += quantityWh;
      best.openWh -= quantityWh;

      const feeBig = this.feesBig[bestCell] as bigint;
      (this.pendingFills ??= []).push({
        tradeSeq: this.nextTradeSeq++,
        makerOrderId: maker.id,
        makerOwnerId: maker.ownerId,
        takerOrderId: takerId,
        takerOwnerId,
        takerSide: isBuy ? 'buy' : 'sell',
        sellerZoneId: this.zoneIds[isBuy ? maker.zone : takerZone] as string,
        buyerZoneId: this.zoneIds[isBuy ? takerZone : maker.zone] as string,
        // A resting sell trades at its own price; a resting buy's limit is a delivered
        // price, so the seller gets it net of the fee.
        priceMicroPerKwh: isBuy || feeBig === 0n ? maker.priceBig : maker.priceBig - feeBig,
        gridFeeMicroPerKwh: feeBig,
        quantityWh: BigInt(quantityWh),
      });
      if (maker.openWh === 0) this.retire(maker);
    }
    return remaining;
  }

  /**
   * How much of an incoming order could fill now, capped at `want`. Self-trade prevention
   * cancels rather than fills, so the owner's own orders do not count. Capacity bounds
   * each zone pair independently, so the fillable total is the sum over zones of
   * min(capacity left, crossing liquidity) — exactly what `match` would reach.
   */
  private fillableQuantity(ownerId: string, takerZone: number, isBuy: boolean, limit: number, want: number): number {
    const zoneCount = this.zoneCount;
    const opposite = isBuy ? SELL : BUY;
    const limitKey = isBuy ? limit : -limit;
    const cellBase = isBuy ? takerZone : takerZone * zoneCount;
    const cellStride = isBuy ? zoneCount : 1;
    let total = 0;
    for (let z = 0; z < zoneCount && total < want; z++) {
      const cell = cellBase + z * cellStride;
      const cap = this.capacity[cell] as number;
      if (cap <= 0) continue;
      const need = Math.min(cap, want - total);
      const side = this.sides[z * 2 + opposite] as BookSide;
      total += side.crossingLiquidity(limitKey - (this.fees[cell] as number), ownerId, need);
    }
    return total;
  }

  /** Take a resting order out of the book for good. */
  private retire(order: RestingOrder): void {
    (this.sides[order.zone * 2 + order.side] as BookSide).unlink(order);
    this.orders.delete(order.id);
    this.liveCount--;
    // Nothing outside the book holds a node (views and fills copy fields), so it can be
    // reused. Reused nodes live in the old generation: resting orders then cost the young
    // generation collector nothing, which on a deep book was a quarter of the run time.
    this.freeNodes.push(order);
  }

  private takeOrderNode(): RestingOrder {
    return this.freeNodes.pop() ?? new RestingOrder('', '', 0, 0, 0, 0n, 0, 0, 0);
  }

  private orderAccepted(orderId: string, filled: number, resting: number, cancelled: number): OrderAccepted {
    const fills = this.pendingFills ?? NO_FILLS;
    const selfTradeCancels = this.pendingSelfTradeCancels ?? NO_SELF_TRADE_CANCELS;
    this.pendingFills = null;
    this.pendingSelfTradeCancels = null;
    return {
      status: 'accepted',
      orderId,
      fills,
      filledWh: filled === 0 ? 0n : BigInt(filled),
      restingWh: resting === 0 ? 0n : BigInt(resting),
      cancelledWh: cancelled === 0 ? 0n : BigInt(cancelled),
      selfTradeCancels,
    };
  }

  private referencePrice(given: bigint | undefined): number | null {
    if (given === undefined) return Math.floor((this.minPrice + this.maxPrice) / 2);
    if (given < this.minPriceBig || given > this.maxPriceBig) return null;
    return Number(given);
  }

  /** Curves of one zone and its clearing; shared by the auction and the indicative price. */
  private computeClearing(
    zone: number,
    reference: number,
  ): { clearing: ZoneClearing; bids: PriceLevel[]; asks: PriceLevel[]; price: number; volume: number } {
    const fee = this.fees[zone * this.zoneCount + zone] as number;
    const bids = (this.sides[zone * 2 + BUY] as BookSide).sortedLevels();
    const asks = (this.sides[zone * 2 + SELL] as BookSide).sortedLevels();
    // A buyer's limit is a delivered price; the auction clears the energy price, so a buyer
    // is in at price p when limit - same-zone fee >= p.
    const bidPrices = new Float64Array(bids.length);
    const bidVolumes = new Float64Array(bids.length);
    bids.forEach((level, i) => {
      bidPrices[i] = level.price - fee;
      bidVolumes[i] = level.openWh;
    });
    const askPrices = new Float64Array(asks.length);
    const askVolumes = new Float64Array(asks.length);
    asks.forEach((level, i) => {
      askPrices[i] = level.price;
      askVolumes[i] = level.openWh;
    });
    const outcome = findClearingPrice(bidPrices, bidVolumes, askPrices, askVolumes, this.minPrice, this.maxPrice, reference);
    const clearing: ZoneClearing = {
      zoneId: this.zoneIds[zone] as string,
      clearingPriceMicroPerKwh: outcome === null ? null : BigInt(outcome.price),
      volumeWh: outcome === null ? 0n : BigInt(outcome.volume),
      buyVolumeWh: outcome === null ? 0n : BigInt(outcome.demand),
      sellVolumeWh: outcome === null ? 0n : BigInt(outcome.supply),
      gridFeeMicroPerKwh: this.feesBig[zone * this.zoneCount + zone] as bigint,
    };
    return { clearing, bids, asks, price: outcome?.price ?? 0, volume: outcome?.volume ?? 0 };
  }

  /** Run the auction in one zone: allocate the volume in price-time priority on each side. */
  private clearZone(zone: number, reference: number, allocations: AuctionAllocation[]): ZoneClearing {
    const { clearing, bids, asks, volume } = this.computeClearing(zone, reference);
    if (clearing.clearingPriceMicroPerKwh === null) return clearing;
    const priceBig = clearing.clearingPriceMicroPerKwh;
    const zoneId = this.zoneIds[zone] as string;
    // Every level the volume reaches is eligible at the clearing price: the volume equals
    // min(demand, supply) there, and demand (supply) counts exactly the eligible levels.
    for (const [levels, side] of [
      [bids, 'buy'],
      [asks, 'sell'],
    ] as const) {
      let left = volume;
      for (const level of levels) {
        for (let order = level.head; order !== null && left > 0; order = order.next) {
          const quantity = Math.min(left, order.openWh);
          left -= quantity;
          order.openWh -= quantity;
          order.filledWh += quantity;
          level.openWh -= quantity;
          allocations.push({ orderId: order.id, ownerId: order.ownerId, zoneId, side, priceMicroPerKwh: priceBig, quantityWh: BigInt(quantity) });
        }
        if (left === 0) break;
      }
    }
    return clearing;
  }

  private view(order: RestingOrder): OrderView {
    return {
      orderId: order.id,
      ownerId: order.ownerId,
      zoneId: this.zoneIds[order.zone] as string,
      side: sideName(order.side),
      limitPriceMicroPerKwh: order.priceBig,
      quantityWh: BigInt(order.filledWh + order.openWh),
      filledWh: BigInt(order.filledWh),
      openWh: BigInt(order.openWh),
      seq: order.seq,
    };
  }
}
