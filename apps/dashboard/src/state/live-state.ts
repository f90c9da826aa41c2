import type {
  AnomalyRaised,
  DeliverySettled,
  EntryCommitted,
  HoldPlaced,
  HoldRejected,
  IntervalCorrected,
  IntervalFinalized,
  MarketClosed,
  LiveHealthWire,
  LiveHelloWire,
  LiveMarketsWire,
  OrderCancelled,
  ParticipantStatusChanged,
  TradeExecuted,
} from '@ampool/contracts';
import type { z } from 'zod';
import { applyMarkets, emptyMarketsState, type MarketsState } from './market-books';

/** The wire form of an event contract's envelope, as the live stream carries it. */
type Wire<C extends { envelope: z.ZodType }> = z.input<C['envelope']>;
export type TradeWire = Wire<typeof TradeExecuted>['data'];
export type MarketClosedWire = Wire<typeof MarketClosed>['data'];
export type AnomalyWire = Wire<typeof AnomalyRaised>['data'];
export type StatusChangeWire = Wire<typeof ParticipantStatusChanged>['data'];

/** What the dashboard knows from its live stream. Amounts stay bigint until they are shown. */
export interface LiveState {
  hello: LiveHelloWire | null;
  health: LiveHealthWire | null;
  /** Order books and cross-zone flows of the next open markets, as the gateway last sent them. */
  markets: MarketsState;
  /** Events applied (duplicates by id are not counted twice). */
  events: number;
  energy: {
    /** Newest first, at most RECENT_TRADES. */
    trades: TradeWire[];
    /** Per zone: [executedAt ms, µ-currency per kWh] in arrival order, at most PRICE_POINTS. */
    prices: Record<string, Array<[number, bigint]>>;
    /** Per zone and delivery interval start (ISO): traded energy, value and count. */
    intervals: Record<string, Record<string, { energyWh: bigint; valueMicro: bigint; trades: number; lastPriceMicroPerKwh: bigint }>>;
    cancelledOrders: number;
    /** Per zone: [gate closure ms, clearing price] of each interval an auction cleared, at most PRICE_POINTS. */
    clearingPrices: Record<string, Array<[number, bigint]>>;
    /** Markets as their gate closed, newest first, at most RECENT_CLOSURES (one row per zone). */
    closures: ClosedZone[];
  };
  settlement: {
    heldCount: number;
    heldMicro: bigint;
    rejectedCount: number;
    rejectedMicro: bigint;
    lastRejection: string | null;
    /** Trades settled on their interval's metering: what buyers paid, and how many went undelivered. */
    settledCount: number;
    settledMicro: bigint;
    undeliveredCount: number;
    shortfallWh: bigint;
    /** Penalties charged to sellers for undelivered energy, and the part they could not pay. */
    penaltyMicro: bigint;
    penaltyUnpaidMicro: bigint;
  };
  metering: { finalized: number; corrected: number; estimated: number; importWh: bigint; exportWh: bigint; anomalies: AnomalyWire[] };
  identity: { statusChanges: StatusChangeWire[]; changeCount: number };
  ledger: { committed: number; lastSequence: bigint | null; lastCommittedAt: string | null; byType: Record<string, number> };
  rides: RidesState;
  /** Recent event ids, to apply each event once even if the stream replays it after a reconnect. */
  seen: Set<string>;
  seenOrder: string[];
}

/** One zone of a market at its gate closure: what traded, the auction's price, what falls back to the utility. */
export interface ClosedZone {
  area: string;
  zone: string;
  intervalStart: string;
  closedAt: string;
  clearingPriceMicroPerKwh: bigint | null;
  tradedWh: bigint;
  unmatchedBuyWh: bigint;
  unmatchedSellWh: bigint;
}

/** The ride market since the dashboard connected: trips, and each booking's latest state. */
export interface RidesState {
  tripsPublished: number;
  tripsCancelled: number;
  /** Booking id → its latest state (bounded: the oldest are forgotten first). */
  bookings: Map<string, string>;
  /** Bookings ever confirmed, and the fare they held. */
  confirmed: number;
  fareHeldMicro: bigint;
}

export const RECENT_BOOKINGS = 5_000;
export const RECENT_TRADES = 200;
export const RECENT_CLOSURES = 200;
export const PRICE_POINTS = 2_000;
export const RECENT_ANOMALIES = 100;
export const RECENT_STATUS_CHANGES = 50;
const SEEN_WINDOW = 20_000;

export function emptyLiveState(): LiveState {
  return {
    hello: null,
    health: null,
    markets: emptyMarketsState(),
    events: 0,
    energy: { trades: [], prices: {}, intervals: {}, cancelledOrders: 0, clearingPrices: {}, closures: [] },
    settlement: {
      heldCount: 0, heldMicro: 0n, rejectedCount: 0, rejectedMicro: 0n, lastRejection: null,
      settledCount: 0, settledMicro: 0n, undeliveredCount: 0, shortfallWh: 0n, penaltyMicro: 0n, penaltyUnpaidMicro: 0n,
    },
    metering: { finalized: 0, corrected: 0, estimated: 0, importWh: 0n, exportWh: 0n, anomalies: [] },
    identity: { statusChanges: [], changeCount: 0 },
    ledger: { committed: 0, lastSequence: null, lastCommittedAt: null, byType: {} },
    rides: { tripsPublished: 0, tripsCancelled: 0, bookings: new Map(), confirmed: 0, fareHeldMicro: 0n },
    seen: new Set(),
    seenOrder: [],
  };
}

/**
 * Applies one live-stream message (its SSE event name and parsed JSON) to the state, in
 * place, and says whether anything changed. Unknown event names are ignored, so a newer
 * gateway never breaks an older dashboard.
 */
export function applyLive(state: LiveState, event: string, data: unknown): boolean {
  switch (event) {
    case 'hello':
      state.hello = data as LiveHelloWire;
      return true;
    case 'health':
      state.health = data as LiveHealthWire;
      return true;
    case 'markets':
      return applyMarkets(state.markets, data as LiveMarketsWire);
    case 'end':
      return false;
  }
  const envelope = data as { id?: unknown; subject?: unknown; data?: unknown };
  if (typeof envelope?.id !== 'string' || envelope.subject !== event || typeof envelope.data !== 'object' || envelope.data === null) return false;
  if (state.seen.has(envelope.id)) return false;
  const applied = applyEvent(state, event, envelope.data);
  if (!applied) return false;
  state.seen.add(envelope.id);
  state.seenOrder.push(envelope.id);
  if (state.seenOrder.length > SEEN_WINDOW) state.seen.delete(state.seenOrder.shift()!);
  state.events++;
  return true;
}

function applyEvent(state: LiveState, subject: string, data: object): boolean {
  switch (subject) {
    case 'evt.energy.trade.executed.v1':
      return applyTrade(state, data as TradeWire);
    case 'evt.energy.order.cancelled.v1':
      state.energy.cancelledOrders++;
      return true;
    case 'evt.energy.market.closed.v1':
      return applyClosure(state, data as MarketClosedWire);
    case 'evt.settlement.hold.placed.v1': {
      const hold = data as Wire<typeof HoldPlaced>['data'];
      state.settlement.heldCount++;
      state.settlement.heldMicro += BigInt(hold.amountMicro);
      return true;
    }
    case 'evt.settlement.hold.rejected.v1': {
      const rejected = data as Wire<typeof HoldRejected>['data'];
      state.settlement.rejectedCount++;
      state.settlement.rejectedMicro += BigInt(rejected.amountMicro);
      state.settlement.lastRejection = rejected.reason;
      return true;
    }
    case 'evt.settlement.delivery.settled.v1': {
      const settled = data as Wire<typeof DeliverySettled>['data'];
      const s = state.settlement;
      s.settledCount++;
      s.settledMicro += BigInt(settled.buyerPaysMicro);
      if (settled.rule === 'undelivered') s.undeliveredCount++;
      s.shortfallWh += BigInt(settled.shortfallWh);
      s.penaltyMicro += BigInt(settled.sellerPenaltyMicro);
      s.penaltyUnpaidMicro += BigInt(settled.penaltyUnpaidMicro);
      return true;
    }
    case 'evt.metering.interval.finalized.v1': {
      const interval = data as Wire<typeof IntervalFinalized>['data'];
      state.metering.finalized++;
      if (interval.estimated) state.metering.estimated++;
      state.metering.importWh += BigInt(interval.importWh);
      state.metering.exportWh += BigInt(interval.exportWh);
      return true;
    }
    case 'evt.metering.interval.corrected.v1': {
      const corrected = data as Wire<typeof IntervalCorrected>['data'];
      state.metering.corrected++;
      state.metering.importWh += BigInt(corrected.importDeltaWh);
      state.metering.exportWh += BigInt(corrected.exportDeltaWh);
      return true;
    }
    case 'evt.metering.anomaly.raised.v1':
      state.metering.anomalies = [data as AnomalyWire, ...state.metering.anomalies].slice(0, RECENT_ANOMALIES);
      return true;
    case 'evt.identity.participant.status-changed.v1':
      state.identity.statusChanges = [data as StatusChangeWire, ...state.identity.statusChanges].slice(0, RECENT_STATUS_CHANGES);
      state.identity.changeCount++;
      return true;
    case 'evt.ledger.entry.committed.v1': {
      const entry = data as Wire<typeof EntryCommitted>['data'];
      const sequence = BigInt(entry.sequence);
      state.ledger.committed++;
      if (state.ledger.lastSequence === null || sequence > state.ledger.lastSequence) {
        state.ledger.lastSequence = sequence;
        state.ledger.lastCommittedAt = entry.committedAt;
      }
      state.ledger.byType[entry.type] = (state.ledger.byType[entry.type] ?? 0) + 1;
      return true;
    }
    case 'evt.rides.trip.published.v1':
      state.rides.tripsPublished++;
      return true;
    case 'evt.rides.trip.cancelled.v1':
      state.rides.tripsCancelled++;
      return true;
    case 'evt.rides.booking.requested.v1':
    case 'evt.rides.booking.confirmed.v1':
    case 'evt.rides.booking.declined.v1':
    case 'evt.rides.booking.expired.v1':
    case 'evt.rides.booking.cancelled.v1':
      return applyBooking(state.rides, subject.split('.')[3]!, data as { bookingId: string; fareMicro: string });
    default:
      return false;
  }
}

function applyBooking(rides: RidesState, event: string, booking: { bookingId: string; fareMicro: string }): boolean {
  if (event === 'confirmed') {
    rides.confirmed++;
    rides.fareHeldMicro += BigInt(booking.fareMicro);
  }
  // A later "requested" never overwrites a state the booking has already moved past.
  if (event === 'requested' && rides.bookings.has(booking.bookingId)) return true;
  rides.bookings.delete(booking.bookingId);
  rides.bookings.set(booking.bookingId, event);
  if (rides.bookings.size > RECENT_BOOKINGS) rides.bookings.delete(rides.bookings.keys().next().value!);
  return true;
}

/** Requests waiting for a driver, and the share of bookings that ended up confirmed (null before any). */
export function rideFigures(rides: RidesState): { openRequests: number; matchRate: number | null } {
  let open = 0;
  let matched = 0;
  for (const state of rides.bookings.values()) {
    if (state === 'requested') open++;
    if (state === 'confirmed' || state === 'cancelled') matched++;
  }
  const decided = rides.bookings.size - open;
  return { openRequests: open, matchRate: decided === 0 ? null : matched / decided };
}

function applyTrade(state: LiveState, trade: TradeWire): boolean {
  const energy = state.energy;
  energy.trades = [trade, ...energy.trades].slice(0, RECENT_TRADES);
  const price = BigInt(trade.priceMicroPerKwh);
  const series = (energy.prices[trade.zone] ??= []);
  series.push([Date.parse(trade.executedAt), price]);
  if (series.length > PRICE_POINTS) series.splice(0, series.length - PRICE_POINTS);
  const zone = (energy.intervals[trade.zone] ??= {});
  const slot = (zone[trade.intervalStart] ??= { energyWh: 0n, valueMicro: 0n, trades: 0, lastPriceMicroPerKwh: price });
  slot.energyWh += BigInt(trade.energyWh);
  slot.valueMicro += BigInt(trade.valueMicro);
  slot.trades++;
  slot.lastPriceMicroPerKwh = price;
  return true;
}

function applyClosure(state: LiveState, closed: MarketClosedWire): boolean {
  const energy = state.energy;
  const at = Date.parse(closed.closedAt);
  const rows = closed.zones.map((z) => ({
    area: closed.area,
    zone: z.zone,
    intervalStart: closed.intervalStart,
    closedAt: closed.closedAt,
    clearingPriceMicroPerKwh: z.clearingPriceMicroPerKwh === null ? null : BigInt(z.clearingPriceMicroPerKwh),
    tradedWh: BigInt(z.tradedWh),
    unmatchedBuyWh: BigInt(z.unmatchedBuyWh),
    unmatchedSellWh: BigInt(z.unmatchedSellWh),
  }));
  for (const r of rows) {
    if (r.clearingPriceMicroPerKwh === null) continue;
    const series = (energy.clearingPrices[r.zone] ??= []);
    series.push([at, r.clearingPriceMicroPerKwh]);
    if (series.length > PRICE_POINTS) series.splice(0, series.length - PRICE_POINTS);
  }
  energy.closures = [...rows, ...energy.closures].slice(0, RECENT_CLOSURES);
  return true;
}

/** Volume-weighted average price of an interval in µ-currency per kWh (value × 1000 / Wh). */
export function averagePrice(slot: { energyWh: bigint; valueMicro: bigint }): bigint | null {
  return slot.energyWh === 0n ? null : (slot.valueMicro * 1000n) / slot.energyWh;
}
