import { ApiError, submitOrder, uploadReadings, type AmpoolClient, type OrderBody, type TradeWire } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import type { MeterReading } from '@ampool/metering';
import { householdOrders, SeededRandom, SimulatedHousehold, type KpiInput, type OrderIntent, type PriceBand } from '@ampool/simulation';
import type { OnboardedHousehold } from '../population/onboarding';
import { inPool } from '../support/pool';
import { untilKnown } from '../support/retry';


export interface MarketPlan {
  intervalMinutes: number;
  /** Households trade the interval that starts this many intervals after the current boundary. */
  leadIntervals: number;
  band: PriceBand;
}

/** What happened in the neighbourhood's market, as the API answered it. */
export interface NeighbourhoodStats {
  ordersAccepted: number;
  ordersRefused: Record<string, number>;
  trades: number;
  tradedWh: bigint;
  tradedMicro: bigint;
  readingsStored: number;
  readingsRefused: Record<string, number>;
  /** Per delivery interval: volume and value traded (for price and volume charts). */
  byInterval: Map<number, { wh: bigint; micro: bigint }>;
}

interface LocalTrade {
  boughtWh: bigint;
  boughtMicro: bigint;
  soldWh: bigint;
  soldMicro: bigint;
}

/**
 * The simulated neighbourhood driven through the public API: at every interval boundary each
 * household's physics runs for the interval that just ended (its meter registers move and the
 * meter signs the reading), and each household places signed orders for a coming interval
 * from its own forecast. Trades come back in the answers (every participant here is simulated,
 * so every trade is seen exactly once, by its taker); with the meters they give the KPIs.
 */
export class Neighbourhood {
  private readonly models: SimulatedHousehold[];
  private readonly byDid = new Map<string, OnboardedHousehold>();
  private readonly pending: MeterReading[][];
  private readonly local = new Map<number, Map<string, LocalTrade>>();
  /** Per interval and household index: energy sold to neighbours. */
  private readonly sold = new Map<number, Map<number, bigint>>();
  private readonly indexOf = new Map<string, number>();
  private readonly seenTrades = new Set<string>();
  private readonly random: SeededRandom;
  readonly kpiRows: KpiInput[] = [];
  readonly stats: NeighbourhoodStats = {
    ordersAccepted: 0, ordersRefused: {}, trades: 0, tradedWh: 0n, tradedMicro: 0n, readingsStored: 0, readingsRefused: {}, byInterval: new Map(),
  };

  constructor(
    private readonly client: AmpoolClient,
    private readonly households: readonly OnboardedHousehold[],
    private readonly plan: MarketPlan,
    seed: number,
    private readonly concurrency: number,
    startMs: number,
  ) {
    const root = new SeededRandom(seed);
    const weather = root.fork('weather');
    this.models = households.map((h) => new SimulatedHousehold(h.spec, weather, root.fork(`household-${h.spec.id}`)));
    this.random = root.fork('bidding');
    households.forEach((h, i) => {
      this.byDid.set(h.participant.did, h);
      this.indexOf.set(h.participant.did, i);
    });
    // Every meter starts from zero at the start of the run: the first interval has a reading on both sides.
    this.pending = households.map(() => [{ atMs: startMs, importWh: 0n, exportWh: 0n }]);
  }

  private get intervalMs(): number {
    return this.plan.intervalMinutes * 60_000;
  }

  /**
   * The work of one boundary: physics of the interval that ended at `boundaryMs`, meter uploads
   * (when `upload`), and orders for the interval `leadIntervals` ahead.
   */
  async atBoundary(boundaryMs: number, upload: boolean, physics = true): Promise<void> {
    if (physics) this.runPhysics(boundaryMs - this.intervalMs);
    if (upload) await this.uploadPending();
    await this.trade(boundaryMs + this.plan.leadIntervals * this.intervalMs);
  }

  /** Uploads what the meters have read and not yet sent (a meter that was offline sends its backlog). */
  async uploadPending(): Promise<void> {
    await inPool(this.households, this.concurrency, async (h, i) => {
      const readings = this.pending[i]!;
      if (readings.length === 0) return;
      try {
        const outcome = await untilKnown(() => uploadReadings(this.client, h.meter, readings));
        this.stats.readingsStored += outcome.stored;
        for (const r of outcome.refused) count(this.stats.readingsRefused, r.code);
        this.pending[i] = [];
      } catch (error) {
        count(this.stats.readingsRefused, codeOf(error));
        // Kept for the next upload: duplicates are idempotent, so a retry is always safe.
      }
    });
  }

  private runPhysics(startMs: number): void {
    const zones = new Map<string, KpiInput>();
    const local = this.local.get(startMs);
    this.local.delete(startMs);
    const sold = this.sold.get(startMs);
    this.sold.delete(startMs);
    this.models.forEach((model, i) => {
      const soldWh = sold?.get(i) ?? 0n;
      const step = model.step(startMs, this.plan.intervalMinutes, soldWh);
      const { importWh, exportWh } = model.registers;
      const soc = model.batterySocWh;
      this.pending[i]!.push({ atMs: startMs + this.intervalMs, importWh, exportWh, ...(soc === null ? {} : { socWh: soc }) });
      const zone = model.spec.zone;
      const row = zones.get(zone) ?? { zone, startMs, loadWh: 0n, pvWh: 0n, importWh: 0n, exportWh: 0n, boughtLocalWh: 0n, boughtLocalMicro: 0n, soldLocalWh: 0n, soldLocalMicro: 0n };
      row.loadWh += step.loadWh + step.evWh;
      row.pvWh += step.pvWh;
      row.importWh += step.importWh;
      row.exportWh += step.exportWh;
      // Only what the seller's meter shows as exported was delivered; the rest is a shortfall.
      row.soldLocalWh += step.exportWh < soldWh ? step.exportWh : soldWh;
      zones.set(zone, row);
    });
    for (const [zone, row] of zones) {
      const t = local?.get(zone);
      if (t) {
        // Bought locally cannot exceed what the zone drew from the grid; the rest came from the utility.
        row.boughtLocalWh = t.boughtWh < row.importWh ? t.boughtWh : row.importWh;
        row.boughtLocalMicro = t.boughtWh === 0n ? 0n : (t.boughtMicro * row.boughtLocalWh) / t.boughtWh;
        row.soldLocalMicro = t.soldWh === 0n ? 0n : (t.soldMicro * row.soldLocalWh) / t.soldWh;
      }
      this.kpiRows.push(row);
    }
  }

  private async trade(intervalStartMs: number): Promise<void> {
    const intervalStart = new Date(intervalStartMs).toISOString();
    const intents: { h: OnboardedHousehold; order: OrderIntent }[] = [];
    this.households.forEach((h, i) => {
      const model = this.models[i]!;
      const forecast = model.forecast(intervalStartMs, this.plan.intervalMinutes);
      const cap = h.seller ? (h.seller.powerW * BigInt(this.plan.intervalMinutes)) / 60n : 0n;
      for (const order of householdOrders(forecast, this.plan.band, this.random.fork(`${h.spec.id}-${intervalStartMs}`), cap)) intents.push({ h, order });
    });
    // Sellers first, so buyers arriving after them find offers resting in the book.
    intents.sort((a, b) => (a.order.side === b.order.side ? 0 : a.order.side === 'sell' ? -1 : 1));
    const sells = intents.filter((x) => x.order.side === 'sell');
    const buys = intents.filter((x) => x.order.side === 'buy');
    for (const batch of [sells, buys]) {
      await inPool(batch, this.concurrency, async ({ h, order }) => {
        try {
          const body = orderBody(h, order, intervalStart);
          const res = await untilKnown(() => submitOrder(this.client, { did: h.participant.did, key: h.participant.key }, body));
          this.stats.ordersAccepted++;
          for (const t of res.trades) this.recordTrade(t);
        } catch (error) {
          count(this.stats.ordersRefused, codeOf(error));
        }
      });
    }
  }

  private recordTrade(t: TradeWire): void {
    // A retried order answers with every trade of that order, some seen before from the other side.
    if (this.seenTrades.has(t.id)) return;
    this.seenTrades.add(t.id);
    const startMs = Date.parse(String(t.intervalStart));
    const wh = BigInt(t.energyWh as string);
    const micro = BigInt(t.valueMicro as string);
    this.stats.trades++;
    this.stats.tradedWh += wh;
    this.stats.tradedMicro += micro;
    const slot = this.stats.byInterval.get(startMs) ?? { wh: 0n, micro: 0n };
    slot.wh += wh;
    slot.micro += micro;
    this.stats.byInterval.set(startMs, slot);
    const zones = this.local.get(startMs) ?? new Map<string, LocalTrade>();
    this.local.set(startMs, zones);
    const side = (did: string) => {
      const zone = this.byDid.get(did)?.spec.zone;
      if (!zone) return undefined;
      const entry = zones.get(zone) ?? { boughtWh: 0n, boughtMicro: 0n, soldWh: 0n, soldMicro: 0n };
      zones.set(zone, entry);
      return entry;
    };
    const buyer = side(String(t.buyer));
    if (buyer) {
      buyer.boughtWh += wh;
      buyer.boughtMicro += micro;
    }
    const sellerIndex = this.indexOf.get(String(t.seller));
    if (sellerIndex !== undefined) {
      const perHousehold = this.sold.get(startMs) ?? new Map<number, bigint>();
      this.sold.set(startMs, perHousehold);
      perHousehold.set(sellerIndex, (perHousehold.get(sellerIndex) ?? 0n) + wh);
    }
    const seller = side(String(t.seller));
    if (seller) {
      seller.soldWh += wh;
      seller.soldMicro += micro;
    }
  }
}

/** The order as the energy market's API takes it: a sell names the device it sells from. */
export function orderBody(h: OnboardedHousehold, order: OrderIntent, intervalStart: string): OrderBody {
  return {
    id: uuidv7(),
    side: order.side,
    zone: h.spec.zone,
    intervalStart,
    quantityWh: order.quantityWh.toString(),
    limitPriceMicroPerKwh: order.limitPriceMicroPerKwh.toString(),
    ...(order.side === 'sell' && h.seller ? { device: h.seller.did } : {}),
  };
}

export function codeOf(error: unknown): string {
  if (error instanceof ApiError) return error.code ?? `HTTP_${error.status}`;
  return (error as Error)?.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK';
}

function count(into: Record<string, number>, code: string): void {
  into[code] = (into[code] ?? 0) + 1;
}
