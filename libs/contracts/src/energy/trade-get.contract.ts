import { z } from 'zod';
import { defineRpc } from '../contract';
import { uuidV7 } from '../wire/codecs';
import { tradeView } from './trade';

/** Reads one trade with its settlement and ledger status. */
export const TradeGet = defineRpc('rpc.energy.trade.get', z.strictObject({ id: uuidV7 }), z.strictObject({ trade: tradeView }));
