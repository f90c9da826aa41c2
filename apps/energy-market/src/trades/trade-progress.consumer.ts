import { Injectable } from '@nestjs/common';
import { EntryCommitted, HoldPlaced, HoldRejected } from '@ampool/contracts';
import { EventConsumers, UnitOfWork } from '@ampool/messaging';
import { TradesRepository } from './trades.repository';

/** Follows each trade through settlement (hold placed or refused) and the ledger (committed). */
@Injectable()
export class TradeProgressConsumer {
  constructor(consumers: EventConsumers, uow: UnitOfWork, trades: TradesRepository) {
    consumers.register({
      durable: 'energy-trade-holds',
      contract: HoldPlaced,
      handle: async (e) => {
        if (e.data.reference.kind !== 'energy.trade') return;
        await uow.runOnce('energy-trade-holds', e.id, (tx) => trades.markHeld(tx, e.data.reference.id, e.data.transferId, e.data.placedAt));
      },
    });
    consumers.register({
      durable: 'energy-trade-hold-rejections',
      contract: HoldRejected,
      handle: async (e) => {
        if (e.data.reference.kind !== 'energy.trade') return;
        await uow.runOnce('energy-trade-hold-rejections', e.id, (tx) => trades.markUnfunded(tx, e.data.reference.id, e.data.reason));
      },
    });
    consumers.register({
      durable: 'energy-trade-commits',
      contract: EntryCommitted,
      handle: async (e) => {
        if (e.data.type !== 'energy.trade') return;
        await uow.runOnce('energy-trade-commits', e.id, (tx) => trades.markCommitted(tx, e.data.subjectId, e.data.payloadHash, e.data.committedAt));
      },
    });
  }
}
