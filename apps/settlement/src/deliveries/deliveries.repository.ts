import { Injectable } from '@nestjs/common';
import type { Tx } from '@ampool/persistence';

/** A trade of the energy market as settlement keeps it. */
export interface EnergyTradeRow {
  tradeId: string;
  eventId: string;
  buyer: string;
  seller: string;
  intervalStart: Date;
  energyWh: bigint;
  priceMicroPerKwh: bigint;
  valueMicro: bigint;
  /** The market's grid fee and the buyer's total; null for trades recorded before trades carried them. */
  gridFeeMicroPerKwh: bigint | null;
  buyerCostMicro: bigint | null;
  executedAt: Date;
  state: 'open' | 'settled' | 'unfunded';
  deliveredWh: bigint | null;
}

/** A seller's finalized interval. */
export interface EnergyIntervalRow {
  seller: string;
  intervalStart: Date;
  intervalEnd: Date;
  device: string;
  revision: number;
  quality: 'measured' | 'estimated' | 'anomalous';
  exportWh: bigint;
  state: 'waiting' | 'settled';
}

/** How one trade settled. */
export interface TradeOutcome {
  tradeId: string;
  state: 'settled' | 'unfunded';
  rule: 'measured' | 'undelivered' | null;
  deliveredWh: bigint | null;
  shortfallWh: bigint | null;
  sellerReceivesMicro: bigint | null;
  platformFeeMicro: bigint | null;
  gridFeeMicro: bigint | null;
  utilityFromBuyerMicro: bigint | null;
  sellerPenaltyMicro: bigint | null;
  penaltyUnpaidMicro: bigint | null;
}

/** `settlement.energy_trade` and `settlement.energy_interval`. */
@Injectable()
export class DeliveriesRepository {
  /** Records a trade once (a redelivered trade event changes nothing). Returns whether it was new. */
  async insertTrade(tx: Tx, t: Omit<EnergyTradeRow, 'state' | 'deliveredWh'> & { zone: string }): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `INSERT INTO settlement.energy_trade (trade_id, event_id, buyer, seller, zone, interval_start, energy_wh, price_micro_per_kwh, value_micro, executed_at, grid_fee_micro_per_kwh, buyer_cost_micro)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (trade_id) DO NOTHING`,
      t.tradeId, t.eventId, t.buyer, t.seller, t.zone, t.intervalStart, t.energyWh, t.priceMicroPerKwh, t.valueMicro, t.executedAt, t.gridFeeMicroPerKwh, t.buyerCostMicro,
    );
    return n === 1;
  }

  /** A settled interval that learns of a trade after it was settled goes back to waiting. */
  async reopenInterval(tx: Tx, seller: string, intervalStart: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE settlement.energy_interval SET state = 'waiting' WHERE seller = $1 AND interval_start = $2 AND state = 'settled'`,
      seller,
      intervalStart,
    );
  }

  /**
   * Records metering's word on an interval: the first report creates the row; a later revision
   * of the same device replaces it while the interval still waits. Once settled, money does not
   * move again for a correction.
   */
  async upsertInterval(tx: Tx, i: Omit<EnergyIntervalRow, 'state'>, receivedAt: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.energy_interval AS e (seller, interval_start, interval_end, device, revision, quality, export_wh, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (seller, interval_start) DO UPDATE SET revision = EXCLUDED.revision, quality = EXCLUDED.quality,
         export_wh = EXCLUDED.export_wh, received_at = EXCLUDED.received_at
       WHERE e.state = 'waiting' AND e.device = EXCLUDED.device AND EXCLUDED.revision > e.revision`,
      i.seller, i.intervalStart, i.intervalEnd, i.device, i.revision, i.quality, i.exportWh, receivedAt,
    );
  }

  async lockInterval(tx: Tx, seller: string, intervalStart: Date): Promise<EnergyIntervalRow | undefined> {
    const [r] = await tx.$queryRawUnsafe<{ seller: string; interval_start: Date; interval_end: Date; device: string; revision: number; quality: EnergyIntervalRow['quality']; export_wh: bigint; state: EnergyIntervalRow['state'] }[]>(
      `SELECT seller, interval_start, interval_end, device, revision, quality, export_wh, state
       FROM settlement.energy_interval WHERE seller = $1 AND interval_start = $2 FOR UPDATE`,
      seller,
      intervalStart,
    );
    return r && { seller: r.seller, intervalStart: r.interval_start, intervalEnd: r.interval_end, device: r.device, revision: r.revision, quality: r.quality, exportWh: r.export_wh, state: r.state };
  }

  /** Every trade of a seller in an interval, locked. */
  async lockTrades(tx: Tx, seller: string, intervalStart: Date): Promise<EnergyTradeRow[]> {
    const rows = await tx.$queryRawUnsafe<
      { trade_id: string; event_id: string; buyer: string; seller: string; interval_start: Date; energy_wh: bigint; price: bigint; value_micro: bigint; grid_fee: bigint | null; buyer_cost: bigint | null; executed_at: Date; state: EnergyTradeRow['state']; delivered_wh: bigint | null }[]
    >(
      `SELECT trade_id::text, event_id::text, buyer, seller, interval_start, energy_wh, price_micro_per_kwh AS price, value_micro,
              grid_fee_micro_per_kwh AS grid_fee, buyer_cost_micro AS buyer_cost, executed_at, state, delivered_wh
       FROM settlement.energy_trade WHERE seller = $1 AND interval_start = $2 ORDER BY executed_at, trade_id FOR UPDATE`,
      seller,
      intervalStart,
    );
    return rows.map((r) => ({
      tradeId: r.trade_id, eventId: r.event_id, buyer: r.buyer, seller: r.seller, intervalStart: r.interval_start, energyWh: r.energy_wh,
      priceMicroPerKwh: r.price, valueMicro: r.value_micro, gridFeeMicroPerKwh: r.grid_fee, buyerCostMicro: r.buyer_cost, executedAt: r.executed_at, state: r.state, deliveredWh: r.delivered_wh,
    }));
  }

  /**
   * Of these trade events, the ones whose hold is decided: the hold consumer has handled them
   * (so a missing hold was refused), or settlement recorded the trade more than `waitMs` ago
   * (real time) and no hold ever came.
   */
  async holdsDecided(tx: Tx, holdConsumer: string, tradeConsumer: string, eventIds: string[], waitMs: number): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT e.id::text AS id FROM unnest($2::uuid[]) AS e(id)
       WHERE EXISTS (SELECT 1 FROM settlement.processed_event p WHERE p.consumer = $1 AND p.event_id = e.id)
          OR EXISTS (SELECT 1 FROM settlement.processed_event p WHERE p.consumer = $3 AND p.event_id = e.id
                     AND p.processed_at < CURRENT_TIMESTAMP - make_interval(secs => $4::double precision / 1000))`,
      holdConsumer,
      eventIds,
      tradeConsumer,
      waitMs,
    );
    return new Set(rows.map((r) => r.id));
  }

  async recordOutcomes(tx: Tx, outcomes: TradeOutcome[], at: Date): Promise<void> {
    if (outcomes.length === 0) return;
    const col = (f: (o: TradeOutcome) => bigint | null) => outcomes.map((o) => f(o)?.toString() ?? null);
    const n = await tx.$executeRawUnsafe(
      `UPDATE settlement.energy_trade AS t SET state = o.state, rule = o.rule, delivered_wh = o.d, shortfall_wh = o.s, seller_receives_micro = o.sr,
         platform_fee_micro = o.pf, grid_fee_micro = o.gf, utility_from_buyer_micro = o.u, seller_penalty_micro = o.p, penalty_unpaid_micro = o.pu, settled_at = $12
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
         AS o(id, state, rule, d, s, sr, pf, gf, u, p, pu)
       WHERE t.trade_id = o.id AND t.state = 'open'`,
      outcomes.map((o) => o.tradeId),
      outcomes.map((o) => o.state),
      outcomes.map((o) => o.rule),
      col((o) => o.deliveredWh),
      col((o) => o.shortfallWh),
      col((o) => o.sellerReceivesMicro),
      col((o) => o.platformFeeMicro),
      col((o) => o.gridFeeMicro),
      col((o) => o.utilityFromBuyerMicro),
      col((o) => o.sellerPenaltyMicro),
      col((o) => o.penaltyUnpaidMicro),
      at,
    );
    if (n !== outcomes.length) throw new Error(`settled ${n} of ${outcomes.length} trades: one was no longer open`);
  }

  async markIntervalSettled(tx: Tx, seller: string, intervalStart: Date, decision: string, exportWh: bigint, at: Date): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE settlement.energy_interval SET state = 'settled', decision = $3, settled_export_wh = $4, settled_at = $5 WHERE seller = $1 AND interval_start = $2`,
      seller, intervalStart, decision, exportWh, at,
    );
  }

  /**
   * Intervals worth another look at `now`: measured ones still waiting (a hold had not arrived
   * yet, or a late trade reopened them) and unproven ones past their timeout.
   */
  async due(tx: Tx, now: Date, unprovenTimeoutMs: number, limit: number): Promise<{ seller: string; intervalStart: Date }[]> {
    const rows = await tx.$queryRawUnsafe<{ seller: string; interval_start: Date }[]>(
      `SELECT seller, interval_start FROM settlement.energy_interval
       WHERE state = 'waiting' AND (quality = 'measured' OR interval_end <= $1::timestamptz - make_interval(secs => $2::double precision / 1000))
       ORDER BY interval_end LIMIT $3`,
      now,
      unprovenTimeoutMs,
      limit,
    );
    return rows.map((r) => ({ seller: r.seller, intervalStart: r.interval_start }));
  }
}
