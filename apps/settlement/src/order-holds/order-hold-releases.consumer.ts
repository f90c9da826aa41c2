import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import { OrderHoldsService } from './order-holds.service';

const { durable, contract } = DURABLE_CONSUMERS.settlementOrderHoldReleases;

/**
 * Releases a buy order's hold when the order ends, keeping what its trades still take over;
 * the orders that closed together in one transaction.
 */
@Injectable()
export class OrderHoldReleasesConsumer {
  constructor(consumers: EventConsumers, uow: UnitOfWork, holds: OrderHoldsService) {
    consumers.register({
      durable,
      contract,
      handle: async (e) => {
        if (e.data.side !== 'buy') return;
        await uow.runOnce(durable, e.id, async (tx) => {
          await holds.releaseIn(tx, [{ orderId: e.data.orderId, payer: e.data.participant, keepMicro: e.data.filledCostMicro }]);
        });
      },
      // The buy orders that closed together, released in one transaction (an order once: a
      // second close of it would find it released).
      handleBatch: async (events) => {
        const buys = new Map(events.filter((e) => e.data.side === 'buy').map((e) => [e.id, e]));
        if (buys.size === 0) return;
        await uow.runOnceMany(durable, [...buys.keys()], async (tx, _emit, fresh) => {
          const byOrder = new Map<string, { orderId: string; payer: string; keepMicro: bigint }>();
          for (const id of fresh) {
            const d = buys.get(id)!.data;
            if (!byOrder.has(d.orderId)) byOrder.set(d.orderId, { orderId: d.orderId, payer: d.participant, keepMicro: d.filledCostMicro });
          }
          await holds.releaseIn(tx, [...byOrder.values()]);
        });
      },
    });
  }
}
