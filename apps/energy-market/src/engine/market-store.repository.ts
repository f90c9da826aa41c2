import { Injectable } from '@nestjs/common';
import { MarketClosed, OrderCancelled, OrderClosed } from '@ampool/contracts';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { PrismaClient } from '@ampool/persistence';
import { orderAcceptedRow, orderClosedRow, tradeExecutedRow } from './fast-wire';
import type { BatchOutcome, FrozenMarketConfig, MarketStateSnapshot, OrderState } from './market-state';

/** A market row as the engine needs it. */
export interface MarketRow {
  id: string;
  areaId: string;
  intervalStartMs: number;
  config: FrozenMarketConfig;
  callAtMs: number | null;
  gateClosureAtMs: number;
  status: 'open' | 'closed';
  appliedSeq: number;
}

function toMarketRow(r: Awaited<ReturnType<PrismaClient['energyMarket']['findFirstOrThrow']>>): MarketRow {
  return {
    id: r.id,
    areaId: r.areaId,
    intervalStartMs: r.intervalStart.getTime(),
    config: JSON.parse(r.config) as FrozenMarketConfig,
    callAtMs: r.callAt?.getTime() ?? null,
    gateClosureAtMs: r.gateClosureAt.getTime(),
    status: r.status as MarketRow['status'],
    appliedSeq: Number(r.appliedSeq),
  };
}

/**
 * The markets' durable side: market rows (frozen configuration, how far the journal has been
 * applied), book snapshots, and each journal batch's results — orders, trades and their
 * events — written in one transaction together with the new `applied_seq`, so a batch's
 * results are stored exactly once however often it is replayed.
 */
@Injectable()
export class MarketStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly uow: UnitOfWork,
  ) {}

  /** Creates the market row unless it exists; returns the stored row (its config wins). */
  async open(m: Omit<MarketRow, 'status' | 'appliedSeq'>): Promise<MarketRow> {
    await this.prisma.energyMarket.createMany({
      data: [{
        id: m.id, areaId: m.areaId, intervalStart: new Date(m.intervalStartMs), config: JSON.stringify(m.config),
        callAt: m.callAtMs === null ? null : new Date(m.callAtMs), gateClosureAt: new Date(m.gateClosureAtMs),
      }],
      skipDuplicates: true,
    });
    return toMarketRow(await this.prisma.energyMarket.findUniqueOrThrow({ where: { id: m.id } }));
  }

  async find(id: string): Promise<MarketRow | null> {
    const r = await this.prisma.energyMarket.findUnique({ where: { id } });
    return r ? toMarketRow(r) : null;
  }

  /** An area's markets still trading (at most a few hundred: the trading window). */
  async openMarkets(areaId: string): Promise<MarketRow[]> {
    return (await this.prisma.energyMarket.findMany({ where: { status: 'open', areaId }, orderBy: { gateClosureAt: 'asc' }, take: 10_000 })).map(toMarketRow);
  }

  async snapshot(marketId: string): Promise<{ seq: number; state: MarketStateSnapshot } | null> {
    const r = await this.prisma.energyBookSnapshot.findUnique({ where: { marketId } });
    return r ? { seq: Number(r.seq), state: JSON.parse(r.state) as MarketStateSnapshot } : null;
  }

  /**
   * Stores a journal batch's results, unless a batch at or after `seq` is already stored.
   * Returns whether it stored them.
   */
  async persist(market: MarketRow, seq: number, batch: number, at: Date, out: BatchOutcome, snapshot: MarketStateSnapshot | null): Promise<boolean> {
    return this.uow.run(async (tx, emit) => {
      const closed = out.gate !== undefined;
      const clearing = out.gate
        ? JSON.stringify(out.gate.clearings.map((c) => ({ zone: c.zoneId, clearingPriceMicroPerKwh: c.clearingPriceMicroPerKwh?.toString() ?? null, volumeWh: c.volumeWh.toString() })))
        : null;
      const n = await tx.$executeRawUnsafe(
        `UPDATE energy.market SET applied_seq = $2, applied_batches = $3,
           status = CASE WHEN $4 THEN 'closed' ELSE status END, clearing = COALESCE($5, clearing)
         WHERE id = $1 AND applied_seq < $2`,
        market.id, seq, batch, closed, clearing,
      );
      if (n === 0) return false;
      await this.upsertOrders(tx, market, out.changed);
      await this.insertTrades(tx, market.id, out);
      if (snapshot) {
        const state = JSON.stringify(snapshot);
        await tx.energyBookSnapshot.upsert({ where: { marketId: market.id }, create: { marketId: market.id, seq, batches: batch, state, takenAt: at }, update: { seq, batches: batch, state, takenAt: at } });
      }
      const intervalStart = new Date(market.intervalStartMs);
      // The hot events go through the hand-written encoders (fast-wire.ts).
      for (const o of out.accepted) {
        emit(orderAcceptedRow({
          orderId: o.id, participant: o.participant, side: o.side, zone: o.zone, intervalStart, quantityWh: o.quantityWh,
          limitPriceMicroPerKwh: o.limitPriceMicroPerKwh, timeInForce: o.timeInForce, at,
        }, at));
      }
      for (const t of out.trades) emit(tradeExecutedRow(t, at));
      for (const c of out.cancelled) emit(outboxEvent(OrderCancelled, { orderId: c.order.id, participant: c.order.participant, cancelledWh: c.cancelledWh, reason: c.reason, at }, 'energy'));
      for (const c of out.closed) {
        emit(orderClosedRow({ orderId: c.order.id, participant: c.order.participant, side: c.order.side, reason: c.reason, filledWh: c.order.filledWh, filledCostMicro: c.order.filledCostMicro, at }, at));
      }
      for (const r of out.released) {
        emit(outboxEvent(OrderClosed, { orderId: r.orderId, participant: r.participant, side: 'buy', reason: 'rejected', filledWh: 0n, filledCostMicro: 0n, at }, 'energy'));
      }
      if (out.gate) {
        const traded = new Map<string, bigint>();
        for (const t of out.trades) traded.set(t.buyerZone, (traded.get(t.buyerZone) ?? 0n) + t.energyWh);
        const tradedBefore = await tx.$queryRawUnsafe<{ zone: string; wh: bigint }[]>(
          `SELECT buyer_zone AS zone, sum(energy_wh)::bigint AS wh FROM energy.trade WHERE market_id = $1 GROUP BY buyer_zone`,
          market.id,
        );
        const tradedWh = new Map(tradedBefore.map((r) => [r.zone, r.wh]));
        emit(outboxEvent(MarketClosed, {
          area: market.areaId,
          intervalStart,
          zones: out.gate.clearings.map((c) => ({
            zone: c.zoneId,
            clearingPriceMicroPerKwh: c.clearingPriceMicroPerKwh,
            auctionVolumeWh: c.volumeWh,
            tradedWh: tradedWh.get(c.zoneId) ?? 0n,
            unmatchedBuyWh: out.gate!.unmatched.get(c.zoneId)?.buyWh ?? 0n,
            unmatchedSellWh: out.gate!.unmatched.get(c.zoneId)?.sellWh ?? 0n,
          })).concat(
            out.gate.clearings.length === 0
              ? market.config.zones.map((zone) => ({
                  zone, clearingPriceMicroPerKwh: null, auctionVolumeWh: 0n, tradedWh: tradedWh.get(zone) ?? 0n,
                  unmatchedBuyWh: out.gate!.unmatched.get(zone)?.buyWh ?? 0n, unmatchedSellWh: out.gate!.unmatched.get(zone)?.sellWh ?? 0n,
                }))
              : [],
          ),
          closedAt: at,
        }, 'energy'));
      }
      return true;
    });
  }

  private async upsertOrders(tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0], market: MarketRow, orders: OrderState[]): Promise<void> {
    if (orders.length === 0) return;
    const col = <T>(f: (o: OrderState) => T) => orders.map(f);
    await tx.$executeRawUnsafe(
      `INSERT INTO energy."order" AS o (id, participant, side, zone, interval_start, quantity_wh, limit_price_micro_per_kwh, remaining_wh, status,
                                      request_hash, created_at, market_id, time_in_force, min_fill_wh, device, filled_wh, filled_cost_micro, hold_micro)
       SELECT x.id, x.participant, x.side, x.zone, $1::timestamptz, x.q, x.p, x.r, x.status, x.h, x.created, $2, x.tif, x.mf, x.device, x.f, x.fc, x.hold
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[],
                   $12::timestamptz[], $13::text[], $14::bigint[], $15::text[], $16::bigint[], $17::bigint[], $18::bigint[])
         AS x(id, participant, side, zone, q, p, r, status, h, created, tif, mf, device, f, fc, hold)
       ON CONFLICT (id) DO UPDATE SET quantity_wh = EXCLUDED.quantity_wh, limit_price_micro_per_kwh = EXCLUDED.limit_price_micro_per_kwh,
         remaining_wh = EXCLUDED.remaining_wh, status = EXCLUDED.status, filled_wh = EXCLUDED.filled_wh,
         filled_cost_micro = EXCLUDED.filled_cost_micro, hold_micro = EXCLUDED.hold_micro`,
      new Date(market.intervalStartMs),
      market.id,
      col((o) => o.id),
      col((o) => o.participant),
      col((o) => o.side),
      col((o) => o.zone),
      col((o) => o.quantityWh.toString()),
      col((o) => o.limitPriceMicroPerKwh.toString()),
      col((o) => o.remainingWh.toString()),
      col((o) => o.status),
      col((o) => o.requestHash),
      col((o) => new Date(o.createdAtMs)),
      col((o) => o.timeInForce),
      col((o) => (o.minFillWh === null ? null : o.minFillWh.toString())),
      col((o) => o.device),
      col((o) => o.filledWh.toString()),
      col((o) => o.filledCostMicro.toString()),
      col((o) => o.holdMicro.toString()),
    );
  }

  private async insertTrades(tx: Parameters<Parameters<UnitOfWork['run']>[0]>[0], marketId: string, out: BatchOutcome): Promise<void> {
    const t = out.trades;
    if (t.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO energy.trade (id, buy_order_id, sell_order_id, buyer, seller, zone, interval_start, energy_wh, price_micro_per_kwh, value_micro,
                                 executed_at, market_id, trade_seq, seller_zone, buyer_zone, grid_fee_micro_per_kwh, buyer_cost_micro)
       SELECT id, b, s, buyer, seller, bz, i, e, p, v, at, $1, seq, sz, bz, fee, cost
       FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::bigint[], $11::bigint[],
                   $12::bigint[], $13::timestamptz[], $14::int[], $15::bigint[], $16::bigint[])
         AS x(id, b, s, buyer, seller, sz, bz, i, e, p, v, at, seq, fee, cost)
       ON CONFLICT (id) DO NOTHING`,
      marketId,
      t.map((x) => x.id),
      t.map((x) => x.buyOrderId),
      t.map((x) => x.sellOrderId),
      t.map((x) => x.buyer),
      t.map((x) => x.seller),
      t.map((x) => x.sellerZone),
      t.map((x) => x.buyerZone),
      t.map((x) => x.intervalStart),
      t.map((x) => x.energyWh.toString()),
      t.map((x) => x.priceMicroPerKwh.toString()),
      t.map((x) => x.valueMicro.toString()),
      t.map((x) => x.executedAt),
      out.tradeSeqs,
      t.map((x) => x.gridFeeMicroPerKwh.toString()),
      t.map((x) => x.buyerCostMicro.toString()),
    );
  }
}
