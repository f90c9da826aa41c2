import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, positiveInt64, uuidV7 } from '../wire/codecs';
import { accountView } from './account';

/**
 * Credits a participant's account from the external clearing account (a simulated payment
 * rail). The id is the transfer id: a retry is a no-op, a different body is ID_CONFLICT.
 */
export const DepositCreate = defineRpc(
  'rpc.settlement.deposit.create',
  z.strictObject({ id: uuidV7, participant: didKey, amountMicro: positiveInt64 }),
  z.strictObject({ transferId: uuidV7, account: accountView }),
);
