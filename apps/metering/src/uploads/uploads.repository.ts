import { Injectable } from '@nestjs/common';
import type { MeterReading } from '@ampool/metering';
import type { Tx } from '@ampool/persistence';

/** Signed uploads and the readings they carry. */
@Injectable()
export class UploadsRepository {
  async insertBatch(
    tx: Tx,
    b: { id: string; device: string; key: string; kind: 'readings' | 'telegram'; signature: Uint8Array<ArrayBuffer>; payloadSha256: string; readingCount: number },
  ): Promise<void> {
    await tx.meteringBatch.create({ data: b });
  }

  /** Stored readings of this device at these instants (to tell duplicates from conflicts). */
  async existing(tx: Tx, device: string, ats: Date[]): Promise<Map<number, MeterReading>> {
    const rows = await tx.meteringReading.findMany({ where: { device, at: { in: ats } }, take: ats.length });
    return new Map(rows.map((r) => [r.at.getTime(), { atMs: r.at.getTime(), importWh: r.importWh, exportWh: r.exportWh, ...(r.socWh === null ? {} : { socWh: r.socWh }) }]));
  }

  /** One multi-row insert (the hot path of metering). */
  async insertReadings(tx: Tx, device: string, batchId: string, readings: readonly MeterReading[]): Promise<void> {
    if (readings.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO metering.reading (device, at, import_wh, export_wh, soc_wh, batch_id)
       SELECT $1, * FROM unnest($2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], array_fill($6::uuid, ARRAY[$7::int]))
       ON CONFLICT DO NOTHING`,
      device,
      readings.map((r) => new Date(r.atMs)),
      readings.map((r) => r.importWh.toString()),
      readings.map((r) => r.exportWh.toString()),
      readings.map((r) => (r.socWh === undefined ? null : r.socWh.toString())),
      batchId,
      readings.length,
    );
  }
}
