import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, positiveInt64 } from '../wire/codecs';
import { holdReference } from './account';

/** Settlement could not hold the money for a deal (for example, insufficient funds). */
export const HoldRejected = defineEvent(
  'evt.settlement.hold.rejected.v1',
  z.strictObject({
    reference: holdReference,
    payer: didKey,
    amountMicro: positiveInt64,
    reason: z.enum(['INSUFFICIENT_FUNDS', 'ACCOUNT_UNKNOWN']),
    rejectedAt: instant,
  }),
);
