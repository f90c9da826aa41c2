import { Injectable } from '@nestjs/common';
import { AppError, areaConfig, ErrorCode, type AreaConfig, type AreaView, type MarketMode } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { PrismaClient, type Tx } from '@ampool/persistence';

/** `energy.area`, `energy.zone` and `energy.zone_pair`: what operators configured. */
@Injectable()
export class AreasRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async list(): Promise<AreaView[]> {
    const [areas, zones, pairs] = await Promise.all([
      this.prisma.energyArea.findMany({ orderBy: { id: 'asc' }, take: 1000 }),
      this.prisma.energyZone.findMany({ orderBy: [{ areaId: 'asc' }, { position: 'asc' }], take: 64_000 }),
      this.prisma.energyZonePair.findMany({ take: 100_000 }),
    ]);
    return areas.map((a) => ({
      id: a.id,
      zones: zones.filter((z) => z.areaId === a.id).map((z) => z.id),
      intervalMinutes: a.intervalMinutes as AreaView['intervalMinutes'],
      openAheadMinutes: a.openAheadMinutes,
      gateClosureMinutes: a.gateClosureMinutes,
      closingCallMinutes: a.closingCallMinutes,
      feedInMicroPerKwh: a.feedInMicroPerKwh,
      retailMicroPerKwh: a.retailMicroPerKwh,
      mode: a.mode as MarketMode,
      pairs: pairs
        .filter((p) => p.areaId === a.id)
        .sort((x, y) => (x.fromZone + '>' + x.toZone < y.fromZone + '>' + y.toZone ? -1 : 1))
        .map((p) => ({ from: p.fromZone, to: p.toZone, gridFeeMicroPerKwh: p.gridFeeMicroPerKwh, transferCapacityWh: p.transferCapacityWh })),
      version: a.version,
      updatedAt: a.updatedAt,
    }));
  }

  /**
   * Creates or replaces an area, with an audit row naming the operator; a zone that belongs to
   * another area is ALREADY_EXISTS.
   */
  async upsert(tx: Tx, area: AreaConfig, actor: string, at: Date): Promise<void> {
    const taken = await tx.energyZone.findMany({ where: { id: { in: area.zones }, NOT: { areaId: area.id } }, take: 1 });
    if (taken.length > 0) throw new AppError(ErrorCode.ALREADY_EXISTS, `zone ${taken[0]!.id} belongs to area ${taken[0]!.areaId}`);
    const data = {
      intervalMinutes: area.intervalMinutes,
      openAheadMinutes: area.openAheadMinutes,
      gateClosureMinutes: area.gateClosureMinutes,
      closingCallMinutes: area.closingCallMinutes,
      feedInMicroPerKwh: area.feedInMicroPerKwh,
      retailMicroPerKwh: area.retailMicroPerKwh,
      mode: area.mode,
      updatedAt: at,
    };
    await tx.energyArea.upsert({ where: { id: area.id }, create: { id: area.id, ...data }, update: { ...data, version: { increment: 1 } } });
    await tx.energyZone.deleteMany({ where: { areaId: area.id } });
    await tx.energyZone.createMany({ data: area.zones.map((id, position) => ({ id, areaId: area.id, position })) });
    await tx.energyAudit.create({ data: { id: uuidv7(), actor, action: 'area.configure', target: area.id, details: JSON.stringify(areaConfig.encode(area)), at } });
    await tx.energyZonePair.deleteMany({ where: { areaId: area.id } });
    if (area.pairs.length > 0) {
      await tx.energyZonePair.createMany({
        data: area.pairs.map((p) => ({ areaId: area.id, fromZone: p.from, toZone: p.to, gridFeeMicroPerKwh: p.gridFeeMicroPerKwh, transferCapacityWh: p.transferCapacityWh })),
      });
    }
  }
}
