import { z } from 'zod';
import { didKey, int64 } from '../wire/codecs';

/**
 * A participant's settlement account. Balances follow double entry: credits add to what the
 * platform owes the participant, debits take from it. `availableMicro` is what can still be
 * held or paid: credits posted − debits posted − debits pending.
 */
export const accountView = z.strictObject({
  owner: didKey,
  creditsPostedMicro: int64,
  debitsPostedMicro: int64,
  creditsPendingMicro: int64,
  debitsPendingMicro: int64,
  availableMicro: int64,
});
export type AccountView = z.output<typeof accountView>;

/** What a hold is for: the market object whose money it keeps. */
export const holdReference = z.strictObject({
  kind: z.enum(['energy.trade']),
  id: z.string().uuid(),
});
