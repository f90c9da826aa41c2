import { Injectable } from '@nestjs/common';
import { uuidv7 } from '@ampool/domain';
import type { Anomaly } from '@ampool/metering';
import { PrismaClient, type Tx } from '@ampool/persistence';

/** Stored anomalies: one row per (device, code, span), whatever the recomputations. */
@Injectable()
export class AnomaliesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records anomalies not recorded before; returns those that are new. */
  async record(tx: Tx, device: string, anomalies: readonly Anomaly[]): Promise<Anomaly[]> {
    if (anomalies.length === 0) return [];
    const inserted = await tx.meteringAnomaly.createManyAndReturn({
      data: anomalies.map((a) => ({ id: uuidv7(), device, code: a.code, fromAt: new Date(a.fromMs), toAt: new Date(a.toMs), details: a.message.slice(0, 1000) })),
      skipDuplicates: true,
      select: { code: true, fromAt: true, toAt: true },
    });
    const fresh = new Set(inserted.map((r) => `${r.code}|${r.fromAt.getTime()}|${r.toAt.getTime()}`));
    return anomalies.filter((a) => fresh.has(`${a.code}|${a.fromMs}|${a.toMs}`));
  }

  async list(device: string | undefined, limit: number) {
    return this.prisma.meteringAnomaly.findMany({ where: { device }, orderBy: { raisedAt: 'desc' }, take: limit });
  }
}
