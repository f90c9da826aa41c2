import { z } from 'zod';
import { defineEvent } from '../contract';
import { instant, int64, sha256Hex, uuidV7 } from '../wire/codecs';
import { ledgerEntryType } from './entry';

/** The ledger recorded an entry; owners of the subject mark it committed. */
export const EntryCommitted = defineEvent(
  'evt.ledger.entry.committed.v1',
  z.strictObject({
    entryId: uuidV7,
    sequence: int64,
    type: ledgerEntryType,
    subjectId: z.string().uuid(),
    payloadHash: sha256Hex,
    committedAt: instant,
  }),
);
