import { Inject, Injectable } from '@nestjs/common';
import { AreaList, MarketDepth, MarketFlows, type AreaView, type LiveMarkets } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** The next open markets of each area the dashboard shows. */
export const MARKETS_PER_AREA = 2;
/** Price levels per book side: a ladder on a screen, not the whole book. */
export const DEPTH_LEVELS = 12;
/** Areas change rarely (an operator reconfigures them); their list is asked for this often. */
const AREAS_TTL_MS = 30_000;

/**
 * Reads the order books and transfer links of every area's next open markets through the
 * market's public read models, for the live stream. One snapshot costs one area list (cached),
 * one flows request per area and one depth request per zone and market, at most
 * LIVE_MARKETS_MAX_BOOKS of those: the zones past it are left out and the snapshot says so.
 */
@Injectable()
export class MarketWatch {
  private areas?: { atMs: number; list: AreaView[] };

  constructor(
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async snapshot(): Promise<LiveMarkets> {
    let books = this.config.LIVE_MARKETS_MAX_BOOKS;
    let truncated = false;
    const areas: LiveMarkets['areas'] = [];
    for (const area of await this.areaList()) {
      const flows = await this.rpc.request(MarketFlows, { area: area.id, limit: MARKETS_PER_AREA });
      const markets: LiveMarkets['areas'][number]['markets'] = [];
      for (const market of flows.markets) {
        const zones = flows.zones.slice(0, Math.max(0, books));
        books -= zones.length;
        if (zones.length < flows.zones.length) truncated = true;
        const depth = await Promise.all(zones.map((zone) => this.rpc.request(MarketDepth, { zone, intervalStart: market.intervalStart, levels: DEPTH_LEVELS })));
        markets.push({ ...market, depth: depth.map((d) => ({ zone: d.zone, bids: d.bids, asks: d.asks })) });
      }
      areas.push({ area: flows.area, zones: flows.zones, markets });
    }
    return { at: new Date(), areas, truncated };
  }

  private async areaList(): Promise<AreaView[]> {
    if (!this.areas || Date.now() - this.areas.atMs > AREAS_TTL_MS) this.areas = { atMs: Date.now(), list: (await this.rpc.request(AreaList, {})).areas };
    return this.areas.list;
  }
}
