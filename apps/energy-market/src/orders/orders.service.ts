import { Inject, Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  OrderSubmit,
  ParticipantGet,
  TradeExecuted,
  type OrderView,
  type RpcRequest,
  type TradeFacts,
  type TradeView,
} from '@ampool/contracts';
import { canonicalJson, sha256Hex } from '@ampool/crypto';
import { fillValueMicro, uuidv7 } from '@ampool/domain';
import { outboxEvent, RpcClient, UnitOfWork } from '@ampool/messaging';
import type { Tx } from '@ampool/persistence';
import { TradesRepository } from '../trades/trades.repository';
import { checkOrder, ORDER_RULES, type OrderRules } from './order-rules';
import { OrdersRepository, toOrderView, type OrderRow } from './orders.repository';

type SubmitInput = RpcRequest<typeof OrderSubmit>;

/** Resting orders read per round while an incoming order still has quantity left. */
const MATCH_BATCH = 64;

/**
 * Accepts orders and matches them continuously with price-time priority; a trade executes
 * at the resting order's price. Everything an order causes — the order row, the fills, the
 * trade rows and their events — commits in one transaction or not at all.
 *
 * Today the book lives in PostgreSQL and matching runs under a per-market advisory lock; the
 * in-memory engine with a journal, the call auction, cross-zone trades and device checks
 * belong to the energy-market capability still to come.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly trades: TradesRepository,
    private readonly uow: UnitOfWork,
    private readonly rpc: RpcClient,
    @Inject(ORDER_RULES) private readonly rules: OrderRules,
  ) {}

  async submit(input: SubmitInput): Promise<{ order: OrderView; trades: TradeView[] }> {
    const requestHash = sha256Hex(canonicalJson(OrderSubmit.request.encode(input)));
    // A retry must get the first answer even after the interval has closed.
    const previous = await this.orders.findById(input.id);
    if (previous) return this.replay(previous, requestHash);

    checkOrder(input, this.rules, Date.now());
    // Asked before the transaction: no database lock is held while another service answers.
    const { participant } = await this.rpc.request(ParticipantGet, { did: input.participant });
    if (participant.status !== 'active') {
      throw new AppError(ErrorCode.PARTICIPANT_NOT_ACTIVE, `participant ${participant.did} is ${participant.status}`);
    }

    const outcome = await this.uow.run(async (tx, emit) => {
      // A suspension that raced this order either lands first (and the block refuses the
      // order) or after the commit (and cancels it): never in between.
      await this.orders.lockParticipant(tx, input.participant, 'shared');
      const block = await this.orders.blockOf(tx, input.participant);
      if (block) throw new AppError(ErrorCode.PARTICIPANT_NOT_ACTIVE, `participant ${input.participant} is ${block}`);
      await this.orders.lockMarket(tx, input.zone, input.intervalStart);
      const order: OrderRow = { ...input, remainingWh: input.quantityWh, status: 'open', createdAt: new Date(), requestHash };
      if (!(await this.orders.insert(tx, order))) return null; // a concurrent retry got there first
      const fills = await this.match(tx, order);
      await this.trades.insert(tx, fills);
      for (const fill of fills) emit(outboxEvent(TradeExecuted, fill, 'energy'));
      return order.id;
    });
    const stored = await this.orders.findById(input.id);
    if (!stored) throw new AppError(ErrorCode.INTERNAL, 'order vanished after commit');
    return outcome === null ? this.replay(stored, requestHash) : this.view(stored);
  }

  async get(id: string): Promise<{ order: OrderView; trades: TradeView[] }> {
    const order = await this.orders.findById(id);
    if (!order) throw new AppError(ErrorCode.NOT_FOUND, `no order ${id}`);
    return this.view(order);
  }

  private async replay(order: OrderRow, requestHash: string) {
    if (order.requestHash !== requestHash) throw new AppError(ErrorCode.ID_CONFLICT, `order ${order.id} exists with a different body`);
    return this.view(order);
  }

  private async view(order: OrderRow) {
    return { order: toOrderView(order), trades: await this.trades.findByOrder(order.id) };
  }

  /** Fills `order` against the book; updates the resting orders and the order itself. */
  private async match(tx: Tx, order: OrderRow): Promise<TradeFacts[]> {
    const fills: TradeFacts[] = [];
    while (order.remainingWh > 0n) {
      const resting = await this.orders.crossingOrders(tx, order, MATCH_BATCH);
      if (resting.length === 0) break;
      for (const r of resting) {
        const energyWh = r.remainingWh < order.remainingWh ? r.remainingWh : order.remainingWh;
        const price = r.limitPriceMicroPerKwh;
        const buy = order.side === 'buy' ? order : r;
        const sell = order.side === 'buy' ? r : order;
        fills.push({
          id: uuidv7(),
          buyOrderId: buy.id,
          sellOrderId: sell.id,
          buyer: buy.participant,
          seller: sell.participant,
          zone: order.zone,
          intervalStart: order.intervalStart,
          energyWh,
          priceMicroPerKwh: price,
          valueMicro: fillValueMicro(price, energyWh),
          executedAt: new Date(),
        });
        order.remainingWh -= energyWh;
        await this.orders.setRemaining(tx, r.id, r.remainingWh - energyWh);
        if (order.remainingWh === 0n) break;
      }
    }
    if (order.remainingWh !== order.quantityWh) await this.orders.setRemaining(tx, order.id, order.remainingWh);
    return fills;
  }
}
