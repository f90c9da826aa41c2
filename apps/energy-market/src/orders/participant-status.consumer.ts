import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS, OrderCancelled } from '@ampool/contracts';
import { EventConsumers, outboxEvent, UnitOfWork } from '@ampool/messaging';
import { OrdersRepository } from './orders.repository';

const { durable: CONSUMER, contract } = DURABLE_CONSUMERS.energyParticipantStatus;

/**
 * A suspended or revoked participant may not keep orders in the book: its open orders are
 * cancelled, each announced. New orders are refused at submission (the participant is not
 * active), so nothing can slip in afterwards.
 */
@Injectable()
export class ParticipantStatusConsumer {
  constructor(consumers: EventConsumers, uow: UnitOfWork, orders: OrdersRepository) {
    consumers.register({
      durable: CONSUMER,
      contract,
      handle: async (e) => {
        const { did, to, at } = e.data;
        await uow.runOnce(CONSUMER, e.id, async (tx, emit) => {
          await orders.lockParticipant(tx, did, 'exclusive');
          if (to !== 'suspended' && to !== 'revoked') {
            await orders.setBlock(tx, did, null, at);
            return;
          }
          await orders.setBlock(tx, did, to, at);
          const cancelled = await orders.cancelOpenOf(tx, did);
          const reason = to === 'suspended' ? 'participant-suspended' : 'participant-revoked';
          for (const o of cancelled) emit(outboxEvent(OrderCancelled, { orderId: o.id, participant: did, cancelledWh: o.remainingWh, reason, at: new Date() }, 'energy'));
        });
      },
    });
  }
}
