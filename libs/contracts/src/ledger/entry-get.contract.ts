import { z } from 'zod';
import { defineRpc } from '../contract';
import { ledgerEntryType, ledgerEntryView } from './entry';

/** Reads the entry recorded for a subject (for example, a trade id). */
export const EntryGet = defineRpc(
  'rpc.ledger.entry.get',
  z.strictObject({ type: ledgerEntryType, subjectId: z.string().uuid() }),
  z.strictObject({ entry: ledgerEntryView }),
);
