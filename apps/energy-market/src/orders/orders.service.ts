import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AppError,
  asAppError,
  BatteryStateGet,
  DeviceGet,
  MAX_BATTERY_STATE_DEVICES,
  ErrorCode,
  OrderHoldPlace,
  OrderHoldRelease,
  OrderSubmit,
  ParticipantGet,
  MAX_ORDER_HOLDS_PER_REQUEST,
  type AreaView,
  type DeviceView,
  type JournalCommand,
  type OrderRequest,
  type OrderView,
  type TradeFacts,
  type TradeView,
} from '@ampool/contracts';
import { canonicalJson, sha256Hex } from '@ampool/crypto';
import { Clock } from '@ampool/domain';
import { MAX_QUANTITY_WH } from '@ampool/matching';
import { RpcClient } from '@ampool/messaging';
import { AreasService, type MarketTimes } from '../areas/areas.service';
import { MarketEngine } from '../engine/market-engine.service';
import { maxCostMicro, type CommandOutcome, type OrderState } from '../engine/market-state';
import { TradesRepository } from '../trades/trades.repository';
import { deviceLimitWh, type ReportedCharge } from './device-limit';
import { HoldCoalescer, type HoldRequest } from './hold-coalescer';
import { OrdersRepository, toOrderView, type OrderRow } from './orders.repository';

/** One order's answer. */
export type OrderResult =
  | { id: string; status: 'accepted'; order: OrderView; trades: TradeView[] }
  | { id: string; status: 'rejected'; code: ErrorCode; message: string };

interface Work {
  index: number;
  req: OrderRequest;
  hash: string;
  area?: AreaView;
  times?: MarketTimes;
  deviceLimitWh: bigint | null;
  holdMicro: bigint;
}

/** Refusals remembered so that a retry of a refused order gets the same answer. */
const REJECTED_MEMORY = 100_000;
/** How long identity's word that a participant is active is reused. */
const ACTIVE_FOR_MS = 15_000;
/** Device types that can sell energy. */
const SELLING_DEVICES = new Set(['battery', 'pv_inverter']);
/** The longest delivery interval an area may have. */
const MAX_INTERVAL_MS = 60 * 60_000;

function refuse(id: string, code: ErrorCode, message: string): OrderResult {
  return { id, status: 'rejected', code, message };
}

function errorResult(id: string, error: unknown): OrderResult {
  if (error instanceof AppError) return refuse(id, error.code, error.message);
  const e = error as { code?: string; message?: string };
  if (typeof e?.code === 'string' && e.code in ErrorCode) return refuse(id, e.code as ErrorCode, e.message ?? e.code);
  // A database or broker that is down is retryable (UPSTREAM_*); anything else is ours. Every
  // waiter still gets an answer, and no stack trace leaves.
  const known = asAppError(error, 'internal error; retry with the same id');
  return refuse(id, known.code, known.message);
}

export function stateToView(o: OrderState, intervalStartMs: number): OrderView {
  return {
    id: o.id, participant: o.participant, side: o.side, zone: o.zone, intervalStart: new Date(intervalStartMs), quantityWh: o.quantityWh,
    limitPriceMicroPerKwh: o.limitPriceMicroPerKwh, remainingWh: o.remainingWh, status: o.status, createdAt: new Date(o.createdAtMs),
    timeInForce: o.timeInForce, minFillWh: o.minFillWh, device: o.device, filledWh: o.filledWh,
  };
}

const tradeView = (t: TradeFacts): TradeView => ({ ...t, status: 'matched', holdTransferId: null, ledgerEntryHash: null });

/**
 * Accepts orders: checks them (market window and band, the participant, the selling device,
 * the buyer's money — a buy is accepted only once settlement holds its most possible cost),
 * then hands them to the market's engine, which journals, matches and stores them. Batches
 * share every round trip: one participant check, one request per device, one hold request,
 * one journal append and one transaction per market; concurrent single orders share hold
 * requests too (see {@link HoldCoalescer}).
 */
@Injectable()
export class OrdersService implements OnApplicationBootstrap {
  private readonly inflight = new Map<string, Promise<OrderResult & { hash: string }>>();
  private readonly rejected = new Map<string, { hash: string; code: ErrorCode; message: string }>();
  /**
   * Suspended and revoked participants, loaded at boot and kept current by the
   * participant-status consumer, so a suspension takes effect without asking identity.
   */
  private readonly blocked = new Set<string>();
  /** Participants identity said were active, and when (a suspension lands in `blocked` at once). */
  private readonly active = new Map<string, number>();
  /** Concurrent submissions share settlement round trips (and its transactions) for their holds. */
  private readonly holds = new HoldCoalescer((holds: HoldRequest[]) => this.rpc.request(OrderHoldPlace, { holds }).then((r) => r.results));

  constructor(
    private readonly orders: OrdersRepository,
    private readonly trades: TradesRepository,
    private readonly areas: AreasService,
    private readonly engine: MarketEngine,
    private readonly rpc: RpcClient,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshBlocked();
  }

  /** Reads the blocked participants from the database (at boot, and when this instance takes an area over). */
  async refreshBlocked(): Promise<void> {
    const stored = new Set(await this.orders.blockedParticipants());
    for (const did of stored) this.blocked.add(did);
    for (const did of this.blocked) if (!stored.has(did)) this.blocked.delete(did);
  }

  /** The id of the area a zone belongs to; null for a zone no area has (the order is then refused by the rules). */
  async areaIdOf(zone: string): Promise<string | null> {
    try {
      return (await this.areas.areaOf(zone)).id;
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.ZONE_UNKNOWN) return null;
      throw error;
    }
  }

  /** Stops accepting orders of a participant at once (before its open orders are cancelled). */
  block(did: string, blocked: boolean): void {
    this.active.delete(did);
    if (blocked) this.blocked.add(did);
    else this.blocked.delete(did);
  }

  async submit(participant: string, req: OrderRequest): Promise<{ order: OrderView; trades: TradeView[] }> {
    const [r] = await this.submitMany(participant, [req]);
    if (r!.status === 'rejected') throw new AppError(r!.code, r!.message);
    return { order: r!.order, trades: r!.trades };
  }

  async submitMany(participant: string, reqs: OrderRequest[]): Promise<OrderResult[]> {
    await this.engine.ready();
    const hashes = reqs.map((req) => sha256Hex(canonicalJson(OrderSubmit.request.encode({ ...req, participant }))));
    const results: (OrderResult | Promise<OrderResult & { hash: string }>)[] = new Array(reqs.length);
    const mine: Work[] = [];
    const settle = new Map<string, (r: OrderResult & { hash: string }) => void>();
    reqs.forEach((req, i) => {
      const running = this.inflight.get(req.id);
      if (running) {
        results[i] = running;
        return;
      }
      const p = new Promise<OrderResult & { hash: string }>((resolve) => settle.set(req.id, resolve));
      this.inflight.set(req.id, p);
      results[i] = p;
      mine.push({ index: i, req, hash: hashes[i]!, deviceLimitWh: null, holdMicro: 0n });
    });
    let own: Map<string, OrderResult>;
    try {
      own = await this.process(participant, mine);
    } catch (error) {
      own = new Map(mine.map((w) => [w.req.id, errorResult(w.req.id, error)]));
    } finally {
      for (const w of mine) this.inflight.delete(w.req.id);
    }
    for (const w of mine) settle.get(w.req.id)!({ ...own.get(w.req.id)!, hash: w.hash });
    return Promise.all(
      results.map(async (r, i) => {
        const x = await r;
        if ('hash' in x && x.hash !== hashes[i]) return refuse(reqs[i]!.id, ErrorCode.ID_CONFLICT, `order ${reqs[i]!.id} exists with a different body`);
        const { hash: _h, ...result } = x as OrderResult & { hash?: string };
        return result as OrderResult;
      }),
    );
  }

  private async process(participant: string, work: Work[]): Promise<Map<string, OrderResult>> {
    const results = new Map<string, OrderResult>();
    if (work.length === 0) return results;
    const done = (w: Work, r: OrderResult) => results.set(w.req.id, r);

    // A retry gets the first answer, even after the interval has closed.
    const existing = await this.orders.findByIds(work.map((w) => w.req.id));
    let open: Work[] = [];
    for (const w of work) {
      const row = existing.get(w.req.id);
      const refused = this.rejected.get(w.req.id);
      if (row) done(w, row.requestHash === w.hash ? await this.accepted(row) : refuse(w.req.id, ErrorCode.ID_CONFLICT, `order ${w.req.id} exists with a different body`));
      else if (refused && refused.hash === w.hash) done(w, refuse(w.req.id, refused.code, refused.message));
      else open.push(w);
    }
    if (open.length === 0) return results;

    const status = await this.statusOf(participant);
    if (status !== 'active') {
      for (const w of open) done(w, refuse(w.req.id, ErrorCode.PARTICIPANT_NOT_ACTIVE, `participant ${participant} is ${status}`));
      return results;
    }

    const now = this.clock.now();
    const checked: Work[] = [];
    for (const w of open) {
      try {
        await this.check(w, now);
        checked.push(w);
      } catch (error) {
        done(w, errorResult(w.req.id, error));
      }
    }
    open = await this.checkDevices(participant, checked, results);
    open = await this.placeHolds(participant, open, results);

    // Each market's orders go to its engine as one group, in request order.
    const byMarket = new Map<string, Work[]>();
    for (const w of open) {
      const key = `${w.area!.id}|${w.times!.intervalStartMs}`;
      byMarket.set(key, [...(byMarket.get(key) ?? []), w]);
    }
    await Promise.all(
      [...byMarket.values()].map(async (group) => {
        try {
          const runtime = await this.engine.market(group[0]!.area!, group[0]!.times!.intervalStartMs);
          const outcomes = await this.engine.execute(runtime, group.map((w) => this.command(participant, w)));
          for (let i = 0; i < group.length; i++) done(group[i]!, await this.answer(group[i]!, outcomes[i]!, runtime.row.intervalStartMs));
        } catch (error) {
          for (const w of group) done(w, errorResult(w.req.id, error));
          // The market closed before these orders reached its journal: their holds go back.
          // (After any other failure the orders may be in the journal; a retry with the same
          // id finds its hold in place.)
          if (error instanceof AppError && error.code === ErrorCode.INTERVAL_NOT_OPEN) await this.releaseHolds(participant, group);
        }
      }),
    );
    return results;
  }

  /**
   * Whether a participant may trade: blocked ones never; identity's "active" is reused for a
   * few seconds (pending participants are asked again every time, so an approval counts at once).
   */
  private async statusOf(participant: string): Promise<string> {
    if (this.blocked.has(participant)) return 'suspended';
    const seen = this.active.get(participant);
    const now = Date.now();
    if (seen !== undefined && now - seen < ACTIVE_FOR_MS) return 'active';
    const { participant: p } = await this.rpc.request(ParticipantGet, { did: participant });
    if (p.status === 'active' && !this.blocked.has(participant)) {
      if (this.active.size >= REJECTED_MEMORY) this.active.clear();
      this.active.set(participant, now);
    }
    return this.blocked.has(participant) ? 'suspended' : p.status;
  }

  /** The rules that need no other service: market window, band, quantities. */
  private async check(w: Work, now: number): Promise<void> {
    const { req } = w;
    w.area = await this.areas.areaOf(req.zone);
    w.times = this.areas.times(w.area, req.intervalStart.getTime());
    this.areas.checkOpen(w.times, now);
    if (req.limitPriceMicroPerKwh < w.area.feedInMicroPerKwh || req.limitPriceMicroPerKwh > w.area.retailMicroPerKwh) {
      throw new AppError(ErrorCode.PRICE_OUT_OF_BAND, `limitPriceMicroPerKwh must lie between the feed-in tariff ${w.area.feedInMicroPerKwh} and the retail price ${w.area.retailMicroPerKwh}`, {
        feedInMicroPerKwh: w.area.feedInMicroPerKwh.toString(),
        retailMicroPerKwh: w.area.retailMicroPerKwh.toString(),
      });
    }
    if (req.quantityWh > MAX_QUANTITY_WH) throw new AppError(ErrorCode.OUT_OF_RANGE, `quantityWh must be at most ${MAX_QUANTITY_WH}`);
    if (req.minFillWh !== undefined && req.minFillWh > req.quantityWh) throw new AppError(ErrorCode.OUT_OF_RANGE, 'minFillWh must not exceed quantityWh');
    if (req.side === 'sell' && req.device === undefined) throw new AppError(ErrorCode.DEVICE_NOT_OWNED, 'a sell order must name the device it sells from');
  }

  /**
   * A sell names a battery or PV inverter of the seller; it may sell at most what the device
   * can deliver in the interval (`deviceLimitWh`: power × interval length, and for a battery
   * the charge metering last saw above the reserve, less its sells for other intervals not yet
   * reflected in that charge), counting what it already sells there. The engine re-checks the
   * sum when it applies the order, in journal order.
   */
  private async checkDevices(participant: string, work: Work[], results: Map<string, OrderResult>): Promise<Work[]> {
    const dids = [...new Set(work.filter((w) => w.req.side === 'sell').map((w) => w.req.device!))];
    const devices = new Map<string, DeviceView | null>();
    await Promise.all(
      dids.map(async (did) => {
        try {
          devices.set(did, (await this.rpc.request(DeviceGet, { did })).device);
        } catch (error) {
          if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) devices.set(did, null);
          else throw error;
        }
      }),
    );
    const usable = (d: DeviceView | null | undefined): d is DeviceView => !!d && d.owner === participant && d.status === 'active' && SELLING_DEVICES.has(d.type);
    const batteries = [...devices.values()].filter((d): d is DeviceView => usable(d) && d.type === 'battery').map((d) => d.did);
    const charge = await this.batteryCharge(batteries);
    const soldElsewhere = await this.soldElsewhere(batteries, charge);
    const out: Work[] = [];
    for (const w of work) {
      if (w.req.side !== 'sell') {
        out.push(w);
        continue;
      }
      const d = devices.get(w.req.device!);
      if (!usable(d)) {
        results.set(w.req.id, refuse(w.req.id, ErrorCode.DEVICE_NOT_OWNED, `device ${w.req.device} is not an active battery or PV inverter of ${participant}`));
        continue;
      }
      const marketKey = `${w.area!.id}|${w.times!.intervalStartMs}`;
      const elsewhere = d.type === 'battery' ? (soldElsewhere.get(d.did) ?? []).filter((s) => s.market !== marketKey).reduce((sum, s) => sum + s.wh, 0n) : 0n;
      const limit = deviceLimitWh(d, w.area!.intervalMinutes, charge.get(d.did) ?? null, elsewhere);
      const sold = this.engine.existing(w.area!.id, w.times!.intervalStartMs)?.state.soldByDevice(d.did) ?? 0n;
      if (sold + w.req.quantityWh > limit) {
        results.set(w.req.id, refuse(w.req.id, ErrorCode.DEVICE_CANNOT_DELIVER, `device ${d.did} can deliver ${limit} Wh in this interval and already sells ${sold} Wh`));
        continue;
      }
      w.deviceLimitWh = limit;
      out.push(w);
    }
    return out;
  }

  /** Each battery's last reported state of charge, from metering (absent: never reported). */
  private async batteryCharge(batteries: string[]): Promise<Map<string, ReportedCharge>> {
    const charge = new Map<string, ReportedCharge>();
    for (let i = 0; i < batteries.length; i += MAX_BATTERY_STATE_DEVICES) {
      const { states } = await this.rpc.request(BatteryStateGet, { devices: batteries.slice(i, i + MAX_BATTERY_STATE_DEVICES) });
      for (const s of states) if (s.socWh !== null && s.at !== null) charge.set(s.device, { socWh: s.socWh, atMs: s.at.getTime() });
    }
    return charge;
  }

  /**
   * What each battery sells in markets whose delivery ends after its last report (or, without
   * a report, after now): open markets from memory (resting sells count), markets past gate
   * closure from the database (what was filled).
   */
  private async soldElsewhere(batteries: string[], charge: Map<string, ReportedCharge>): Promise<Map<string, { market: string; wh: bigint }[]>> {
    const sold = new Map<string, { market: string; wh: bigint }[]>();
    if (batteries.length === 0) return sold;
    const now = this.clock.now();
    const since = (did: string) => charge.get(did)?.atMs ?? now;
    const add = (did: string, market: string, wh: bigint) => {
      if (wh > 0n) sold.set(did, [...(sold.get(did) ?? []), { market, wh }]);
    };
    const inMemory = new Set<string>();
    for (const runtime of this.engine.all()) {
      inMemory.add(runtime.row.id);
      const endMs = runtime.row.intervalStartMs + runtime.row.config.intervalMinutes * 60_000;
      const market = `${runtime.row.areaId}|${runtime.row.intervalStartMs}`;
      for (const did of batteries) if (endMs > since(did)) add(did, market, runtime.state.soldByDevice(did));
    }
    const earliest = Math.min(...batteries.map(since)) - MAX_INTERVAL_MS;
    for (const r of await this.orders.soldByDevices(batteries, earliest)) {
      if (inMemory.has(r.marketId) || r.intervalStartMs + r.intervalMinutes * 60_000 <= since(r.device)) continue;
      add(r.device, `${r.areaId}|${r.intervalStartMs}`, r.filledWh);
    }
    return sold;
  }

  /** Buys are accepted only with their most possible cost held by settlement. */
  private async placeHolds(participant: string, work: Work[], results: Map<string, OrderResult>): Promise<Work[]> {
    const buys = work.filter((w) => w.req.side === 'buy');
    for (const w of buys) w.holdMicro = maxCostMicro(w.req.limitPriceMicroPerKwh, w.req.quantityWh);
    const refused = new Set<string>();
    for (let i = 0; i < buys.length; i += MAX_ORDER_HOLDS_PER_REQUEST) {
      const chunk = buys.slice(i, i + MAX_ORDER_HOLDS_PER_REQUEST);
      try {
        const held = await this.holds.place(chunk.map((w) => ({ orderId: w.req.id, payer: participant, amountMicro: w.holdMicro })));
        held.forEach((h, j) => {
          if (h.status === 'held') return;
          const id = chunk[j]!.req.id;
          refused.add(id);
          const code = h.code === 'INSUFFICIENT_FUNDS' ? ErrorCode.INSUFFICIENT_FUNDS : h.code === 'ACCOUNT_UNKNOWN' ? ErrorCode.INSUFFICIENT_FUNDS : ErrorCode.ID_CONFLICT;
          const message =
            code === ErrorCode.INSUFFICIENT_FUNDS
              ? `holding ${chunk[j]!.holdMicro} µ for this order needs more than the ${h.availableMicro ?? 0n} µ available`
              : `order id ${id} was used before`;
          results.set(id, refuse(id, code, message));
        });
      } catch (error) {
        // Settlement did not answer: the order is refused, never accepted unfunded.
        for (const w of chunk) {
          refused.add(w.req.id);
          results.set(w.req.id, errorResult(w.req.id, error));
        }
      }
    }
    return work.filter((w) => !refused.has(w.req.id));
  }

  private async releaseHolds(participant: string, work: Work[]): Promise<void> {
    const buys = work.filter((w) => w.holdMicro > 0n);
    if (buys.length === 0) return;
    await this.rpc
      .request(OrderHoldRelease, { releases: buys.map((w) => ({ orderId: w.req.id, payer: participant, keepMicro: 0n })) })
      .catch(() => undefined);
  }

  private command(participant: string, w: Work): JournalCommand {
    const r = w.req;
    return {
      type: 'submit', orderId: r.id, participant, zone: r.zone, side: r.side, quantityWh: r.quantityWh, limitPriceMicroPerKwh: r.limitPriceMicroPerKwh,
      timeInForce: r.timeInForce, minFillWh: r.minFillWh ?? null, device: r.device ?? null, deviceLimitWh: w.deviceLimitWh, requestHash: w.hash, holdMicro: w.holdMicro,
    };
  }

  private async answer(w: Work, outcome: CommandOutcome, intervalStartMs: number): Promise<OrderResult> {
    if (outcome.type !== 'order') throw new AppError(ErrorCode.INTERNAL, 'unexpected engine outcome');
    if (outcome.status === 'accepted') return { id: w.req.id, status: 'accepted', order: stateToView(outcome.order, intervalStartMs), trades: outcome.trades.map(tradeView) };
    if (outcome.status === 'rejected') {
      this.remember(w.req.id, w.hash, outcome.code, outcome.message);
      return refuse(w.req.id, outcome.code, outcome.message);
    }
    const row = await this.orders.findById(w.req.id);
    if (!row) throw new AppError(ErrorCode.INTERNAL, `order ${w.req.id} was journaled twice but is not stored`);
    return row.requestHash === w.hash ? this.accepted(row) : refuse(w.req.id, ErrorCode.ID_CONFLICT, `order ${w.req.id} exists with a different body`);
  }

  private remember(id: string, hash: string, code: ErrorCode, message: string): void {
    if (this.rejected.size >= REJECTED_MEMORY) this.rejected.delete(this.rejected.keys().next().value!);
    this.rejected.set(id, { hash, code, message });
  }

  async accepted(row: OrderRow): Promise<OrderResult> {
    return { id: row.id, status: 'accepted', order: toOrderView(row), trades: await this.trades.findByOrder(row.id) };
  }
}
