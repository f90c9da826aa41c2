import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, positiveInt64, uuidV7 } from '../wire/codecs';
import { holdReference } from './account';

/** Settlement placed a pending transfer that holds a payer's money for a deal. */
export const HoldPlaced = defineEvent(
  'evt.settlement.hold.placed.v1',
  z.strictObject({
    transferId: uuidV7,
    reference: holdReference,
    payer: didKey,
    payee: didKey,
    amountMicro: positiveInt64,
    placedAt: instant,
  }),
);
