import type { LiveMarketsWire } from '@ampool/contracts';

export type AreaMarketsWire = LiveMarketsWire['areas'][number];
export type MarketWire = AreaMarketsWire['markets'][number];
export type LinkWire = MarketWire['links'][number];
type LevelWire = MarketWire['depth'][number]['bids'][number];

/** One row of a price ladder: asks above the spread (highest first), bids below (best first). */
export interface LadderRow {
  side: 'ask' | 'bid';
  priceMicroPerKwh: bigint;
  openWh: bigint;
  orderCount: number;
  /** Open energy from the best price on this side up to this level. */
  cumulativeWh: bigint;
  /** Share of the ladder's largest cumulative volume, 0-1, for the bar's length only. */
  share: number;
}

/**
 * A price ladder of one zone's book: both sides with cumulative volume, asks on top so the
 * spread sits in the middle. The bars are scaled to the larger side's total, so the two
 * sides compare at a glance.
 */
export function depthLadder(book: { bids: readonly LevelWire[]; asks: readonly LevelWire[] }): { rows: LadderRow[]; spreadMicroPerKwh: bigint | null } {
  const side = (levels: readonly LevelWire[], name: 'ask' | 'bid') => {
    let total = 0n;
    return levels.map((l) => {
      total += BigInt(l.openWh);
      return { side: name, priceMicroPerKwh: BigInt(l.priceMicroPerKwh), openWh: BigInt(l.openWh), orderCount: l.orderCount, cumulativeWh: total, share: 0 };
    });
  };
  const asks = side(book.asks, 'ask');
  const bids = side(book.bids, 'bid');
  const max = [...asks, ...bids].reduce((m, r) => (r.cumulativeWh > m ? r.cumulativeWh : m), 0n);
  const rows = [...asks.reverse(), ...bids];
  for (const r of rows) r.share = max === 0n ? 0 : ratio(r.cumulativeWh, max);
  const spread = book.asks[0] && book.bids[0] ? BigInt(book.asks[0].priceMicroPerKwh) - BigInt(book.bids[0].priceMicroPerKwh) : null;
  return { rows, spreadMicroPerKwh: spread };
}

/** A link's use against its capacity: 0-1 for the bar (null: no limit), and whether it is full. */
export function linkFill(link: LinkWire): { share: number | null; full: boolean } {
  if (link.capacityWh === null) return { share: null, full: false };
  const capacity = BigInt(link.capacityWh);
  const used = BigInt(link.usedWh);
  if (capacity === 0n) return { share: used > 0n ? 1 : 0, full: true };
  return { share: Math.min(1, ratio(used, capacity)), full: used >= capacity };
}

/** Whole-percent text of a link's use ("42 %", "no limit"), rounded down so "100 %" means full. */
export function linkPercent(link: LinkWire): string {
  if (link.capacityWh === null) return 'no limit';
  const capacity = BigInt(link.capacityWh);
  if (capacity === 0n) return 'closed';
  return `${(BigInt(link.usedWh) * 100n) / capacity} %`;
}

/**
 * Which zone and interval to show: the operator's choice while it still exists in the
 * latest snapshot, otherwise the first zone with an open market and that market's earliest
 * interval (markets come earliest first).
 */
export function pickMarket(
  snapshot: LiveMarketsWire | null,
  wanted: { zone: string | null; intervalStart: string | null },
): { area: AreaMarketsWire; zone: string; market: MarketWire } | null {
  if (!snapshot) return null;
  const withMarkets = snapshot.areas.filter((a) => a.markets.length > 0);
  const area = withMarkets.find((a) => wanted.zone !== null && a.zones.includes(wanted.zone)) ?? withMarkets[0];
  if (!area) return null;
  const zone = wanted.zone !== null && area.zones.includes(wanted.zone) ? wanted.zone : area.zones[0]!;
  const market = area.markets.find((m) => m.intervalStart === wanted.intervalStart) ?? area.markets[0]!;
  return { area, zone, market };
}

/** a / b as a float for drawing (b > 0); exact enough at any size because both are scaled down together. */
function ratio(a: bigint, b: bigint): number {
  return Number((a * 10_000n) / b) / 10_000;
}

/** Delivery intervals of flow history kept per area. */
export const FLOW_INTERVALS = 8;

/** The latest book snapshot, and per area the links of each recent interval as last seen. */
export interface MarketsState {
  latest: LiveMarketsWire | null;
  /** Area → interval start (ISO) → the market as last seen while it was open. */
  flows: Record<string, Record<string, { phase: MarketWire['phase']; links: LinkWire[] }>>;
}

export function emptyMarketsState(): MarketsState {
  return { latest: null, flows: {} };
}

/**
 * Takes a `markets` snapshot. An interval leaves the snapshot once its gate closes; its
 * flows stay in the history as last seen, so the panel shows the recent intervals and not
 * only the open ones. Returns false for a snapshot older than the one held.
 */
export function applyMarkets(state: MarketsState, snapshot: LiveMarketsWire): boolean {
  if (state.latest && Date.parse(snapshot.at) < Date.parse(state.latest.at)) return false;
  state.latest = snapshot;
  for (const area of snapshot.areas) {
    const history = (state.flows[area.area] ??= {});
    for (const m of area.markets) history[m.intervalStart] = { phase: m.phase, links: m.links };
    const keys = Object.keys(history).sort();
    for (const old of keys.slice(0, Math.max(0, keys.length - FLOW_INTERVALS))) delete history[old];
  }
  return true;
}
