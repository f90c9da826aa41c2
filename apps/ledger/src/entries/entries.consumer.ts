import { Injectable } from '@nestjs/common';
import { HoldPlaced, TradeExecuted } from '@ampool/contracts';
import { EventConsumers } from '@ampool/messaging';
import { EntriesService } from './entries.service';

/** Records executed trades and placed holds. */
@Injectable()
export class EntriesConsumer {
  constructor(consumers: EventConsumers, entries: EntriesService) {
    consumers.register({
      durable: 'ledger-trades',
      contract: TradeExecuted,
      handle: (e) => entries.record('ledger-trades', TradeExecuted, e, 'energy.trade', e.data.id),
    });
    consumers.register({
      durable: 'ledger-holds',
      contract: HoldPlaced,
      handle: (e) => entries.record('ledger-holds', HoldPlaced, e, 'settlement.hold', e.data.transferId),
    });
  }
}
