import { Injectable } from '@nestjs/common';
import type { OrderSide, OrderView, TimeInForce } from '@ampool/contracts';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

export interface OrderRow extends OrderView {
  requestHash: string;
  marketId: string | null;
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
    timeInForce: r.timeInForce as TimeInForce,
    minFillWh: r.minFillWh,
    device: r.device,
    filledWh: r.filledWh,
    requestHash: r.requestHash,
    marketId: r.marketId,
  };
}

export function toOrderView({ requestHash: _, marketId: __, ...view }: OrderRow): OrderView {
  return view;
}

/** The `energy.order` table: every order as of the last journal batch stored. */
@Injectable()
export class OrdersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string, db: Db = this.prisma): Promise<OrderRow | null> {
    const r = await db.energyOrder.findUnique({ where: { id } });
    return r ? toRow(r) : null;
  }

  async findByIds(ids: string[]): Promise<Map<string, OrderRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.energyOrder.findMany({ where: { id: { in: ids } }, take: ids.length });
    return new Map(rows.map((r) => [r.id, toRow(r)]));
  }

  /** A participant's orders, newest first (ids are UUIDv7, so by id). */
  async list(q: { participant: string; status?: string; intervalStart?: Date; before?: string; limit: number }): Promise<OrderRow[]> {
    const rows = await this.prisma.energyOrder.findMany({
      where: {
        participant: q.participant,
        ...(q.status ? { status: q.status } : {}),
        ...(q.intervalStart ? { intervalStart: q.intervalStart } : {}),
        ...(q.before ? { id: { lt: q.before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit,
    });
    return rows.map(toRow);
  }

  /** Every blocked participant (a few at most; bounded all the same). */
  async blockedParticipants(): Promise<string[]> {
    return (await this.prisma.energyParticipantBlock.findMany({ select: { did: true }, take: 1_000_000 })).map((r) => r.did);
  }

  /** The block on a participant, if identity suspended or revoked it. */
  async blockOf(did: string): Promise<string | null> {
    return (await this.prisma.energyParticipantBlock.findUnique({ where: { did } }))?.status ?? null;
  }

  async setBlock(tx: Tx, did: string, status: 'suspended' | 'revoked' | null, since: Date): Promise<void> {
    if (status === null) await tx.energyParticipantBlock.deleteMany({ where: { did } });
    else await tx.energyParticipantBlock.upsert({ where: { did }, create: { did, status, since }, update: { status, since } });
  }
}
