import { Injectable } from '@nestjs/common';
import { TradeExecuted } from '@ampool/contracts';
import { EventConsumers } from '@ampool/messaging';
import { HoldsService } from './holds.service';

/** Places a hold for every executed trade. */
@Injectable()
export class TradeHoldsConsumer {
  constructor(consumers: EventConsumers, holds: HoldsService) {
    consumers.register({ durable: 'settlement-trade-holds', contract: TradeExecuted, handle: (event) => holds.holdForTrade(event) });
  }
}
