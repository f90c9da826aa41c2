import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import { OrderHoldsService } from './order-holds.service';

const { durable, contract } = DURABLE_CONSUMERS.settlementOrderHoldReleases;

/** Releases a buy order's hold when the order ends, keeping what its trades still take over. */
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
    });
  }
}
