import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import { TradesRepository } from './trades.repository';

/**
 * Follows each trade through settlement (hold placed or refused) and the ledger (committed);
 * holds and commits that arrive together are recorded in one transaction.
 */
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
      handleBatch: async (events) => {
        const mine = new Map(events.filter((e) => e.data.reference.kind === 'energy.trade').map((e) => [e.id, e]));
        if (mine.size === 0) return;
        await uow.runOnceMany(held.durable, [...mine.keys()], async (tx, _emit, fresh) => {
          for (const id of fresh) await trades.markHeld(tx, mine.get(id)!.data.reference.id, mine.get(id)!.data.transferId, mine.get(id)!.data.placedAt);
        });
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
      // Every committed ledger entry passes here (most are not the market's): those that arrived together in one transaction.
      handleBatch: async (events) => {
        const mine = new Map(events.filter((e) => e.data.type === 'energy.trade').map((e) => [e.id, e]));
        if (mine.size === 0) return;
        await uow.runOnceMany(committed.durable, [...mine.keys()], async (tx, _emit, fresh) => {
          for (const id of fresh) await trades.markCommitted(tx, mine.get(id)!.data.subjectId, mine.get(id)!.data.payloadHash, mine.get(id)!.data.committedAt);
        });
      },
    });
  }
}
