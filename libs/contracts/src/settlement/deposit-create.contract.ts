import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, positiveInt64, uuidV7 } from '../wire/codecs';
import { actor } from '../identity/participant';
import { accountView } from './account';

/**
 * Credits a participant's account from the external clearing account (a simulated payment
 * rail). The id is the transfer id: a retry is a no-op, a different body is ID_CONFLICT.
 * `actor` is the operator who asked (the gateway sets it): audited with the transfer, and not
 * part of what makes two requests the same.
 */
export const DepositCreate = defineRpc(
  'rpc.settlement.deposit.create',
  z.strictObject({ id: uuidV7, participant: didKey, amountMicro: positiveInt64, actor }),
  z.strictObject({ transferId: uuidV7, account: accountView }),
);
