import { z } from 'zod';
import { defineRpc } from '../contract';
import { actor } from '../identity/participant';
import { MAX_TRANSFERS_PER_REQUEST, transferRequest, transferResult } from './transfer';

/**
 * Applies transfers in order, in one transaction (operator API). Each gets its own result:
 * `created`; `exists` for a retry (same id, same body: nothing changes); or `refused` with a
 * stable reason (the same id with a different body is `ID_CONFLICT`). `actor` (set by the
 * gateway) is audited.
 */
export const TransferCreate = defineRpc(
  'rpc.settlement.transfer.create',
  z.strictObject({ transfers: z.array(transferRequest).min(1).max(MAX_TRANSFERS_PER_REQUEST), actor }),
  z.strictObject({ results: z.array(transferResult) }),
);
