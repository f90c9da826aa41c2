import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type OrderView, type TradeView } from '@ampool/contracts';
import { Clock } from '@ampool/domain';
import { AreasService } from '../areas/areas.service';
import { MarketEngine } from '../engine/market-engine.service';
import { TradesRepository } from '../trades/trades.repository';
import { OrdersRepository, toOrderView, type OrderRow } from './orders.repository';
import { stateToView } from './orders.service';

/** Cancel, cancel-and-replace, reads: what an owner does with orders already accepted. */
@Injectable()
export class OrderActionsService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly trades: TradesRepository,
    private readonly areas: AreasService,
    private readonly engine: MarketEngine,
    private readonly clock: Clock,
  ) {}

  async get(id: string): Promise<{ order: OrderView; trades: TradeView[] }> {
    const order = await this.orders.findById(id);
    if (!order) throw new AppError(ErrorCode.NOT_FOUND, `no order ${id}`);
    return { order: toOrderView(order), trades: await this.trades.findByOrder(id) };
  }

  /** The area of an order's market; null when there is no such order (it is then refused as NOT_FOUND). */
  async areaIdOfOrder(id: string): Promise<string | null> {
    const row = await this.orders.findById(id);
    return row ? (await this.areas.areaOf(row.zone)).id : null;
  }

  async cancel(id: string, participant: string): Promise<{ order: OrderView }> {
    const row = await this.own(id, participant);
    if (row.status === 'cancelled') return { order: toOrderView(row) };
    const runtime = row.status === 'open' && row.marketId ? this.engine.byId(row.marketId) : undefined;
    if (!runtime) throw new AppError(ErrorCode.ORDER_NOT_OPEN, `order ${id} is ${row.status === 'open' ? 'in a closed market' : row.status}`);
    const [outcome] = await this.engine.execute(runtime, [{ type: 'cancel', orderId: id, reason: 'owner' }]);
    if (outcome!.type === 'order' && outcome!.status === 'rejected') throw new AppError(outcome!.code, outcome!.message);
    if (outcome!.type === 'order' && outcome!.status === 'accepted') return { order: stateToView(outcome!.order, runtime.row.intervalStartMs) };
    throw new AppError(ErrorCode.INTERNAL, 'unexpected engine outcome');
  }

  async replace(id: string, participant: string, quantityWh: bigint, limitPriceMicroPerKwh: bigint): Promise<{ order: OrderView; trades: TradeView[] }> {
    const row = await this.own(id, participant);
    const runtime = row.status === 'open' && row.marketId ? this.engine.byId(row.marketId) : undefined;
    if (!runtime) throw new AppError(ErrorCode.ORDER_NOT_OPEN, `order ${id} is ${row.status === 'open' ? 'in a closed market' : row.status}`);
    const area = await this.areas.areaOf(row.zone);
    this.areas.checkOpen(this.areas.times(area, row.intervalStart.getTime()), this.clock.now());
    const band = runtime.row.config;
    if (limitPriceMicroPerKwh < BigInt(band.feedInMicroPerKwh) || limitPriceMicroPerKwh > BigInt(band.retailMicroPerKwh)) {
      throw new AppError(ErrorCode.PRICE_OUT_OF_BAND, `limitPriceMicroPerKwh must lie between ${band.feedInMicroPerKwh} and ${band.retailMicroPerKwh}`);
    }
    const [outcome] = await this.engine.execute(runtime, [{ type: 'replace', orderId: id, quantityWh, limitPriceMicroPerKwh, holdMicro: 0n }]);
    if (outcome!.type === 'order' && outcome!.status === 'rejected') throw new AppError(outcome!.code, outcome!.message);
    if (outcome!.type === 'order' && outcome!.status === 'accepted') {
      return { order: stateToView(outcome!.order, runtime.row.intervalStartMs), trades: outcome!.trades.map((t) => ({ ...t, status: 'matched' as const, holdTransferId: null, ledgerEntryHash: null })) };
    }
    throw new AppError(ErrorCode.INTERNAL, 'unexpected engine outcome');
  }

  async list(q: { participant: string; status?: string; intervalStart?: Date; before?: string; limit: number }): Promise<{ orders: OrderView[]; next: string | null }> {
    const rows = await this.orders.list(q);
    return { orders: rows.map(toOrderView), next: rows.length === q.limit ? rows[rows.length - 1]!.id : null };
  }

  /** An order of this participant; someone else's looks like no order at all. */
  private async own(id: string, participant: string): Promise<OrderRow> {
    await this.engine.ready();
    const row = await this.orders.findById(id);
    if (!row || row.participant !== participant) throw new AppError(ErrorCode.NOT_FOUND, `no order ${id}`);
    return row;
  }
}
