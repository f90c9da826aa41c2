import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import { TradesRepository } from './trades.repository';

/** Follows each trade through settlement (hold placed or refused) and the ledger (committed). */
@Injectable()
export class TradeProgressConsumer {
  constructor(consumers: EventConsumers, uow: UnitOfWork, trades: TradesRepository) {
    const held = DURABLE_CONSUMERS.energyTradeHolds;
    const refused = DURABLE_CONSUMERS.energyTradeHoldRejections;
    const committed = DURABLE_CONSUMERS.energyTradeCommits;
    consumers.register({
      durable: held.durable,
      contract: held.contract,
      handle: async (e) => {
        if (e.data.reference.kind !== 'energy.trade') return;
        await uow.runOnce(held.durable, e.id, (tx) => trades.markHeld(tx, e.data.reference.id, e.data.transferId, e.data.placedAt));
      },
    });
    consumers.register({
      durable: refused.durable,
      contract: refused.contract,
      handle: async (e) => {
        if (e.data.reference.kind !== 'energy.trade') return;
        await uow.runOnce(refused.durable, e.id, (tx) => trades.markUnfunded(tx, e.data.reference.id, e.data.reason));
      },
    });
    consumers.register({
      durable: committed.durable,
      contract: committed.contract,
      handle: async (e) => {
        if (e.data.type !== 'energy.trade') return;
        await uow.runOnce(committed.durable, e.id, (tx) => trades.markCommitted(tx, e.data.subjectId, e.data.payloadHash, e.data.committedAt));
      },
    });
  }
}
