import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@ampool/persistence';

/** The newest reading with a state of charge, per device. */
@Injectable()
export class BatteryStateRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async latest(devices: readonly string[]): Promise<Map<string, { socWh: bigint; at: Date }>> {
    // One index probe per device on the (device, at) key, newest first; readings without a
    // state of charge (meters, PV inverters) are skipped.
    const rows = await this.prisma.$queryRawUnsafe<{ device: string; at: Date; socWh: bigint }[]>(
      `SELECT d.device, r.at, r.soc_wh AS "socWh"
         FROM unnest($1::text[]) AS d(device)
         JOIN LATERAL (SELECT at, soc_wh FROM metering.reading
                        WHERE device = d.device AND soc_wh IS NOT NULL
                        ORDER BY at DESC LIMIT 1) r ON true`,
      [...devices],
    );
    return new Map(rows.map((r) => [r.device, { socWh: r.socWh, at: r.at }]));
  }
}
