import { Injectable } from '@nestjs/common';
import type { TradeView } from '@ampool/contracts';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';
import { tradeStatus } from './trade-status';

type TradeRow = Awaited<ReturnType<PrismaClient['energyTrade']['findFirstOrThrow']>>;

export function toTradeView(r: TradeRow): TradeView {
  return {
    id: r.id,
    buyOrderId: r.buyOrderId,
    sellOrderId: r.sellOrderId,
    buyer: r.buyer,
    seller: r.seller,
    zone: r.zone,
    sellerZone: r.sellerZone,
    buyerZone: r.buyerZone,
    intervalStart: r.intervalStart,
    energyWh: r.energyWh,
    priceMicroPerKwh: r.priceMicroPerKwh,
    gridFeeMicroPerKwh: r.gridFeeMicroPerKwh,
    valueMicro: r.valueMicro,
    buyerCostMicro: r.buyerCostMicro,
    executedAt: r.executedAt,
    status: tradeStatus(r),
    holdTransferId: r.holdTransferId,
    ledgerEntryHash: r.ledgerEntryHash,
  };
}

/** The `energy.trade` table. */
@Injectable()
export class TradesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string, db: Db = this.prisma): Promise<TradeView | null> {
    const row = await db.energyTrade.findUnique({ where: { id } });
    return row ? toTradeView(row) : null;
  }

  /** Trades an order took part in, oldest first (an order has at most as many as it has Wh). */
  async findByOrder(orderId: string, db: Db = this.prisma): Promise<TradeView[]> {
    const rows = await db.energyTrade.findMany({
      where: { OR: [{ buyOrderId: orderId }, { sellOrderId: orderId }] },
      orderBy: [{ executedAt: 'asc' }, { tradeSeq: 'asc' }],
      take: 1000,
    });
    return rows.map(toTradeView);
  }

  /** Settlement held the buyer's money. Repeating it changes nothing. */
  async markHeld(tx: Tx, tradeId: string, transferId: string, at: Date): Promise<void> {
    await tx.energyTrade.updateMany({ where: { id: tradeId, heldAt: null }, data: { heldAt: at, holdTransferId: transferId } });
  }

  /** Settlement refused the hold. */
  async markUnfunded(tx: Tx, tradeId: string, code: string): Promise<void> {
    await tx.energyTrade.updateMany({ where: { id: tradeId, holdRejectedCode: null }, data: { holdRejectedCode: code } });
  }

  /** The ledger recorded the trade. */
  async markCommitted(tx: Tx, tradeId: string, entryHash: string, at: Date): Promise<void> {
    await tx.energyTrade.updateMany({ where: { id: tradeId, committedAt: null }, data: { committedAt: at, ledgerEntryHash: entryHash } });
  }

  /** A zone's trade tape for one interval: trades delivered into or out of the zone, in execution order. */
  async tape(zone: string, intervalStart: Date, afterSeq: number, limit: number) {
    return this.prisma.energyTrade.findMany({
      where: { intervalStart, tradeSeq: { gt: afterSeq }, OR: [{ buyerZone: zone }, { sellerZone: zone }] },
      orderBy: { tradeSeq: 'asc' },
      take: limit,
      select: { tradeSeq: true, sellerZone: true, buyerZone: true, energyWh: true, priceMicroPerKwh: true, gridFeeMicroPerKwh: true, executedAt: true },
    });
  }

  /** Energy a market's cross-zone trades moved, per `seller zone>buyer zone`. */
  async crossZoneWh(marketId: string, intervalStart: Date): Promise<Map<string, bigint>> {
    const rows = await this.prisma.$queryRawUnsafe<{ from: string; to: string; wh: bigint }[]>(
      `SELECT seller_zone AS "from", buyer_zone AS "to", sum(energy_wh)::bigint AS wh FROM energy.trade
        WHERE interval_start = $1 AND market_id = $2 AND seller_zone <> buyer_zone GROUP BY seller_zone, buyer_zone`,
      intervalStart,
      marketId,
    );
    return new Map(rows.map((r) => [`${r.from}>${r.to}`, BigInt(r.wh)]));
  }

  /** Count, volume, value and last price of the trades delivered into a zone in one interval. */
  async stats(zone: string, intervalStart: Date): Promise<{ n: number; wh: bigint; value: bigint; last: bigint | null }> {
    const [row] = await this.prisma.$queryRawUnsafe<{ n: number; wh: bigint | null; value: bigint | null; last: bigint | null }[]>(
      `SELECT count(*)::int AS n, sum(energy_wh)::bigint AS wh, sum(price_micro_per_kwh * energy_wh)::bigint AS value,
              (SELECT price_micro_per_kwh FROM energy.trade WHERE interval_start = $2 AND buyer_zone = $1 ORDER BY trade_seq DESC LIMIT 1) AS last
       FROM energy.trade WHERE interval_start = $2 AND buyer_zone = $1`,
      zone,
      intervalStart,
    );
    return { n: row?.n ?? 0, wh: row?.wh ?? 0n, value: row?.value ?? 0n, last: row?.last ?? null };
  }
}
