/**
 * A deliberately naive order book for the property tests: the resting orders are one
 * unsorted array, every match step scans all of them for the best price, every number is a
 * bigint, a minimum fill is checked by trial-matching on a copy, and the auction tries every
 * integer price of the band. It shares no logic with the engine (only types and constants),
 * so agreeing with it on random command sequences is evidence that the engine's heaps, lazy
 * levels, numeric shortcuts and liquidity arithmetic implement the rules. Only for tests: it
 * is slow on purpose.
 */
import { MAX_QUANTITY_WH } from './matching-bounds';
import { RejectCode } from './matching-codes';
import type {
  AuctionAllocation,
  BookCommand,
  BookSnapshot,
  CommandResult,
  ExpiredOrder,
  Fill,
  MarketConfig,
  MarketPhase,
  Rejected,
  SelfTradeCancel,
  Side,
  SnapshotOrder,
  ZoneClearing,
} from './order-book.types';

interface RefOrder {
  id: string;
  owner: string;
  zone: string;
  side: Side;
  price: bigint;
  quantity: bigint;
  filled: bigint;
  seq: number;
}

interface RefState {
  resting: RefOrder[];
  capacity: Map<string, bigint | null>;
  phase: MarketPhase;
  nextSeq: number;
  nextTradeSeq: number;
}

const reject = (code: RejectCode): Rejected => ({ status: 'rejected', code });
const open = (order: RefOrder): bigint => order.quantity - order.filled;
const pair = (from: string, to: string): string => `${from}>${to}`;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function cloneState(state: RefState): RefState {
  return {
    resting: state.resting.map((order) => ({ ...order })),
    capacity: new Map(state.capacity),
    phase: state.phase,
    nextSeq: state.nextSeq,
    nextTradeSeq: state.nextTradeSeq,
  };
}

/** The naive book; same commands and result shapes as `OrderBook`. */
export class ReferenceOrderBook {
  private state: RefState;
  private readonly zones: string[];

  constructor(private readonly config: MarketConfig) {
    this.zones = config.zones.map((zone) => zone.zoneId);
    const capacity = new Map<string, bigint | null>();
    for (const from of this.zones) {
      for (const to of this.zones) {
        capacity.set(pair(from, to), from === to ? null : (config.transferCapacityWh?.(from, to) ?? null));
      }
    }
    this.state = {
      resting: [],
      capacity,
      phase: config.mode === 'call-auction' ? 'call' : 'continuous',
      nextSeq: 1,
      nextTradeSeq: 1,
    };
  }

  private fee(sellerZone: string, buyerZone: string): bigint {
    return this.config.gridFeeMicroPerKwh?.(sellerZone, buyerZone) ?? 0n;
  }

  private get maxLive(): number {
    return this.config.maxLiveOrders ?? 1_048_576;
  }

  apply(command: BookCommand): CommandResult {
    switch (command.type) {
      case 'submit':
        return this.submit(command);
      case 'cancel':
        return this.cancel(command.orderId);
      case 'replace':
        return this.replace(command.orderId, command.quantityWh, command.limitPriceMicroPerKwh);
      case 'begin-closing-call':
        if (this.state.phase === 'closed') return reject(RejectCode.MARKET_CLOSED);
        if (this.config.mode !== 'continuous-then-auction' || this.state.phase !== 'continuous') {
          return reject(RejectCode.NOT_ALLOWED_IN_MODE);
        }
        this.state.phase = 'call';
        return { status: 'accepted', phase: 'call' };
      case 'close-gate':
        return this.closeGate(command.referencePriceMicroPerKwh);
    }
  }

  private submit(command: Extract<BookCommand, { type: 'submit' }>): CommandResult {
    const s = this.state;
    if (s.phase === 'closed') return reject(RejectCode.MARKET_CLOSED);
    if (command.quantityWh <= 0n) return reject(RejectCode.QUANTITY_NOT_POSITIVE);
    if (command.quantityWh > MAX_QUANTITY_WH) return reject(RejectCode.QUANTITY_ABOVE_MAX);
    const badId = (id: string): boolean => id.length === 0 || id.length > 128;
    if (badId(command.orderId) || badId(command.ownerId)) return reject(RejectCode.ID_INVALID);
    if (!this.zones.includes(command.zoneId)) return reject(RejectCode.UNKNOWN_ZONE);
    let limit = command.limitPriceMicroPerKwh;
    if (limit === null) {
      if (command.timeInForce === 'GTC') return reject(RejectCode.MARKET_ORDER_MUST_BE_IMMEDIATE);
      limit = command.side === 'buy' ? this.config.maxPriceMicroPerKwh : this.config.minPriceMicroPerKwh;
    } else if (limit < this.config.minPriceMicroPerKwh || limit > this.config.maxPriceMicroPerKwh) {
      return reject(RejectCode.PRICE_OUT_OF_BAND);
    }
    if (command.minFillWh !== undefined) {
      if (command.minFillWh <= 0n) return reject(RejectCode.MIN_FILL_NOT_POSITIVE);
      if (command.minFillWh > command.quantityWh) return reject(RejectCode.MIN_FILL_ABOVE_QUANTITY);
    }
    if (
      s.phase === 'call' &&
      (command.timeInForce !== 'GTC' || command.limitPriceMicroPerKwh === null || command.minFillWh !== undefined)
    ) {
      return reject(RejectCode.ORDER_TYPE_NOT_ALLOWED_IN_PHASE);
    }
    if (s.resting.some((o) => o.id === command.orderId)) return reject(RejectCode.DUPLICATE_ORDER_ID);
    if (command.timeInForce === 'GTC' && s.resting.length >= this.maxLive) return reject(RejectCode.BOOK_FULL);

    const minFill = command.timeInForce === 'FOK' ? command.quantityWh : (command.minFillWh ?? 0n);
    const taker = {
      id: command.orderId,
      owner: command.ownerId,
      zone: command.zoneId,
      side: command.side,
      limit,
    };
    let remaining = command.quantityWh;
    let fills: Fill[] = [];
    let cancels: SelfTradeCancel[] = [];
    if (s.phase === 'continuous') {
      if (minFill > 0n) {
        // Trial run on a copy: the plain way to know what would fill.
        const saved = this.state;
        this.state = cloneState(saved);
        const trial = this.match(taker, remaining);
        this.state = saved;
        if (command.quantityWh - trial.remaining < minFill) {
          return reject(
            command.timeInForce === 'FOK' ? RejectCode.FILL_OR_KILL_NOT_FILLABLE : RejectCode.MIN_FILL_NOT_AVAILABLE,
          );
        }
      }
      ({ remaining, fills, cancels } = this.match(taker, remaining));
    }
    let resting = 0n;
    let cancelled = 0n;
    if (remaining > 0n && command.timeInForce === 'GTC') {
      s.resting.push({
        id: command.orderId,
        owner: command.ownerId,
        zone: command.zoneId,
        side: command.side,
        price: limit,
        quantity: command.quantityWh,
        filled: command.quantityWh - remaining,
        seq: s.nextSeq++,
      });
      resting = remaining;
    } else {
      cancelled = remaining;
    }
    return {
      status: 'accepted',
      orderId: command.orderId,
      fills,
      filledWh: command.quantityWh - remaining,
      restingWh: resting,
      cancelledWh: cancelled,
      selfTradeCancels: cancels,
    };
  }

  private match(
    taker: { id: string; owner: string; zone: string; side: Side; limit: bigint },
    quantity: bigint,
  ): { remaining: bigint; fills: Fill[]; cancels: SelfTradeCancel[] } {
    const s = this.state;
    const fills: Fill[] = [];
    const cancels: SelfTradeCancel[] = [];
    let remaining = quantity;
    const isBuy = taker.side === 'buy';
    while (remaining > 0n) {
      const candidates = s.resting.filter((order) => {
        if (order.side === taker.side) return false;
        const seller = isBuy ? order.zone : taker.zone;
        const buyer = isBuy ? taker.zone : order.zone;
        const cap = s.capacity.get(pair(seller, buyer));
        if (cap !== null && cap !== undefined && cap <= 0n) return false;
        const fee = this.fee(seller, buyer);
        return isBuy ? order.price + fee <= taker.limit : order.price - fee >= taker.limit;
      });
      if (candidates.length === 0) break;
      // The buyer compares delivered prices, the seller net prices; then arrival.
      const score = (order: RefOrder): bigint =>
        isBuy ? order.price + this.fee(order.zone, taker.zone) : -(order.price - this.fee(taker.zone, order.zone));
      candidates.sort((a, b) => (score(a) < score(b) ? -1 : score(a) > score(b) ? 1 : a.seq - b.seq));
      const maker = candidates[0] as RefOrder;
      if (maker.owner === taker.owner) {
        cancels.push({ orderId: maker.id, cancelledWh: open(maker) });
        s.resting = s.resting.filter((order) => order !== maker);
        continue;
      }
      const seller = isBuy ? maker.zone : taker.zone;
      const buyer = isBuy ? taker.zone : maker.zone;
      const cap = s.capacity.get(pair(seller, buyer)) ?? null;
      let quantityWh = remaining < open(maker) ? remaining : open(maker);
      if (cap !== null && cap < quantityWh) quantityWh = cap;
      if (cap !== null) s.capacity.set(pair(seller, buyer), cap - quantityWh);
      const fee = this.fee(seller, buyer);
      fills.push({
        tradeSeq: s.nextTradeSeq++,
        makerOrderId: maker.id,
        makerOwnerId: maker.owner,
        takerOrderId: taker.id,
        takerOwnerId: taker.owner,
        takerSide: taker.side,
        sellerZoneId: seller,
        buyerZoneId: buyer,
        priceMicroPerKwh: isBuy ? maker.price : maker.price - fee,
        gridFeeMicroPerKwh: fee,
        quantityWh,
      });
      maker.filled += quantityWh;
      remaining -= quantityWh;
      if (open(maker) === 0n) s.resting = s.resting.filter((order) => order !== maker);
    }
    return { remaining, fills, cancels };
  }

  private cancel(orderId: string): CommandResult {
    const s = this.state;
    if (s.phase === 'closed') return reject(RejectCode.MARKET_CLOSED);
    const order = s.resting.find((o) => o.id === orderId);
    if (!order) return reject(RejectCode.UNKNOWN_ORDER);
    s.resting = s.resting.filter((o) => o !== order);
    return { status: 'accepted', orderId, cancelledWh: open(order) };
  }

  private replace(orderId: string, quantity: bigint, price: bigint): CommandResult {
    const s = this.state;
    if (s.phase === 'closed') return reject(RejectCode.MARKET_CLOSED);
    if (quantity <= 0n) return reject(RejectCode.QUANTITY_NOT_POSITIVE);
    if (quantity > MAX_QUANTITY_WH) return reject(RejectCode.QUANTITY_ABOVE_MAX);
    if (price < this.config.minPriceMicroPerKwh || price > this.config.maxPriceMicroPerKwh) {
      return reject(RejectCode.PRICE_OUT_OF_BAND);
    }
    const order = s.resting.find((o) => o.id === orderId);
    if (!order) return reject(RejectCode.UNKNOWN_ORDER);
    if (quantity <= order.filled) return reject(RejectCode.REPLACE_QUANTITY_NOT_ABOVE_FILLED);
    if (price === order.price && quantity <= order.quantity) {
      order.quantity = quantity;
      return {
        status: 'accepted',
        orderId,
        fills: [],
        filledWh: 0n,
        restingWh: open(order),
        cancelledWh: 0n,
        selfTradeCancels: [],
        priorityKept: true,
      };
    }
    s.resting = s.resting.filter((o) => o !== order);
    order.price = price;
    order.quantity = quantity;
    let fills: Fill[] = [];
    let cancels: SelfTradeCancel[] = [];
    let remaining = open(order);
    if (s.phase === 'continuous') {
      const taker = { id: order.id, owner: order.owner, zone: order.zone, side: order.side, limit: price };
      ({ remaining, fills, cancels } = this.match(taker, remaining));
    }
    const filled = open(order) - remaining;
    order.filled += filled;
    if (remaining > 0n) {
      order.seq = s.nextSeq++;
      s.resting.push(order);
    }
    return {
      status: 'accepted',
      orderId,
      fills,
      filledWh: filled,
      restingWh: remaining,
      cancelledWh: 0n,
      selfTradeCancels: cancels,
      priorityKept: false,
    };
  }

  /** Resting orders of one zone and side, best first. */
  private queue(zone: string, side: Side): RefOrder[] {
    return this.state.resting
      .filter((o) => o.zone === zone && o.side === side)
      .sort((a, b) =>
        a.price === b.price ? a.seq - b.seq : (side === 'buy' ? a.price > b.price : a.price < b.price) ? -1 : 1,
      );
  }

  private closeGate(referenceGiven: bigint | undefined): CommandResult {
    const s = this.state;
    const { minPriceMicroPerKwh: min, maxPriceMicroPerKwh: max } = this.config;
    if (s.phase === 'closed') return reject(RejectCode.MARKET_CLOSED);
    if (referenceGiven !== undefined && (referenceGiven < min || referenceGiven > max)) {
      return reject(RejectCode.PRICE_OUT_OF_BAND);
    }
    const reference = referenceGiven ?? floorDiv(min + max, 2n);
    const clearings: ZoneClearing[] = [];
    const allocations: AuctionAllocation[] = [];
    if (this.config.mode !== 'continuous') {
      for (const zone of this.zones) {
        const fee = this.fee(zone, zone);
        const buys = this.queue(zone, 'buy');
        const sells = this.queue(zone, 'sell');
        const result = bruteForceClearing(
          buys.map((o) => ({ price: o.price - fee, volume: open(o) })),
          sells.map((o) => ({ price: o.price, volume: open(o) })),
          min,
          max,
          reference,
        );
        clearings.push({
          zoneId: zone,
          clearingPriceMicroPerKwh: result?.price ?? null,
          volumeWh: result?.volume ?? 0n,
          buyVolumeWh: result?.demand ?? 0n,
          sellVolumeWh: result?.supply ?? 0n,
          gridFeeMicroPerKwh: fee,
        });
        if (!result) continue;
        for (const [orders, side] of [
          [buys, 'buy'],
          [sells, 'sell'],
        ] as const) {
          let left = result.volume;
          for (const order of orders) {
            const eligible = side === 'buy' ? order.price - fee >= result.price : order.price <= result.price;
            if (left === 0n || !eligible) break;
            const quantityWh = left < open(order) ? left : open(order);
            left -= quantityWh;
            order.filled += quantityWh;
            allocations.push({
              orderId: order.id,
              ownerId: order.owner,
              zoneId: zone,
              side,
              priceMicroPerKwh: result.price,
              quantityWh,
            });
          }
        }
      }
    }
    const expired: ExpiredOrder[] = [];
    for (const zone of this.zones) {
      for (const side of ['buy', 'sell'] as const) {
        for (const order of this.queue(zone, side)) {
          if (open(order) > 0n) {
            expired.push({ orderId: order.id, ownerId: order.owner, zoneId: zone, side, unfilledWh: open(order) });
          }
        }
      }
    }
    s.resting = [];
    s.phase = 'closed';
    return { status: 'accepted', clearings, allocations, expired };
  }

  /** The same canonical snapshot `OrderBook.snapshot()` produces. */
  snapshot(): BookSnapshot {
    const s = this.state;
    const orders: SnapshotOrder[] = [];
    for (const zone of this.zones) {
      for (const side of ['buy', 'sell'] as const) {
        for (const o of this.queue(zone, side)) {
          orders.push({
            orderId: o.id,
            ownerId: o.owner,
            zoneId: o.zone,
            side: o.side,
            limitPriceMicroPerKwh: o.price.toString(),
            quantityWh: o.quantity.toString(),
            filledWh: o.filled.toString(),
            seq: o.seq,
          });
        }
      }
    }
    return {
      format: 'ampool.matching.order-book/v1',
      mode: this.config.mode,
      phase: s.phase,
      zoneIds: [...this.zones],
      minPriceMicroPerKwh: this.config.minPriceMicroPerKwh.toString(),
      maxPriceMicroPerKwh: this.config.maxPriceMicroPerKwh.toString(),
      maxLiveOrders: this.maxLive,
      gridFeesMicroPerKwh: this.zones.flatMap((from) => this.zones.map((to) => this.fee(from, to).toString())),
      remainingCapacityWh: this.zones.flatMap((from) =>
        this.zones.map((to) => {
          const cap = s.capacity.get(pair(from, to)) ?? null;
          return cap === null ? null : cap.toString();
        }),
      ),
      nextOrderSeq: s.nextSeq,
      nextTradeSeq: s.nextTradeSeq,
      orders,
    };
  }
}

/** One bid or ask: a price (bids net of the fee) and its open volume. */
export interface CurvePoint {
  readonly price: bigint;
  readonly volume: bigint;
}

/**
 * The auction rules applied literally: try every integer price of the band, keep the
 * largest volume, then the smallest surplus, then market pressure, then the distance to the
 * reference, then the lowest price.
 */
export function bruteForceClearing(
  bids: readonly CurvePoint[],
  asks: readonly CurvePoint[],
  min: bigint,
  max: bigint,
  reference: bigint,
): { price: bigint; volume: bigint; demand: bigint; supply: bigint } | null {
  const rows: { price: bigint; volume: bigint; demand: bigint; supply: bigint }[] = [];
  for (let price = min; price <= max; price++) {
    const demand = bids.filter((b) => b.price >= price).reduce((sum, b) => sum + b.volume, 0n);
    const supply = asks.filter((a) => a.price <= price).reduce((sum, a) => sum + a.volume, 0n);
    rows.push({ price, volume: demand < supply ? demand : supply, demand, supply });
  }
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  const best = rows.reduce((m, r) => (r.volume > m ? r.volume : m), 0n);
  if (best === 0n) return null;
  let left = rows.filter((r) => r.volume === best);
  const surplus = left.reduce((m, r) => (abs(r.demand - r.supply) < m ? abs(r.demand - r.supply) : m), abs(left[0]!.demand - left[0]!.supply));
  left = left.filter((r) => abs(r.demand - r.supply) === surplus);
  if (left.every((r) => r.demand > r.supply)) return left[left.length - 1]!;
  if (left.every((r) => r.demand < r.supply)) return left[0]!;
  const distance = left.reduce((m, r) => (abs(r.price - reference) < m ? abs(r.price - reference) : m), abs(left[0]!.price - reference));
  return left.find((r) => abs(r.price - reference) === distance)!;
}
