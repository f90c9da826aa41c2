import { Injectable } from '@nestjs/common';
import type { IntervalView } from '@ampool/contracts';
import type { MeterReading } from '@ampool/metering';
import { PrismaClient, type Tx } from '@ampool/persistence';

export interface StoredInterval {
  startMs: number;
  revision: number;
  importWh: bigint;
  exportWh: bigint;
  quality: IntervalView['quality'];
  estimated: boolean;
  anomalies: string[];
  socEndWh: bigint | null;
}

/** Readings, finalized intervals and each device's finalization cursor. */
@Injectable()
export class IntervalsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Serialises everything that changes one device's readings and intervals. */
  async lockDevice(tx: Tx, device: string): Promise<void> {
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `metering-device|${device}`);
  }

  async cursor(tx: Tx, device: string): Promise<{ pendingFrom: Date | null; lastReadingAt: Date | null } | null> {
    return tx.meteringDeviceCursor.findUnique({ where: { device }, select: { pendingFrom: true, lastReadingAt: true } });
  }

  async saveCursor(tx: Tx, c: { device: string; owner: string; pendingFrom: Date | null; lastReadingAt: Date | null }): Promise<void> {
    await tx.meteringDeviceCursor.upsert({
      where: { device: c.device },
      create: { ...c, updatedAt: new Date() },
      update: { owner: c.owner, pendingFrom: c.pendingFrom, lastReadingAt: c.lastReadingAt, updatedAt: new Date() },
    });
  }

  /**
   * The readings the engine needs to finalize from `fromMs` on: every reading at or after it,
   * and the one just before it (a boundary is interpolated between the readings around it).
   */
  async readingsFrom(tx: Tx, device: string, fromMs: number, limit: number): Promise<MeterReading[]> {
    const rows = await tx.$queryRawUnsafe<{ at: Date; importWh: bigint; exportWh: bigint; socWh: bigint | null }[]>(
      `(SELECT at, import_wh AS "importWh", export_wh AS "exportWh", soc_wh AS "socWh" FROM metering.reading
         WHERE device = $1 AND at < $2 ORDER BY at DESC LIMIT 1)
       UNION ALL
       (SELECT at, import_wh, export_wh, soc_wh FROM metering.reading
         WHERE device = $1 AND at >= $2 ORDER BY at LIMIT $3)`,
      device,
      new Date(fromMs),
      limit,
    );
    return rows
      .map((r) => ({ atMs: r.at.getTime(), importWh: r.importWh, exportWh: r.exportWh, ...(r.socWh === null ? {} : { socWh: r.socWh }) }))
      .sort((a, b) => a.atMs - b.atMs);
  }

  /** The latest revision of each finalized interval starting in [fromMs, toMs]. */
  async latestRevisions(tx: Tx, device: string, minutes: number, fromMs: number, toMs: number): Promise<Map<number, StoredInterval>> {
    const rows = await tx.$queryRawUnsafe<
      { start: Date; revision: number; importWh: bigint; exportWh: bigint; quality: IntervalView['quality']; estimated: boolean; anomalies: string[] | null; socEndWh: bigint | null }[]
    >(
      `SELECT DISTINCT ON (interval_start) interval_start AS start, revision, import_wh AS "importWh", export_wh AS "exportWh",
              quality, estimated, anomalies, soc_end_wh AS "socEndWh"
       FROM metering.interval
       WHERE device = $1 AND interval_minutes = $2 AND interval_start BETWEEN $3 AND $4
       ORDER BY interval_start, revision DESC LIMIT 20000`,
      device,
      minutes,
      new Date(fromMs),
      new Date(toMs),
    );
    return new Map(rows.map((r) => [r.start.getTime(), { ...r, startMs: r.start.getTime(), anomalies: r.anomalies ?? [] }]));
  }

  async insertIntervals(tx: Tx, device: string, minutes: number, rows: StoredInterval[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.meteringInterval.createMany({
      data: rows.map((r) => ({
        device,
        intervalMinutes: minutes,
        intervalStart: new Date(r.startMs),
        revision: r.revision,
        importWh: r.importWh,
        exportWh: r.exportWh,
        quality: r.quality,
        estimated: r.estimated,
        anomalies: r.anomalies,
        socEndWh: r.socEndWh,
      })),
    });
  }

  /** A device's intervals (every revision) from `from`, oldest first. */
  async list(device: string, from: Date | undefined, limit: number): Promise<IntervalView[]> {
    const rows = await this.prisma.meteringInterval.findMany({
      where: { device, intervalStart: from ? { gte: from } : undefined },
      orderBy: [{ intervalStart: 'asc' }, { revision: 'asc' }],
      take: limit,
    });
    return rows.map((r) => ({
      device: r.device,
      intervalStart: r.intervalStart,
      intervalMinutes: r.intervalMinutes,
      importWh: r.importWh,
      exportWh: r.exportWh,
      quality: r.quality as IntervalView['quality'],
      estimated: r.estimated,
      anomalies: r.anomalies as IntervalView['anomalies'],
      socEndWh: r.socEndWh,
      revision: r.revision,
      finalizedAt: r.finalizedAt,
    }));
  }

  /** Devices whose next interval may be due for estimation (bounded per sweep). */
  async devicesPendingBefore(before: Date, limit: number): Promise<{ device: string; owner: string }[]> {
    return this.prisma.meteringDeviceCursor.findMany({ where: { pendingFrom: { lt: before } }, select: { device: true, owner: true }, orderBy: { pendingFrom: 'asc' }, take: limit });
  }
}
