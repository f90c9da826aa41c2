import { z } from 'zod';
import { defineRpc } from '../contract';
import { int64, nonNegativeInt64 } from '../wire/codecs';

/**
 * Checks settlement's books from scratch: Σ of all balances is zero (posted and pending);
 * no account that may not overdraw is below zero; every account's totals equal the sum of its
 * transfers (so every pending transfer is accounted for); no trade or booking settled twice;
 * no pending transfer past its timeout left unswept for long. `problems` is empty when all hold.
 */
export const InvariantsCheck = defineRpc(
  'rpc.settlement.invariants.check',
  z.strictObject({}),
  z.strictObject({
    ok: z.boolean(),
    problems: z.array(z.string()),
    accounts: z.number().int(),
    transfers: z.number().int(),
    pendingTransfers: z.number().int(),
    /** Σ (credits − debits), posted and pending: both 0 when the books balance. */
    postedSumMicro: int64,
    pendingSumMicro: int64,
    /** Total held right now. */
    pendingHeldMicro: nonNegativeInt64,
    /**
     * Transfers that are settlement's own ledger entries (single, post, void — booking payouts
     * and fees aside, which their booking's release entry records) whose entry a quorum of
     * validators made final, and those still waiting for it (the ledger lags by a block, or
     * does not run). Reported, not a rule: the books are right either way.
     */
    ledgerCommittedTransfers: z.number().int(),
    ledgerAwaitingTransfers: z.number().int(),
    checkedAt: z.string(),
  }),
);
