import { Injectable } from '@nestjs/common';
import { AreaParticipantStatus, DURABLE_CONSUMERS, type RpcRequest } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import { AreasService } from '../areas/areas.service';
import { MarketEngine } from '../engine/market-engine.service';
import { AreaRouter } from '../leases/area-router.service';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

const { durable: CONSUMER, contract } = DURABLE_CONSUMERS.energyParticipantStatus;

/**
 * A suspended or revoked participant may not keep orders in the book. New orders are
 * refused first (in memory at once, and in the database), then each open order is cancelled
 * through its market's journal (announced as `order.cancelled`). Each area's writer does both
 * for its own markets, and accepts the participant again after a reinstatement: the change
 * goes to every area's writer (AreaRouter). A redelivered
 * event cancels again, which finds nothing open: the steps are safe to repeat.
 */
@Injectable()
export class ParticipantStatusConsumer {
  constructor(consumers: EventConsumers, uow: UnitOfWork, orders: OrdersRepository, service: OrdersService, engine: MarketEngine, areas: AreasService, router: AreaRouter) {
    /** At an area's writer: refuse (or accept again) the participant's new orders, and cancel its open ones in that area's markets. */
    const statusHere = async ({ area, did, to }: RpcRequest<typeof AreaParticipantStatus>) => {
      service.block(did, to === 'suspended' || to === 'revoked');
      if (to !== 'suspended' && to !== 'revoked') return { cancelled: 0 };
      const reason = to === 'suspended' ? 'participant-suspended' : 'participant-revoked';
      const cancelled = await Promise.all(
        engine.all().filter((runtime) => runtime.row.areaId === area).map(async (runtime) => {
          const open = runtime.state.openOrdersOf(did);
          if (open.length > 0) await engine.execute(runtime, open.map((o) => ({ type: 'cancel' as const, orderId: o.id, reason })));
          return open.length;
        }),
      );
      return { cancelled: cancelled.reduce((a, b) => a + b, 0) };
    };
    const statusAt = router.route(AreaParticipantStatus, async (i) => i.area, statusHere);
    consumers.register({
      durable: CONSUMER,
      contract,
      handle: async (e) => {
        const { did, to, at } = e.data;
        const blocked = to === 'suspended' || to === 'revoked';
        service.block(did, blocked);
        await engine.ready();
        for (const area of await areas.all()) await statusAt({ area: area.id, did, to });
        await uow.runOnce(CONSUMER, e.id, (tx) => orders.setBlock(tx, did, blocked ? to : null, at));
      },
    });
  }
}
