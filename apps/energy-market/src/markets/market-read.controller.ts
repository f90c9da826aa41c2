import { Controller } from '@nestjs/common';
import { MarketDepth, MarketStats, MarketTrades, type RpcRequest, type RpcResponse } from '@ampool/contracts';
import { PrismaClient } from '@ampool/persistence';
import { RpcHandler } from '@ampool/messaging';
import { AreasService } from '../areas/areas.service';
import { MarketEngine } from '../engine/market-engine.service';
import { TradesRepository } from '../trades/trades.repository';

type Phase = RpcResponse<typeof MarketDepth>['phase'];

/** Public read models: depth from the live book, the anonymous tape and statistics from the database. */
@Controller()
export class MarketReadController {
  constructor(
    private readonly areas: AreasService,
    private readonly engine: MarketEngine,
    private readonly trades: TradesRepository,
    private readonly prisma: PrismaClient,
  ) {}

  @RpcHandler(MarketDepth)
  async depth(input: RpcRequest<typeof MarketDepth>): Promise<RpcResponse<typeof MarketDepth>> {
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

  @RpcHandler(MarketStats)
  async stats(input: RpcRequest<typeof MarketStats>): Promise<RpcResponse<typeof MarketStats>> {
    const area = await this.areas.areaOf(input.zone);
    await this.engine.ready();
    const s = await this.trades.stats(input.zone, input.intervalStart);
    const market = await this.prisma.energyMarket.findUnique({ where: { areaId_intervalStart: { areaId: area.id, intervalStart: input.intervalStart } } });
    const clearing = market?.clearing ? (JSON.parse(market.clearing) as { zone: string; clearingPriceMicroPerKwh: string | null }[]).find((c) => c.zone === input.zone) : undefined;
    const runtime = this.engine.existing(area.id, input.intervalStart.getTime());
    return {
      zone: input.zone,
      intervalStart: input.intervalStart,
      phase: runtime ? runtime.phase : await this.storedPhase(area.id, input.intervalStart),
      tradeCount: s.n,
      volumeWh: s.wh,
      lastPriceMicroPerKwh: s.last,
      volumeWeightedPriceMicroPerKwh: s.wh > 0n ? (s.value + s.wh / 2n) / s.wh : null,
      clearingPriceMicroPerKwh: clearing?.clearingPriceMicroPerKwh ? BigInt(clearing.clearingPriceMicroPerKwh) : null,
    };
  }

  private async storedPhase(areaId: string, intervalStart: Date): Promise<Phase> {
    const m = await this.prisma.energyMarket.findUnique({ where: { areaId_intervalStart: { areaId, intervalStart } }, select: { status: true } });
    return m?.status === 'closed' ? 'closed' : 'pending';
  }
}
