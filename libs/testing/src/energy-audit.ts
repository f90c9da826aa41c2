import { marketDepth, type AmpoolClient } from '@ampool/client';
import { query } from './row-counts';

export interface StoredOrder {
  id: string;
  status: string;
  quantity_wh: string;
  filled_wh: string;
  remaining_wh: string;
  side: string;
  zone: string;
}

/** What the database and the live books say about one delivery interval's orders and trades. */
export interface EnergyIntervalAudit {
  orders: Map<string, StoredOrder>;
  /** Orders whose stored fill is not the sum of their trades (`id: filled / traded`). */
  fillsNotTrades: string[];
  /** Orders whose fill and remainder do not add up (more than the quantity; less while open). */
  quantitiesWrong: string[];
  /** The interval's trade ids. */
  tradeIds: string[];
  /** Trades sharing a market and sequence number with another (a trade stored twice in any form). */
  repeatedTrades: number;
  /** Open energy per `zone side` in the live books (public depth) and in the database's open orders. */
  book: Record<string, string>;
  database: Record<string, string>;
}

/**
 * Reads one interval's orders and trades from the energy schema and the zones' live books
 * through the gateway, for crash and scale-out tests to check that nothing was lost, repeated
 * or left out of the rebuilt books.
 */
export async function auditEnergyInterval(databaseUrl: string, client: AmpoolClient, intervalStart: string, zones: string[]): Promise<EnergyIntervalAudit> {
  const rows = await query<StoredOrder & Record<string, unknown>>(
    databaseUrl,
    'SELECT id::text, status, quantity_wh::text, filled_wh::text, remaining_wh::text, side, zone FROM energy."order" WHERE interval_start = $1',
    [intervalStart],
  );
  const orders = new Map(rows.map((r) => [r.id, r]));
  const fills = await query<{ id: string; wh: string }>(
    databaseUrl,
    `SELECT o.id::text, COALESCE(sum(t.energy_wh), 0)::text AS wh FROM energy."order" o
     LEFT JOIN energy.trade t ON t.buy_order_id = o.id OR t.sell_order_id = o.id WHERE o.interval_start = $1 GROUP BY o.id`,
    [intervalStart],
  );
  const fillsNotTrades = fills.filter((f) => f.wh !== orders.get(f.id)!.filled_wh).map((f) => `${f.id}: ${orders.get(f.id)!.filled_wh} / ${f.wh}`);
  const quantitiesWrong = rows
    .filter((r) => {
      const sum = BigInt(r.filled_wh) + BigInt(r.remaining_wh);
      return sum > BigInt(r.quantity_wh) || (r.status === 'open' && sum !== BigInt(r.quantity_wh));
    })
    .map((r) => r.id);
  const trades = await query<{ id: string; market_id: string; trade_seq: number }>(databaseUrl, 'SELECT id::text, market_id, trade_seq FROM energy.trade WHERE interval_start = $1', [intervalStart]);
  const book: Record<string, string> = {};
  const database: Record<string, string> = {};
  for (const zone of zones) {
    const depth = await marketDepth(client, zone, intervalStart);
    for (const [side, levels] of [['buy', depth.bids], ['sell', depth.asks]] as const) {
      book[`${zone} ${side}`] = levels.reduce((s, l) => s + BigInt(l.openWh), 0n).toString();
      database[`${zone} ${side}`] = rows.filter((r) => r.zone === zone && r.side === side && r.status === 'open').reduce((s, r) => s + BigInt(r.remaining_wh), 0n).toString();
    }
  }
  return {
    orders, fillsNotTrades, quantitiesWrong, tradeIds: trades.map((t) => t.id),
    repeatedTrades: trades.length - new Set(trades.map((t) => `${t.market_id}#${t.trade_seq}`)).size,
    book, database,
  };
}
