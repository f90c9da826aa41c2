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
  /**
   * What these devices sold (filled Wh) per market, for markets of intervals starting after
   * `afterMs`, with each market's interval length (to tell when its delivery ends).
   */
  async soldByDevices(devices: readonly string[], afterMs: number): Promise<{ device: string; marketId: string; areaId: string; intervalStartMs: number; intervalMinutes: number; filledWh: bigint }[]> {
    if (devices.length === 0) return [];
    const rows = await this.prisma.$queryRawUnsafe<{ device: string; marketId: string; areaId: string; intervalStart: Date; intervalMinutes: number; filledWh: bigint }[]>(
      `SELECT o.device, o.market_id AS "marketId", m.area_id AS "areaId", o.interval_start AS "intervalStart",
              (m.config::jsonb->>'intervalMinutes')::int AS "intervalMinutes", sum(o.filled_wh)::bigint AS "filledWh"
         FROM energy."order" o JOIN energy.market m ON m.id = o.market_id
        WHERE o.device = ANY($1::text[]) AND o.side = 'sell' AND o.interval_start > $2
        GROUP BY o.device, o.market_id, m.area_id, o.interval_start, m.config
        LIMIT 10000`,
      [...devices],
      new Date(afterMs),
    );
    return rows.map((r) => ({ device: r.device, marketId: r.marketId, areaId: r.areaId, intervalStartMs: r.intervalStart.getTime(), intervalMinutes: r.intervalMinutes, filledWh: r.filledWh }));
  }
}
