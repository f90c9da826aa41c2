import { Controller } from '@nestjs/common';
import { AppError, ErrorCode, MarketDepth, MarketFlows, MarketStats, MarketTrades, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { PrismaClient } from '@ampool/persistence';
import { RpcHandler } from '@ampool/messaging';
import { AreasService } from '../areas/areas.service';
import { MarketEngine } from '../engine/market-engine.service';
import { AreaRouter } from '../leases/area-router.service';
import type { FrozenMarketConfig } from '../engine/market-state';
import { TradesRepository } from '../trades/trades.repository';
import { marketLinks } from './market-flows';

type Phase = RpcResponse<typeof MarketDepth>['phase'];

/**
 * Public read models: depth from the live book, the anonymous tape, statistics and cross-zone
 * flows from the database. Those that show a live market's book or phase are answered by the
 * instance that writes its area (AreaRouter).
 */
@Controller()
export class MarketReadController {
  private readonly depthAt;
  private readonly statsAt;
  private readonly flowsAt;

  constructor(
    private readonly areas: AreasService,
    private readonly engine: MarketEngine,
    private readonly trades: TradesRepository,
    private readonly prisma: PrismaClient,
    router: AreaRouter,
  ) {
    const areaOfZone = async (zone: string) => (await this.areas.areaOf(zone)).id;
    this.depthAt = router.route(MarketDepth, (i) => areaOfZone(i.zone), (i) => this.depthHere(i));
    this.statsAt = router.route(MarketStats, (i) => areaOfZone(i.zone), (i) => this.statsHere(i));
    this.flowsAt = router.route(MarketFlows, async (i) => ((await this.areas.all()).some((a) => a.id === i.area) ? i.area : null), (i) => this.flowsHere(i));
  }

  @RpcHandler(MarketDepth)
  async depth(input: RpcRequest<typeof MarketDepth>): Promise<RpcResponse<typeof MarketDepth>> {
    return this.depthAt(input);
  }

  @RpcHandler(MarketStats)
  async stats(input: RpcRequest<typeof MarketStats>): Promise<RpcResponse<typeof MarketStats>> {
    return this.statsAt(input);
  }

  @RpcHandler(MarketFlows)
  async flows(input: RpcRequest<typeof MarketFlows>): Promise<RpcResponse<typeof MarketFlows>> {
    return this.flowsAt(input);
  }

  private async depthHere(input: RpcRequest<typeof MarketDepth>): Promise<RpcResponse<typeof MarketDepth>> {
    const area = await this.areas.areaOf(input.zone);
    await this.engine.ready();
    const runtime = this.engine.existing(area.id, input.intervalStart.getTime());
    const base = { zone: input.zone, intervalStart: input.intervalStart };
    if (!runtime) return { ...base, phase: await this.storedPhase(area.id, input.intervalStart), bids: [], asks: [] };
    const book = runtime.state.book;
    return { ...base, phase: runtime.phase, bids: book.depth(input.zone, 'buy', input.levels), asks: book.depth(input.zone, 'sell', input.levels) };
  }

  @RpcHandler(MarketTrades)
  async tape(input: RpcRequest<typeof MarketTrades>): Promise<RpcResponse<typeof MarketTrades>> {
    await this.areas.areaOf(input.zone);
    const rows = await this.trades.tape(input.zone, input.intervalStart, input.afterSeq, input.limit);
    return {
      trades: rows.map((r) => ({
        seq: r.tradeSeq, sellerZone: r.sellerZone, buyerZone: r.buyerZone, energyWh: r.energyWh, priceMicroPerKwh: r.priceMicroPerKwh,
        gridFeeMicroPerKwh: r.gridFeeMicroPerKwh, executedAt: r.executedAt,
      })),
    };
  }

  private async statsHere(input: RpcRequest<typeof MarketStats>): Promise<RpcResponse<typeof MarketStats>> {
    const area = await this.areas.areaOf(input.zone);
    await this.engine.ready();
    // The phase first: a phase is shown only once its batch is stored, so trades read after it
    // include every trade of that phase (read the other way round, a gate closure stored in
    // between would show `closed` with the auction's trades missing).
    const runtime = this.engine.existing(area.id, input.intervalStart.getTime());
    const phase = runtime ? runtime.phase : await this.storedPhase(area.id, input.intervalStart);
    const s = await this.trades.stats(input.zone, input.intervalStart);
    const market = await this.prisma.energyMarket.findUnique({ where: { areaId_intervalStart: { areaId: area.id, intervalStart: input.intervalStart } } });
    const clearing = market?.clearing ? (JSON.parse(market.clearing) as { zone: string; clearingPriceMicroPerKwh: string | null }[]).find((c) => c.zone === input.zone) : undefined;
    return {
      zone: input.zone,
      intervalStart: input.intervalStart,
      phase,
      tradeCount: s.n,
      volumeWh: s.wh,
      lastPriceMicroPerKwh: s.last,
      volumeWeightedPriceMicroPerKwh: s.wh > 0n ? (s.value + s.wh / 2n) / s.wh : null,
      clearingPriceMicroPerKwh: clearing?.clearingPriceMicroPerKwh ? BigInt(clearing.clearingPriceMicroPerKwh) : null,
    };
  }

  private async flowsHere(input: RpcRequest<typeof MarketFlows>): Promise<RpcResponse<typeof MarketFlows>> {
    const area = (await this.areas.all()).find((a) => a.id === input.area);
    if (!area) throw new AppError(ErrorCode.NOT_FOUND, `area ${input.area} is not configured`);
    await this.engine.ready();
    type Market = { id: string; intervalStart: Date; phase: Phase; config: Pick<FrozenMarketConfig, 'zones' | 'transferCapacityWh'> };
    let markets: Market[];
    if (input.intervalStart === undefined) {
      markets = this.engine
        .all()
        .filter((r) => r.row.areaId === area.id && r.phase !== 'closed')
        .sort((a, b) => a.row.intervalStartMs - b.row.intervalStartMs)
        .slice(0, input.limit)
        .map((r) => ({ id: r.row.id, intervalStart: new Date(r.row.intervalStartMs), phase: r.phase, config: r.row.config }));
    } else {
      const at = input.intervalStart;
      const runtime = this.engine.existing(area.id, at.getTime());
      const row = runtime ? undefined : await this.prisma.energyMarket.findUnique({ where: { areaId_intervalStart: { areaId: area.id, intervalStart: at } } });
      if (runtime) markets = [{ id: runtime.row.id, intervalStart: at, phase: runtime.phase, config: runtime.row.config }];
      else if (row) markets = [{ id: row.id, intervalStart: at, phase: row.status === 'closed' ? 'closed' : 'pending', config: JSON.parse(row.config) as FrozenMarketConfig }];
      else {
        this.areas.times(area, at.getTime()); // refuses an interval off the area's grid
        markets = [{ id: '', intervalStart: at, phase: 'pending', config: this.areas.freeze(area, at.getTime()) }];
      }
    }
    const out = [];
    for (const m of markets) {
      const used = m.id === '' ? new Map<string, bigint>() : await this.trades.crossZoneWh(m.id, m.intervalStart);
      out.push({ intervalStart: m.intervalStart, phase: m.phase, links: marketLinks(m.config, used) });
    }
    return { area: area.id, zones: [...area.zones], markets: out };
  }

  private async storedPhase(areaId: string, intervalStart: Date): Promise<Phase> {
    const m = await this.prisma.energyMarket.findUnique({ where: { areaId_intervalStart: { areaId, intervalStart } }, select: { status: true } });
    return m?.status === 'closed' ? 'closed' : 'pending';
  }
}
