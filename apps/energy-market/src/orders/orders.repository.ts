import { Injectable } from '@nestjs/common';
import type { OrderSide, OrderView } from '@ampool/contracts';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

export interface OrderRow extends OrderView {
  requestHash: string;
}

type Row = Awaited<ReturnType<PrismaClient['energyOrder']['findFirstOrThrow']>>;

function toRow(r: Row): OrderRow {
  return {
    id: r.id,
    participant: r.participant,
    side: r.side as OrderSide,
    zone: r.zone,
    intervalStart: r.intervalStart,
    quantityWh: r.quantityWh,
    limitPriceMicroPerKwh: r.limitPriceMicroPerKwh,
    remainingWh: r.remainingWh,
    status: r.status as OrderView['status'],
    createdAt: r.createdAt,
    requestHash: r.requestHash,
  };
}

export function toOrderView({ requestHash: _, ...view }: OrderRow): OrderView {
  return view;
}

/** The `energy.order` table, which is also the book: open orders are the resting ones. */
@Injectable()
export class OrdersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string, db: Db = this.prisma): Promise<OrderRow | null> {
    const r = await db.energyOrder.findUnique({ where: { id } });
    return r ? toRow(r) : null;
  }

  /**
   * Serialises matching per market for the rest of the transaction. Orders for different
   * (zone, interval) markets never wait for each other.
   */
  async lockMarket(tx: Tx, zone: string, intervalStart: Date): Promise<void> {
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `energy-market|${zone}|${intervalStart.toISOString()}`);
  }

  /** Inserts the order unless its id exists; returns whether it was inserted. */
  async insert(tx: Tx, o: OrderRow): Promise<boolean> {
    const { count } = await tx.energyOrder.createMany({
      data: [
        {
          id: o.id,
          participant: o.participant,
          side: o.side,
          zone: o.zone,
          intervalStart: o.intervalStart,
          quantityWh: o.quantityWh,
          limitPriceMicroPerKwh: o.limitPriceMicroPerKwh,
          remainingWh: o.remainingWh,
          status: o.status,
          requestHash: o.requestHash,
          createdAt: o.createdAt,
        },
      ],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /**
   * Resting orders that cross an incoming order, best first: lowest price then earliest for
   * sells, highest price then earliest for buys. A participant's own orders are skipped
   * (self-trade prevention: the resting order stays, the incoming one looks further).
   */
  async crossingOrders(
    tx: Tx,
    incoming: { side: OrderSide; zone: string; intervalStart: Date; limitPriceMicroPerKwh: bigint; participant: string },
    limit: number,
  ): Promise<OrderRow[]> {
    const restingSide = incoming.side === 'buy' ? 'sell' : 'buy';
    const rows = await tx.energyOrder.findMany({
      where: {
        zone: incoming.zone,
        intervalStart: incoming.intervalStart,
        side: restingSide,
        status: 'open',
        participant: { not: incoming.participant },
        limitPriceMicroPerKwh: incoming.side === 'buy' ? { lte: incoming.limitPriceMicroPerKwh } : { gte: incoming.limitPriceMicroPerKwh },
      },
      orderBy: [{ limitPriceMicroPerKwh: incoming.side === 'buy' ? 'asc' : 'desc' }, { seq: 'asc' }],
      take: limit,
    });
    return rows.map(toRow);
  }

  /**
   * Serialises a participant's order submissions (shared) against changes to its standing
   * (exclusive) for the rest of the transaction.
   */
  async lockParticipant(tx: Tx, did: string, mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await tx.$executeRawUnsafe(`SELECT ${fn}(hashtextextended($1, 0))`, `energy-participant|${did}`);
  }

  /** The block on a participant, if identity suspended or revoked it. */
  async blockOf(tx: Tx, did: string): Promise<string | null> {
    return (await tx.energyParticipantBlock.findUnique({ where: { did } }))?.status ?? null;
  }

  async setBlock(tx: Tx, did: string, status: 'suspended' | 'revoked' | null, since: Date): Promise<void> {
    if (status === null) await tx.energyParticipantBlock.deleteMany({ where: { did } });
    else await tx.energyParticipantBlock.upsert({ where: { did }, create: { did, status, since }, update: { status, since } });
  }

  /** Cancels every open order of a participant; returns what was open. */
  async cancelOpenOf(tx: Tx, participant: string): Promise<{ id: string; remainingWh: bigint }[]> {
    return tx.$queryRawUnsafe<{ id: string; remainingWh: bigint }[]>(
      `UPDATE energy."order" SET status = 'cancelled' WHERE participant = $1 AND status = 'open'
       RETURNING id::text AS id, remaining_wh AS "remainingWh"`,
      participant,
    );
  }

  async setRemaining(tx: Tx, id: string, remainingWh: bigint): Promise<void> {
    await tx.energyOrder.update({ where: { id }, data: { remainingWh, status: remainingWh === 0n ? 'filled' : 'open' } });
  }
}
