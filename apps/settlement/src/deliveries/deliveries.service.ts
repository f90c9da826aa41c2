import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DeliverySettled,
  DURABLE_CONSUMERS,
  SYSTEM_ACCOUNTS,
  type EventEnvelope,
  type IntervalFinalized,
  type IntervalCorrected,
  type EventData,
  type TradeFacts,
} from '@ampool/contracts';
import { Clock, fillValueMicro } from '@ampool/domain';
import { outboxEvent, UnitOfWork, type Emit } from '@ampool/messaging';
import type { Tx } from '@ampool/persistence';
import { availableOf, deliveryDecision, settleDeliveries, type EnergyTradeToSettle, type TradeSettlement, type TransferRequest } from '@ampool/settlement';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../config';
import { TradeHoldsConsumerName } from './hold-handover';
import { derivedTransferId } from '../transfers/derived-id';
import { TransferEngine } from '../transfers/transfer-engine';
import { TransfersRepository, type StoredTransfer, type TransferReference } from '../transfers/transfers.repository';
import { DeliveriesRepository, type EnergyTradeRow, type TradeOutcome } from './deliveries.repository';

const TRADE_REFERENCE = 'energy.trade';

/** The device types whose export proves delivery at the grid connection. */
const GRID_METERS: ReadonlySet<string> = new Set(['meter', 'p1_gateway']);
/** The code of the per-trade pending hold (apps/settlement/src/holds): the handover point. */
const HOLD_CODE = 'hold';

/** Transfer codes of a trade's settlement, one transfer each at most (a unique index on (reference, code)). */
export const DELIVERY_CODES = {
  delivery: 'energy.delivery',
  void: 'energy.void',
  platformFee: 'energy.platform-fee',
  gridFee: 'energy.grid-fee',
  shortfall: 'energy.shortfall',
  penalty: 'energy.penalty',
} as const;

/** A trade leg's transfer id: the same settlement computed again asks for the same ids. */
export function legTransferId(tradeId: string, leg: string): string {
  return derivedTransferId(tradeId, leg);
}

type IntervalEvent = EventEnvelope<EventData<typeof IntervalFinalized>> | EventEnvelope<EventData<typeof IntervalCorrected>>;

/**
 * Energy deliveries: records each trade when it executes and each seller's interval when
 * metering finalizes or corrects it, and then settles the seller's trades of that interval
 * with @ampool/settlement's `deliveryDecision` and `settleDeliveries` (docs/settlement.md):
 * the trade's pending hold is posted (the delivered part) or voided, and the fees, the
 * shortfall and the penalty move as transfers of their own, in one transaction under the
 * interval's row lock and only while the interval still waits, so a redelivered or replayed
 * event never settles twice (and the unique (reference, code) index on transfers would refuse
 * it if it tried).
 */
@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger(DeliveriesService.name);

  constructor(
    private readonly repo: DeliveriesRepository,
    private readonly transfers: TransfersRepository,
    private readonly engine: TransferEngine,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Inject(SETTLEMENT_CONFIG) private readonly config: SettlementConfig,
  ) {}

  async recordTrade(event: EventEnvelope<TradeFacts>): Promise<void> {
    await this.uow.runOnce(DURABLE_CONSUMERS.settlementEnergyTrades.durable, event.id, (tx) => this.insertTrade(tx, event));
  }

  /** `recordTrade` for the trades that arrived together, in one transaction. */
  async recordTrades(events: EventEnvelope<TradeFacts>[]): Promise<void> {
    const byEvent = new Map(events.map((e) => [e.id, e]));
    await this.uow.runOnceMany(DURABLE_CONSUMERS.settlementEnergyTrades.durable, events.map((e) => e.id), async (tx, _emit, fresh) => {
      for (const id of fresh) await this.insertTrade(tx, byEvent.get(id)!);
    });
  }

  private async insertTrade(tx: Tx, event: EventEnvelope<TradeFacts>): Promise<void> {
    const t = event.data;
    const fresh = await this.repo.insertTrade(tx, {
      tradeId: t.id, eventId: event.id, buyer: t.buyer, seller: t.seller, zone: t.zone, intervalStart: t.intervalStart,
      energyWh: t.energyWh, priceMicroPerKwh: t.priceMicroPerKwh, valueMicro: t.valueMicro, executedAt: t.executedAt,
      gridFeeMicroPerKwh: t.gridFeeMicroPerKwh, buyerCostMicro: t.buyerCostMicro,
    });
    if (fresh) await this.repo.reopenInterval(tx, t.seller, t.intervalStart);
  }

  /**
   * Records metering's word on an interval (once per event), then settles it in a transaction
   * of its own: an interval that cannot settle yet, or whose settlement fails, stays recorded
   * and waiting for the sweep, instead of taking the event down with it.
   */
  async recordInterval(consumer: string, event: IntervalEvent): Promise<void> {
    const i = event.data;
    // Delivery is what the seller's grid meter exported; a battery's or inverter's own readings
    // (kept for its state of charge) would count the same energy again, or race the meter.
    if (i.deviceType !== undefined && !GRID_METERS.has(i.deviceType)) return;
    const fresh = await this.uow.runOnce(consumer, event.id, async (tx) => {
      const end = new Date(i.intervalStart.getTime() + i.intervalMinutes * 60_000);
      await this.repo.upsertInterval(
        tx,
        { seller: i.owner, intervalStart: i.intervalStart, intervalEnd: end, device: i.device, revision: i.revision, quality: i.quality, exportWh: i.exportWh },
        new Date(this.clock.now()),
      );
    });
    if (!fresh) return;
    try {
      await this.uow.run((tx, emit) => this.settleInterval(tx, emit, i.owner, i.intervalStart));
    } catch (error) {
      this.logger.warn(`settling ${i.owner}'s interval ${i.intervalStart.toISOString()} failed, left to the sweep: ${(error as Error).message}`);
    }
  }

  /** Settles every interval that is due now (the sweeper); returns how many settled. */
  async settleDue(limit: number): Promise<number> {
    const due = await this.uow.run((tx) => this.repo.due(tx, new Date(this.clock.now()), this.config.UNPROVEN_TIMEOUT_MS, limit));
    let settled = 0;
    for (const d of due) {
      try {
        if (await this.uow.run((tx, emit) => this.settleInterval(tx, emit, d.seller, d.intervalStart))) settled++;
      } catch (error) {
        // One interval that cannot settle must not hold up the others behind it.
        this.logger.warn(`settling ${d.seller}'s interval ${d.intervalStart.toISOString()} failed: ${(error as Error).message}`);
      }
    }
    return settled;
  }

  /**
   * Settles the open trades of one seller's interval if metering's word allows it and every
   * trade's hold has been decided. Returns true when the interval is settled.
   */
  async settleInterval(tx: Tx, emit: Emit, seller: string, intervalStart: Date): Promise<boolean> {
    const interval = await this.repo.lockInterval(tx, seller, intervalStart);
    if (!interval || interval.state !== 'waiting') return false;
    const now = this.clock.now();
    const decision = deliveryDecision(interval.quality, interval.intervalEnd.getTime(), now, this.config.UNPROVEN_TIMEOUT_MS);
    if (decision === 'wait') return false;
    const exportWh = decision === 'settle' && interval.exportWh > 0n ? interval.exportWh : 0n;

    const trades = await this.repo.lockTrades(tx, seller, intervalStart);
    const open = trades.filter((t) => t.state === 'open');
    const holds = new Map<string, StoredTransfer>();
    for (const h of await this.transfers.findByReference(tx, TRADE_REFERENCE, open.map((t) => t.tradeId))) {
      if (h.code === HOLD_CODE && h.kind === 'pending') holds.set(h.referenceId!, h);
    }
    // A trade without a hold is unfunded once the hold consumer has handled its event (or no
    // hold came within HOLD_WAIT_MS of recording the trade); until then the interval waits, so
    // first come stays first served.
    const decided = await this.repo.holdsDecided(
      tx, TradeHoldsConsumerName, DURABLE_CONSUMERS.settlementEnergyTrades.durable, open.filter((t) => !holds.has(t.tradeId)).map((t) => t.eventId), this.config.HOLD_WAIT_MS,
    );
    const unfunded: EnergyTradeRow[] = [];
    const ready: EnergyTradeRow[] = [];
    for (const t of open) {
      const hold = holds.get(t.tradeId);
      if (hold?.state === 'pending') ready.push(t);
      else if (hold || decided.has(t.eventId)) unfunded.push(t);
      else return false;
    }

    const alreadyDelivered = trades.reduce((s, t) => s + (t.state === 'settled' ? (t.deliveredWh ?? 0n) : 0n), 0n);
    const leftWh = exportWh > alreadyDelivered ? exportWh - alreadyDelivered : 0n;
    const rule = decision === 'settle' ? 'measured' : 'undelivered';
    const splits = settleDeliveries(ready.map((t) => this.toSettle(t)), leftWh, {
      retailMicroPerKwh: BigInt(this.config.RETAIL_MICRO_PER_KWH),
      platformFeeBps: BigInt(this.config.PLATFORM_FEE_BPS),
    });
    const byId = new Map(ready.map((t) => [t.tradeId, t]));
    const references = new Map<string, TransferReference>();
    const chains = splits.map((s) => this.legs(s, byId.get(s.tradeId)!, holds.get(s.tradeId)!, references));
    const first = await this.engine.apply(tx, chains, now, references);
    first.results.forEach((results, i) => {
      const refused = results.find((r) => r.status === 'refused');
      if (refused) throw new Error(`settling trade ${splits[i]!.tradeId} was refused: ${refused.status === 'refused' ? refused.reason : ''}`);
    });

    // The penalty comes last, out of what the seller has after being paid: its account cannot
    // go below zero, so what it cannot pay is recorded as unpaid.
    const penalties: TransferRequest[] = [];
    const unpaid = new Map<string, bigint>();
    let sellerAvailable = first.accounts.get(seller) ? availableOf(first.accounts.get(seller)!.account) : 0n;
    for (const s of splits) {
      const paid = s.sellerPenaltyMicro < sellerAvailable ? s.sellerPenaltyMicro : sellerAvailable > 0n ? sellerAvailable : 0n;
      unpaid.set(s.tradeId, s.sellerPenaltyMicro - paid);
      if (paid === 0n) continue;
      sellerAvailable -= paid;
      const id = legTransferId(s.tradeId, DELIVERY_CODES.penalty);
      references.set(id, { kind: TRADE_REFERENCE, id: s.tradeId });
      penalties.push({ id, kind: 'single', debitAccountId: seller, creditAccountId: SYSTEM_ACCOUNTS.utility, amount: paid, code: DELIVERY_CODES.penalty });
    }
    if (penalties.length > 0) {
      const second = await this.engine.apply(tx, [penalties], now, references);
      const refused = second.results[0]!.find((r) => r.status === 'refused');
      if (refused && refused.status === 'refused') throw new Error(`a penalty was refused: ${refused.reason}`);
    }

    const at = new Date(now);
    const outcomes: TradeOutcome[] = [
      ...splits.map((s) => ({
        tradeId: s.tradeId, state: 'settled' as const, rule: rule as TradeOutcome['rule'], deliveredWh: s.deliveredWh, shortfallWh: s.shortfallWh,
        sellerReceivesMicro: s.sellerReceivesMicro, platformFeeMicro: s.platformFeeMicro, gridFeeMicro: s.gridOperatorReceivesMicro,
        utilityFromBuyerMicro: s.utilityReceivesFromBuyerMicro, sellerPenaltyMicro: s.sellerPenaltyMicro, penaltyUnpaidMicro: unpaid.get(s.tradeId)!,
      })),
      ...unfunded.map((t) => ({
        tradeId: t.tradeId, state: 'unfunded' as const, rule: null, deliveredWh: null, shortfallWh: null, sellerReceivesMicro: null, platformFeeMicro: null,
        gridFeeMicro: null, utilityFromBuyerMicro: null, sellerPenaltyMicro: null, penaltyUnpaidMicro: null,
      })),
    ];
    await this.repo.recordOutcomes(tx, outcomes, at);
    await this.repo.markIntervalSettled(tx, seller, intervalStart, decision, exportWh, at);
    for (const s of splits) {
      const t = byId.get(s.tradeId)!;
      emit(
        outboxEvent(
          DeliverySettled,
          {
            tradeId: s.tradeId, buyer: t.buyer, seller: t.seller, intervalStart, rule, deliveredWh: s.deliveredWh, shortfallWh: s.shortfallWh,
            buyerPaysMicro: s.buyerPaysMicro, sellerReceivesMicro: s.sellerReceivesMicro, platformFeeMicro: s.platformFeeMicro,
            gridFeeMicro: s.gridOperatorReceivesMicro, utilityFromBuyerMicro: s.utilityReceivesFromBuyerMicro, sellerPenaltyMicro: s.sellerPenaltyMicro,
            penaltyUnpaidMicro: unpaid.get(s.tradeId)!, settledAt: at,
          },
          'settlement',
          { occurredAt: at },
        ),
      );
    }
    return true;
  }

  /**
   * The trade as the delivery rules take it. A trade carries the seller's price and the grid
   * fee the market charged on top (zero inside a zone); the buyer's cost is both. Trades
   * recorded before trades carried a fee take the configured fee out of the price instead.
   */
  private toSettle(t: EnergyTradeRow): EnergyTradeToSettle {
    if (t.gridFeeMicroPerKwh !== null && t.buyerCostMicro !== null) {
      return {
        id: t.tradeId, buyer: t.buyer, seller: t.seller, energyWh: t.energyWh, priceMicroPerKwh: t.priceMicroPerKwh, gridFeeMicroPerKwh: t.gridFeeMicroPerKwh,
        valueMicro: t.valueMicro, buyerCostMicro: t.buyerCostMicro, executedAt: t.executedAt.getTime(),
      };
    }
    const configured = BigInt(this.config.GRID_FEE_MICRO_PER_KWH);
    const gridFee = configured < t.priceMicroPerKwh ? configured : t.priceMicroPerKwh;
    const price = t.priceMicroPerKwh - gridFee;
    return {
      id: t.tradeId, buyer: t.buyer, seller: t.seller, energyWh: t.energyWh, priceMicroPerKwh: price, gridFeeMicroPerKwh: gridFee,
      valueMicro: fillValueMicro(price, t.energyWh), buyerCostMicro: t.valueMicro, executedAt: t.executedAt.getTime(),
    };
  }

  /** One trade's transfers, as a linked chain: all of them or none. */
  private legs(s: TradeSettlement, t: EnergyTradeRow, hold: StoredTransfer, references: Map<string, TransferReference>): TransferRequest[] {
    const chain: TransferRequest[] = [];
    const add = (leg: keyof typeof DELIVERY_CODES, r: Omit<TransferRequest, 'id' | 'code'>) => {
      const id = legTransferId(t.tradeId, DELIVERY_CODES[leg]);
      references.set(id, { kind: TRADE_REFERENCE, id: t.tradeId });
      chain.push({ id, code: DELIVERY_CODES[leg], ...r });
    };
    const deliveredValue = s.sellerReceivesMicro + s.platformFeeMicro;
    if (deliveredValue > 0n && hold.creditAccountId === t.seller) {
      add('delivery', { kind: 'post', pendingId: hold.id, amount: deliveredValue });
    } else {
      add('void', { kind: 'void', pendingId: hold.id });
      if (deliveredValue > 0n) add('delivery', { kind: 'single', debitAccountId: t.buyer, creditAccountId: t.seller, amount: deliveredValue });
    }
    if (s.platformFeeMicro > 0n) add('platformFee', { kind: 'single', debitAccountId: t.seller, creditAccountId: SYSTEM_ACCOUNTS.platformFee, amount: s.platformFeeMicro });
    if (s.gridOperatorReceivesMicro > 0n) add('gridFee', { kind: 'single', debitAccountId: t.buyer, creditAccountId: SYSTEM_ACCOUNTS.gridOperator, amount: s.gridOperatorReceivesMicro });
    if (s.utilityReceivesFromBuyerMicro > 0n) add('shortfall', { kind: 'single', debitAccountId: t.buyer, creditAccountId: SYSTEM_ACCOUNTS.utility, amount: s.utilityReceivesFromBuyerMicro });
    return chain.map((r, i) => (i < chain.length - 1 ? { ...r, linked: true } : r));
  }
}
