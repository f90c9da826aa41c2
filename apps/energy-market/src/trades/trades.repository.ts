import { Injectable } from '@nestjs/common';
import type { TradeFacts, TradeView } from '@ampool/contracts';
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
    intervalStart: r.intervalStart,
    energyWh: r.energyWh,
    priceMicroPerKwh: r.priceMicroPerKwh,
    valueMicro: r.valueMicro,
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

  async insert(tx: Tx, trades: TradeFacts[]): Promise<void> {
    if (trades.length > 0) await tx.energyTrade.createMany({ data: trades });
  }

  async findById(id: string, db: Db = this.prisma): Promise<TradeView | null> {
    const row = await db.energyTrade.findUnique({ where: { id } });
    return row ? toTradeView(row) : null;
  }

  /** Trades an order took part in, oldest first (an order has at most as many as it has Wh). */
  async findByOrder(orderId: string, db: Db = this.prisma): Promise<TradeView[]> {
    const rows = await db.energyTrade.findMany({
      where: { OR: [{ buyOrderId: orderId }, { sellOrderId: orderId }] },
      orderBy: { executedAt: 'asc' },
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
}
