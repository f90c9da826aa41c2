import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, positiveInt64, uuidV7 } from '../wire/codecs';
import { actor } from '../identity/participant';
import { accountView } from './account';

/**
 * Pays a participant out to the outside world (the simulated payment rail): a posted transfer
 * from the participant to the clearing account, refused with INSUFFICIENT_FUNDS beyond the
 * available balance. Idempotent by id like deposits; `actor` is audited.
 */
export const WithdrawalCreate = defineRpc(
  'rpc.settlement.withdrawal.create',
  z.strictObject({ id: uuidV7, participant: didKey, amountMicro: positiveInt64, actor }),
  z.strictObject({ transferId: uuidV7, account: accountView }),
);
