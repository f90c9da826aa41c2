import { createHash } from 'node:crypto';
import { ErrorCode, type JournalCommand, type JournalEntry, type MarketMode, type OrderSide, type TimeInForce, type TradeFacts } from '@ampool/contracts';
import { fillValueMicro } from '@ampool/domain';
import { OrderBook, RejectCode, type AuctionAllocation, type BookSnapshot, type Fill, type GateClosed, type OrderAccepted, type ZoneClearing } from '@ampool/matching';

/** The configuration a market froze when it opened: what its book is built from. */
export interface FrozenMarketConfig {
  area: string;
  /** Names the market's journal subject (chosen when the market opened). */
  journal: string;
  intervalStartMs: number;
  intervalMinutes: number;
  mode: MarketMode;
  zones: string[];
  feedInMicroPerKwh: string;
  retailMicroPerKwh: string;
  /** Row-major [seller zone][buyer zone], decimal strings. */
  gridFeesMicroPerKwh: string[];
  /** Row-major [from zone][to zone]: decimal strings, null for no limit. */
  transferCapacityWh: (string | null)[];
}

/** One order of the market as the service tracks it (the book knows only what rests). */
export interface OrderState {
  id: string;
  participant: string;
  side: OrderSide;
  zone: string;
  device: string | null;
  deviceLimitWh: bigint | null;
  quantityWh: bigint;
  limitPriceMicroPerKwh: bigint;
  timeInForce: TimeInForce;
  minFillWh: bigint | null;
  requestHash: string;
  holdMicro: bigint;
  filledWh: bigint;
  filledCostMicro: bigint;
  remainingWh: bigint;
  status: 'open' | 'filled' | 'cancelled' | 'expired';
  createdAtMs: number;
}

export type CloseReason = 'filled' | 'cancelled' | 'expired' | 'rejected' | 'unfilled';

/** What one journaled command did. */
export type CommandOutcome =
  | { type: 'order'; orderId: string; status: 'accepted'; order: OrderState; trades: TradeFacts[] }
  | { type: 'order'; orderId: string; status: 'rejected'; code: ErrorCode; message: string }
  | { type: 'order'; orderId: string; status: 'duplicate' }
  | { type: 'market'; status: 'accepted' | 'rejected' };

/** Everything a batch changed, for the database and the outbox. */
export interface BatchOutcome {
  outcomes: CommandOutcome[];
  /** Orders whose state changed (new ones included), in final state. */
  changed: OrderState[];
  trades: TradeFacts[];
  /** Trade sequence numbers of `trades`, same order. */
  tradeSeqs: number[];
  accepted: OrderState[];
  cancelled: { order: OrderState; cancelledWh: bigint; reason: 'owner' | 'participant-suspended' | 'participant-revoked' }[];
  closed: { order: OrderState; reason: CloseReason }[];
  /** Buy orders the engine refused after settlement had placed their hold: the hold goes back. */
  released: { orderId: string; participant: string }[];
  gate?: { clearings: ZoneClearing[]; unmatched: Map<string, { buyWh: bigint; sellWh: bigint }> };
  phase: 'continuous' | 'call' | 'closed';
}

/** The serialisable state of a market: the book plus what the service tracks. */
export interface MarketStateSnapshot {
  format: 1;
  batches: number;
  nextTradeSeq: number;
  book: BookSnapshot;
  orders: Record<string, string>[];
  deviceSoldWh: [string, string][];
  /** Ids of orders that ended (filled, cancelled, expired); absent in snapshots written before it existed. */
  ended?: string[];
}

const BIG_FIELDS = ['deviceLimitWh', 'quantityWh', 'limitPriceMicroPerKwh', 'minFillWh', 'holdMicro', 'filledWh', 'filledCostMicro', 'remainingWh'] as const;

/** Rounds up price × Wh / 1000: the most an order may cost. */
export function maxCostMicro(limitPriceMicroPerKwh: bigint, quantityWh: bigint): bigint {
  return (limitPriceMicroPerKwh * quantityWh + 999n) / 1000n;
}

/**
 * A UUIDv7-shaped id that depends only on `key` (its time field is `ms`): the same key always
 * names the same thing, across replays and restarts.
 */
export function derivedUuidV7(key: string, ms: number): string {
  const h = createHash('sha256').update(key).digest('hex');
  const ts = ms.toString(16).padStart(12, '0').slice(-12);
  const variant = ((parseInt(h[15]!, 16) & 0x3) | 0x8).toString(16);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${h.slice(0, 3)}-${variant}${h.slice(3, 6)}-${h.slice(6, 18)}`;
}

/**
 * A trade id that depends only on the market and the trade's sequence number (its time is the
 * batch's business time): a replay names every trade as before, so a trade can never be
 * emitted twice under two ids.
 */
export function tradeIdFor(marketId: string, tradeSeq: number, atMs: number): string {
  return derivedUuidV7(`${marketId}#${tradeSeq}`, atMs);
}

/** Maps engine refusals to the API's error codes. */
function rejection(code: RejectCode): { code: ErrorCode; message: string } {
  switch (code) {
    case RejectCode.PRICE_OUT_OF_BAND:
      return { code: ErrorCode.PRICE_OUT_OF_BAND, message: 'the price lies outside the market band (feed-in tariff to retail price)' };
    case RejectCode.UNKNOWN_ZONE:
      return { code: ErrorCode.ZONE_UNKNOWN, message: 'the zone is not part of this market' };
    case RejectCode.FILL_OR_KILL_NOT_FILLABLE:
      return { code: ErrorCode.ORDER_NOT_FILLABLE, message: 'the fill-or-kill order could not fill completely' };
    case RejectCode.MIN_FILL_NOT_AVAILABLE:
      return { code: ErrorCode.ORDER_NOT_FILLABLE, message: 'less than the minimum fill could execute' };
    case RejectCode.UNKNOWN_ORDER:
      return { code: ErrorCode.ORDER_NOT_OPEN, message: 'the order is not open' };
    case RejectCode.DUPLICATE_ORDER_ID:
      return { code: ErrorCode.ID_CONFLICT, message: 'an order with this id is open' };
    case RejectCode.MARKET_CLOSED:
      return { code: ErrorCode.INTERVAL_NOT_OPEN, message: 'the market has closed' };
    case RejectCode.ORDER_TYPE_NOT_ALLOWED_IN_PHASE:
      return { code: ErrorCode.OUT_OF_RANGE, message: 'only good-till-gate-closure orders without a minimum fill are taken during the call phase' };
    default:
      return { code: ErrorCode.OUT_OF_RANGE, message: `refused by the engine: ${code}` };
  }
}

/**
 * One market (area, delivery interval) as pure state: the engine's book plus what the service
 * tracks per order (owner, device, hold, fills and their cost) and per device (what it has
 * sold). `apply` takes one journal entry and returns everything it changed; it reads no clock
 * (the entry carries its time) and no randomness, so replaying the journal after a snapshot
 * rebuilds the same state and names the same trades.
 */
export class MarketState {
  readonly book: OrderBook;
  private readonly orders = new Map<string, OrderState>();
  /**
   * Orders that ended, by id. A client whose order filled but whose answer was lost (the batch
   * could not be stored and is stored by the rebuild) retries with the same id; without this,
   * the retry could reach the market before the database has the order, and match again.
   */
  private readonly ended = new Set<string>();
  private readonly deviceSoldWh = new Map<string, bigint>();
  private nextTradeSeq = 1;
  private appliedBatches = 0;

  constructor(
    readonly marketId: string,
    readonly config: FrozenMarketConfig,
    book?: OrderBook,
  ) {
    const n = config.zones.length;
    this.book =
      book ??
      new OrderBook({
        mode: config.mode,
        zones: config.zones.map((zoneId) => ({ zoneId })),
        minPriceMicroPerKwh: BigInt(config.feedInMicroPerKwh),
        maxPriceMicroPerKwh: BigInt(config.retailMicroPerKwh),
        gridFeeMicroPerKwh: (s, b) => BigInt(config.gridFeesMicroPerKwh[config.zones.indexOf(s) * n + config.zones.indexOf(b)]!),
        transferCapacityWh: (f, t) => {
          const c = config.transferCapacityWh[config.zones.indexOf(f) * n + config.zones.indexOf(t)];
          return c === null || c === undefined ? null : BigInt(c);
        },
      });
  }

  get batches(): number {
    return this.appliedBatches;
  }

  get phase(): 'continuous' | 'call' | 'closed' {
    return this.book.phase;
  }

  /** An order of this market that is open or changed since the last snapshot. */
  order(id: string): OrderState | undefined {
    return this.orders.get(id);
  }

  /** Open orders of a participant (for cancellation on suspension). */
  openOrdersOf(participant: string): OrderState[] {
    return [...this.orders.values()].filter((o) => o.participant === participant && o.status === 'open');
  }

  /** What a device has sold (filled or open) in this market. */
  soldByDevice(device: string): bigint {
    return this.deviceSoldWh.get(device) ?? 0n;
  }

  apply(entry: JournalEntry): BatchOutcome {
    const at = entry.at.getTime();
    const changed = new Map<string, OrderState>();
    const out: BatchOutcome = { outcomes: [], changed: [], trades: [], tradeSeqs: [], accepted: [], cancelled: [], closed: [], released: [], phase: this.book.phase };
    for (const command of entry.commands) out.outcomes.push(this.applyOne(command, at, changed, out));
    this.appliedBatches = entry.batch;
    out.changed = [...changed.values()];
    out.phase = this.book.phase;
    // Orders that ended are not needed any more: the database has them once this batch commits.
    for (const o of out.changed) {
      if (o.status === 'open') continue;
      this.orders.delete(o.id);
      this.ended.add(o.id);
    }
    return out;
  }

  private applyOne(command: JournalCommand, at: number, changed: Map<string, OrderState>, out: BatchOutcome): CommandOutcome {
    switch (command.type) {
      case 'submit':
        return this.submit(command, at, changed, out);
      case 'cancel': {
        const order = this.orders.get(command.orderId);
        if (!order || order.status !== 'open') return { type: 'order', orderId: command.orderId, status: 'rejected', ...rejection(RejectCode.UNKNOWN_ORDER) };
        const r = this.book.cancel({ orderId: command.orderId });
        if (r.status === 'rejected') return { type: 'order', orderId: command.orderId, status: 'rejected', ...rejection(r.code) };
        this.endOrder(order, 'cancelled', 'cancelled', changed, out);
        out.cancelled.push({ order, cancelledWh: r.cancelledWh, reason: command.reason });
        return { type: 'order', orderId: order.id, status: 'accepted', order: { ...order }, trades: [] };
      }
      case 'replace':
        return this.replace(command, at, changed, out);
      case 'begin-closing-call':
        return { type: 'market', status: this.book.beginClosingCall().status };
      case 'close-gate':
        return this.closeGate(at, changed, out);
    }
  }

  private submit(c: Extract<JournalCommand, { type: 'submit' }>, at: number, changed: Map<string, OrderState>, out: BatchOutcome): CommandOutcome {
    if (this.orders.has(c.orderId) || this.ended.has(c.orderId)) return { type: 'order', orderId: c.orderId, status: 'duplicate' };
    const outcome = this.trySubmit(c, at, changed, out);
    if (outcome.type === 'order' && outcome.status === 'rejected' && c.holdMicro > 0n) out.released.push({ orderId: c.orderId, participant: c.participant });
    return outcome;
  }

  private trySubmit(c: Extract<JournalCommand, { type: 'submit' }>, at: number, changed: Map<string, OrderState>, out: BatchOutcome): CommandOutcome {
    if (c.side === 'sell' && c.device !== null && c.deviceLimitWh !== null && this.soldByDevice(c.device) + c.quantityWh > c.deviceLimitWh) {
      return {
        type: 'order', orderId: c.orderId, status: 'rejected', code: ErrorCode.DEVICE_CANNOT_DELIVER,
        message: `device ${c.device} can deliver ${c.deviceLimitWh} Wh in this interval and already sells ${this.soldByDevice(c.device)} Wh`,
      };
    }
    const r = this.book.submit({
      orderId: c.orderId, ownerId: c.participant, zoneId: c.zone, side: c.side, quantityWh: c.quantityWh,
      limitPriceMicroPerKwh: c.limitPriceMicroPerKwh, timeInForce: c.timeInForce, ...(c.minFillWh !== null ? { minFillWh: c.minFillWh } : {}),
    });
    if (r.status === 'rejected') return { type: 'order', orderId: c.orderId, status: 'rejected', ...rejection(r.code) };
    const order: OrderState = {
      id: c.orderId, participant: c.participant, side: c.side, zone: c.zone, device: c.device, deviceLimitWh: c.deviceLimitWh,
      quantityWh: c.quantityWh, limitPriceMicroPerKwh: c.limitPriceMicroPerKwh, timeInForce: c.timeInForce, minFillWh: c.minFillWh,
      requestHash: c.requestHash, holdMicro: c.holdMicro, filledWh: 0n, filledCostMicro: 0n, remainingWh: r.restingWh, status: 'open', createdAtMs: at,
    };
    this.orders.set(order.id, order);
    changed.set(order.id, order);
    out.accepted.push(order);
    if (order.device !== null && order.side === 'sell') this.addSold(order.device, r.filledWh + r.restingWh);
    const trades = this.applyFills(r, at, changed, out);
    this.settle(order, r.restingWh, r.cancelledWh, changed, out);
    return { type: 'order', orderId: order.id, status: 'accepted', order: { ...order }, trades };
  }

  private replace(c: Extract<JournalCommand, { type: 'replace' }>, at: number, changed: Map<string, OrderState>, out: BatchOutcome): CommandOutcome {
    const order = this.orders.get(c.orderId);
    const refuse = (code: ErrorCode, message: string): CommandOutcome => ({ type: 'order', orderId: c.orderId, status: 'rejected', code, message });
    if (!order || order.status !== 'open') return refuse(ErrorCode.ORDER_NOT_OPEN, 'the order is not open');
    if (c.quantityWh <= order.filledWh) return refuse(ErrorCode.OUT_OF_RANGE, `quantityWh must exceed what has filled (${order.filledWh} Wh)`);
    if (order.side === 'buy') {
      const need = order.filledCostMicro + maxCostMicro(c.limitPriceMicroPerKwh, c.quantityWh - order.filledWh);
      const hold = order.holdMicro + c.holdMicro;
      if (need > hold) return refuse(ErrorCode.INSUFFICIENT_FUNDS, `the order's hold (${hold} µ) does not cover the new price and quantity (${need} µ)`);
    }
    if (order.side === 'sell' && order.device !== null && order.deviceLimitWh !== null) {
      const sold = this.soldByDevice(order.device) - order.quantityWh + c.quantityWh;
      if (sold > order.deviceLimitWh) return refuse(ErrorCode.DEVICE_CANNOT_DELIVER, `device ${order.device} cannot deliver ${sold} Wh in this interval`);
    }
    const r = this.book.replace({ orderId: c.orderId, quantityWh: c.quantityWh, limitPriceMicroPerKwh: c.limitPriceMicroPerKwh });
    if (r.status === 'rejected') return { type: 'order', orderId: c.orderId, status: 'rejected', ...rejection(r.code) };
    if (order.device !== null && order.side === 'sell') this.addSold(order.device, c.quantityWh - order.quantityWh);
    order.quantityWh = c.quantityWh;
    order.limitPriceMicroPerKwh = c.limitPriceMicroPerKwh;
    order.holdMicro += c.holdMicro;
    changed.set(order.id, order);
    const trades = this.applyFills(r, at, changed, out);
    this.settle(order, r.restingWh, 0n, changed, out);
    return { type: 'order', orderId: order.id, status: 'accepted', order: { ...order }, trades };
  }

  private closeGate(at: number, changed: Map<string, OrderState>, out: BatchOutcome): CommandOutcome {
    const r = this.book.closeGate({});
    if (r.status === 'rejected') return { type: 'market', status: 'rejected' };
    this.applyAuction(r, at, changed, out);
    const unmatched = new Map<string, { buyWh: bigint; sellWh: bigint }>(this.config.zones.map((z) => [z, { buyWh: 0n, sellWh: 0n }]));
    for (const e of r.expired) {
      const u = unmatched.get(e.zoneId)!;
      if (e.side === 'buy') u.buyWh += e.unfilledWh;
      else u.sellWh += e.unfilledWh;
      const order = this.orders.get(e.orderId);
      if (order && order.status === 'open') this.endOrder(order, 'expired', 'expired', changed, out);
    }
    out.gate = { clearings: [...r.clearings], unmatched };
    return { type: 'market', status: 'accepted' };
  }

  /**
   * Uniform-price auction results become bilateral trades for settlement: in each zone the
   * allocated buys and sells (both in priority order) are paired front to front at the
   * clearing price, each buyer paying the zone's own grid fee on top.
   */
  private applyAuction(r: GateClosed, at: number, changed: Map<string, OrderState>, out: BatchOutcome): void {
    const byZone = new Map<string, { buys: AuctionAllocation[]; sells: AuctionAllocation[] }>();
    for (const a of r.allocations) {
      const z = byZone.get(a.zoneId) ?? { buys: [], sells: [] };
      (a.side === 'buy' ? z.buys : z.sells).push(a);
      byZone.set(a.zoneId, z);
    }
    for (const clearing of r.clearings) {
      const z = byZone.get(clearing.zoneId);
      if (!z || clearing.clearingPriceMicroPerKwh === null) continue;
      const price = clearing.clearingPriceMicroPerKwh;
      const buys = z.buys.map((a) => ({ id: a.orderId, left: a.quantityWh }));
      const sells = z.sells.map((a) => ({ id: a.orderId, left: a.quantityWh }));
      let i = 0;
      let j = 0;
      while (i < buys.length && j < sells.length) {
        const q = buys[i]!.left < sells[j]!.left ? buys[i]!.left : sells[j]!.left;
        const buy = this.orders.get(buys[i]!.id);
        const sell = this.orders.get(sells[j]!.id);
        if (buy && sell && q > 0n) this.recordTrade(buy, sell, clearing.zoneId, clearing.zoneId, price, clearing.gridFeeMicroPerKwh, q, at, changed, out);
        buys[i]!.left -= q;
        sells[j]!.left -= q;
        if (buys[i]!.left === 0n) i++;
        if (sells[j]!.left === 0n) j++;
      }
      for (const a of [...z.buys, ...z.sells]) {
        const order = this.orders.get(a.orderId);
        if (!order) continue;
        order.remainingWh = order.quantityWh - order.filledWh;
        if (order.remainingWh === 0n) this.endOrder(order, 'filled', 'filled', changed, out);
      }
    }
  }

  private applyFills(r: OrderAccepted, at: number, changed: Map<string, OrderState>, out: BatchOutcome): TradeFacts[] {
    const trades: TradeFacts[] = [];
    for (const stc of r.selfTradeCancels) {
      const resting = this.orders.get(stc.orderId);
      if (!resting) continue;
      resting.remainingWh = stc.cancelledWh;
      this.endOrder(resting, 'cancelled', 'cancelled', changed, out);
    }
    for (const f of r.fills) trades.push(this.fill(f, at, changed, out));
    return trades;
  }

  private fill(f: Fill, at: number, changed: Map<string, OrderState>, out: BatchOutcome): TradeFacts {
    const maker = this.orders.get(f.makerOrderId)!;
    const taker = this.orders.get(f.takerOrderId)!;
    const buy = f.takerSide === 'buy' ? taker : maker;
    const sell = f.takerSide === 'buy' ? maker : taker;
    const trade = this.recordTrade(buy, sell, f.sellerZoneId, f.buyerZoneId, f.priceMicroPerKwh, f.gridFeeMicroPerKwh, f.quantityWh, at, changed, out);
    const view = this.book.getOrder(maker.id);
    maker.remainingWh = view ? view.openWh : 0n;
    if (!view) this.endOrder(maker, 'filled', 'filled', changed, out);
    return trade;
  }

  private recordTrade(
    buy: OrderState, sell: OrderState, sellerZone: string, buyerZone: string, price: bigint, fee: bigint, q: bigint,
    at: number, changed: Map<string, OrderState>, out: BatchOutcome,
  ): TradeFacts {
    const seq = this.nextTradeSeq++;
    const buyerCostMicro = fillValueMicro(price + fee, q);
    const trade: TradeFacts = {
      id: tradeIdFor(this.marketId, seq, at),
      buyOrderId: buy.id, sellOrderId: sell.id, buyer: buy.participant, seller: sell.participant,
      zone: buyerZone, sellerZone, buyerZone, intervalStart: new Date(this.config.intervalStartMs),
      energyWh: q, priceMicroPerKwh: price, gridFeeMicroPerKwh: fee, valueMicro: fillValueMicro(price, q), buyerCostMicro, executedAt: new Date(at),
    };
    buy.filledWh += q;
    buy.filledCostMicro += buyerCostMicro;
    sell.filledWh += q;
    sell.filledCostMicro += trade.valueMicro;
    changed.set(buy.id, buy);
    changed.set(sell.id, sell);
    out.trades.push(trade);
    out.tradeSeqs.push(seq);
    return trade;
  }

  /** After a submit or replace: what rests stays open, the rest of the order has ended. */
  private settle(order: OrderState, restingWh: bigint, cancelledWh: bigint, changed: Map<string, OrderState>, out: BatchOutcome): void {
    order.remainingWh = restingWh;
    if (restingWh > 0n) return;
    // What an IOC order could not fill never counted against its device.
    if (order.filledWh === order.quantityWh || cancelledWh === 0n) this.endOrder(order, 'filled', 'filled', changed, out);
    else this.endOrder(order, 'cancelled', 'unfilled', changed, out);
  }

  private endOrder(order: OrderState, status: OrderState['status'], reason: CloseReason, changed: Map<string, OrderState>, out: BatchOutcome): void {
    if (order.status !== 'open') return;
    if (status === 'cancelled' || status === 'expired') {
      if (order.device !== null && order.side === 'sell') this.addSold(order.device, -order.remainingWh);
    }
    order.status = status;
    order.remainingWh = 0n;
    changed.set(order.id, order);
    out.closed.push({ order, reason });
  }

  private addSold(device: string, wh: bigint): void {
    const v = (this.deviceSoldWh.get(device) ?? 0n) + wh;
    if (v === 0n) this.deviceSoldWh.delete(device);
    else this.deviceSoldWh.set(device, v);
  }

  snapshot(): MarketStateSnapshot {
    return {
      format: 1,
      batches: this.appliedBatches,
      nextTradeSeq: this.nextTradeSeq,
      book: this.book.snapshot(),
      orders: [...this.orders.values()].map((o) => {
        const rec: Record<string, string> = { id: o.id, participant: o.participant, side: o.side, zone: o.zone, device: o.device ?? '', timeInForce: o.timeInForce, requestHash: o.requestHash, status: o.status, createdAtMs: String(o.createdAtMs) };
        for (const f of BIG_FIELDS) rec[f] = o[f] === null ? '' : String(o[f]);
        return rec;
      }),
      deviceSoldWh: [...this.deviceSoldWh.entries()].map(([d, v]) => [d, v.toString()]),
      ended: [...this.ended],
    };
  }

  static restore(marketId: string, config: FrozenMarketConfig, s: MarketStateSnapshot): MarketState {
    if (s.format !== 1) throw new Error(`unknown market snapshot format ${String(s.format)}`);
    const state = new MarketState(marketId, config, OrderBook.restore(s.book));
    state.appliedBatches = s.batches;
    state.nextTradeSeq = s.nextTradeSeq;
    for (const id of s.ended ?? []) state.ended.add(id);
    for (const rec of s.orders) {
      const big = (f: (typeof BIG_FIELDS)[number]) => (rec[f] === '' ? null : BigInt(rec[f]!));
      const o: OrderState = {
        id: rec.id!, participant: rec.participant!, side: rec.side as OrderSide, zone: rec.zone!, device: rec.device === '' ? null : rec.device!,
        deviceLimitWh: big('deviceLimitWh'), quantityWh: big('quantityWh')!, limitPriceMicroPerKwh: big('limitPriceMicroPerKwh')!, timeInForce: rec.timeInForce as TimeInForce,
        minFillWh: big('minFillWh'), requestHash: rec.requestHash!, holdMicro: big('holdMicro')!, filledWh: big('filledWh')!, filledCostMicro: big('filledCostMicro')!,
        remainingWh: big('remainingWh')!, status: rec.status as OrderState['status'], createdAtMs: Number(rec.createdAtMs),
      };
      state.orders.set(o.id, o);
    }
    for (const [d, v] of s.deviceSoldWh) state.deviceSoldWh.set(d, BigInt(v));
    return state;
  }
}
