import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers } from '@ampool/messaging';
import { HoldsService } from './holds.service';

/** Places a hold for every executed trade (the trades that arrived together in one transaction). */
@Injectable()
export class TradeHoldsConsumer {
  constructor(consumers: EventConsumers, holds: HoldsService) {
    const { durable, contract } = DURABLE_CONSUMERS.settlementTradeHolds;
    consumers.register({ durable, contract, handle: (event) => holds.holdForTrade(event), handleBatch: (events) => holds.holdForTrades(events) });
  }
}
