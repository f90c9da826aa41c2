import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers } from '@ampool/messaging';
import { EntriesService } from './entries.service';

/** Records executed trades and placed holds. */
@Injectable()
export class EntriesConsumer {
  constructor(consumers: EventConsumers, entries: EntriesService) {
    const trades = DURABLE_CONSUMERS.ledgerTrades;
    const holds = DURABLE_CONSUMERS.ledgerHolds;
    consumers.register({
      durable: trades.durable,
      contract: trades.contract,
      handle: (e) => entries.record(trades.durable, trades.contract, e, 'energy.trade', e.data.id),
    });
    consumers.register({
      durable: holds.durable,
      contract: holds.contract,
      handle: (e) => entries.record(holds.durable, holds.contract, e, 'settlement.hold', e.data.transferId),
    });
  }
}
