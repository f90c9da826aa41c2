import { defineEvent } from '../contract';
import { tradeFacts } from './trade';

/** The engine executed a trade; settlement holds the buyer's money and the ledger records it. */
export const TradeExecuted = defineEvent('evt.energy.trade.executed.v1', tradeFacts);
