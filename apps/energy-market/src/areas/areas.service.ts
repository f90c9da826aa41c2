import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type AreaConfig, type AreaView } from '@ampool/contracts';
import { Clock } from '@ampool/domain';
import { UnitOfWork } from '@ampool/messaging';
import type { FrozenMarketConfig } from '../engine/market-state';
import { AreasRepository } from './areas.repository';

/** When a market (area, interval) trades. */
export interface MarketTimes {
  intervalStartMs: number;
  opensAtMs: number;
  /** The closing call begins (continuous-then-auction with a call phase), else null. */
  callAtMs: number | null;
  gateClosureAtMs: number;
}

/** Longest time a cached area configuration is used before it is read again. */
const AREA_CACHE_MS = 5_000;
/** A zone no area has is looked up again in the database at most this often. */
const AREA_MISS_RELOAD_MS = 250;

/**
 * Operator-configured areas: which zones share a book, the interval length, the trading
 * window and gate closure, the price band (the utility's feed-in tariff and retail price),
 * grid fees and transfer capacities between zones, and the matching mode. Configuration is
 * cached in memory: reloaded on every change made through this instance, at most
 * `AREA_CACHE_MS` old otherwise (a change made through another instance), and looked up again
 * when a zone is not found (an area another instance just created).
 */
@Injectable()
export class AreasService {
  private cache: Promise<Map<string, AreaView>> | null = null;
  private loadedAtMs = 0;

  constructor(
    private readonly repo: AreasRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async configure(area: AreaConfig, actor: string): Promise<AreaView> {
    if (area.feedInMicroPerKwh < 1000n) {
      // Below 500 µ/kWh a 1 Wh fill rounds to a value of zero; 1,000 keeps a margin.
      throw new AppError(ErrorCode.OUT_OF_RANGE, 'feedInMicroPerKwh must be at least 1000');
    }
    await this.uow.run((tx) => this.repo.upsert(tx, area, actor, new Date(this.clock.now())));
    this.cache = null;
    return (await this.all()).find((a) => a.id === area.id)!;
  }

  async all(): Promise<AreaView[]> {
    return [...(await this.byZone()).values()].filter((a, i, list) => list.findIndex((b) => b.id === a.id) === i).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The area a zone belongs to; ZONE_UNKNOWN when none. */
  async areaOf(zone: string): Promise<AreaView> {
    let area = (await this.byZone()).get(zone);
    if (!area && Date.now() - this.loadedAtMs > AREA_MISS_RELOAD_MS) {
      this.cache = null;
      area = (await this.byZone()).get(zone);
    }
    if (!area) throw new AppError(ErrorCode.ZONE_UNKNOWN, `zone ${zone} is not part of any configured area`);
    return area;
  }

  /** The trading window of an interval in an area; INTERVAL_NOT_OPEN when misaligned. */
  times(area: AreaView, intervalStartMs: number): MarketTimes {
    const lengthMs = area.intervalMinutes * 60_000;
    if (intervalStartMs % lengthMs !== 0) {
      throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, `intervalStart must be on a ${area.intervalMinutes}-minute boundary (UTC) in area ${area.id}`);
    }
    const gateClosureAtMs = intervalStartMs - area.gateClosureMinutes * 60_000;
    const callAtMs = area.mode === 'continuous-then-auction' && area.closingCallMinutes > 0 ? gateClosureAtMs - area.closingCallMinutes * 60_000 : null;
    return { intervalStartMs, opensAtMs: intervalStartMs - area.openAheadMinutes * 60_000, callAtMs, gateClosureAtMs };
  }

  /** Refuses an interval outside its trading window. */
  checkOpen(times: MarketTimes, nowMs: number): void {
    if (nowMs >= times.gateClosureAtMs) throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, 'the interval has passed gate closure');
    if (nowMs < times.opensAtMs) throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, 'the interval is not open for trading yet');
  }

  /** The configuration a market freezes when it opens. */
  freeze(area: AreaView, intervalStartMs: number): Omit<FrozenMarketConfig, 'journal'> {
    const pair = new Map(area.pairs.map((p) => [`${p.from}>${p.to}`, p]));
    const fees: string[] = [];
    const caps: (string | null)[] = [];
    for (const s of area.zones) {
      for (const b of area.zones) {
        const p = pair.get(`${s}>${b}`);
        fees.push((p?.gridFeeMicroPerKwh ?? 0n).toString());
        // Within a zone nothing is transferred; an unlisted pair of zones cannot trade.
        caps.push(s === b ? null : p ? (p.transferCapacityWh === null ? null : p.transferCapacityWh.toString()) : '0');
      }
    }
    return {
      area: area.id,
      intervalStartMs,
      intervalMinutes: area.intervalMinutes,
      mode: area.mode,
      zones: [...area.zones],
      feedInMicroPerKwh: area.feedInMicroPerKwh.toString(),
      retailMicroPerKwh: area.retailMicroPerKwh.toString(),
      gridFeesMicroPerKwh: fees,
      transferCapacityWh: caps,
    };
  }

  private byZone(): Promise<Map<string, AreaView>> {
    if (this.cache && Date.now() - this.loadedAtMs > AREA_CACHE_MS) this.cache = null;
    if (!this.cache) {
      this.loadedAtMs = Date.now();
      const loading = this.repo.list().then((areas) => new Map(areas.flatMap((a) => a.zones.map((z) => [z, a] as const))));
      // A failed load is not kept: the next caller tries again.
      loading.catch(() => {
        if (this.cache === loading) this.cache = null;
      });
      this.cache = loading;
    }
    return this.cache;
  }
}
