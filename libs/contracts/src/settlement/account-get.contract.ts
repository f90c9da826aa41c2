import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey } from '../wire/codecs';
import { accountView } from './account';

/** Reads a participant's balances. */
export const AccountGet = defineRpc(
  'rpc.settlement.account.get',
  z.strictObject({ owner: didKey }),
  z.strictObject({ account: accountView }),
);
