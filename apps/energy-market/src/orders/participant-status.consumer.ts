import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import { MarketEngine } from '../engine/market-engine.service';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

const { durable: CONSUMER, contract } = DURABLE_CONSUMERS.energyParticipantStatus;

/**
 * A suspended or revoked participant may not keep orders in the book. New orders are
 * refused first (in memory at once, and in the database), then each open order is cancelled
 * through its market's journal (announced as `order.cancelled`). A redelivered event
 * cancels again, which finds nothing open: the steps are safe to repeat.
 */
@Injectable()
export class ParticipantStatusConsumer {
  constructor(consumers: EventConsumers, uow: UnitOfWork, orders: OrdersRepository, service: OrdersService, engine: MarketEngine) {
    consumers.register({
      durable: CONSUMER,
      contract,
      handle: async (e) => {
        const { did, to, at } = e.data;
        const blocked = to === 'suspended' || to === 'revoked';
        service.block(did, blocked);
        if (blocked) {
          await engine.ready();
          const reason = to === 'suspended' ? 'participant-suspended' : 'participant-revoked';
          await Promise.all(
            engine.all().map((runtime) => {
              const open = runtime.state.openOrdersOf(did);
              return open.length === 0 ? [] : engine.execute(runtime, open.map((o) => ({ type: 'cancel' as const, orderId: o.id, reason })));
            }),
          );
        }
        await uow.runOnce(CONSUMER, e.id, (tx) => orders.setBlock(tx, did, blocked ? to : null, at));
      },
    });
  }
}
