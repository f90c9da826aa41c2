import { z } from 'zod';
import { instant, int64, sha256Hex, uuidV7 } from '../wire/codecs';

/** Kinds of facts the ledger records about a subject (a trade, a transfer, a booking). */
export const ledgerEntryType = z.enum(['energy.trade', 'settlement.hold', 'settlement.booking-hold', 'settlement.booking-release', 'settlement.transfer']);
export type LedgerEntryType = z.output<typeof ledgerEntryType>;

/**
 * A recorded entry: the canonical JSON (RFC 8785) of the fact, its SHA-256, and its place in
 * the ledger's order.
 */
export const ledgerEntryView = z.strictObject({
  id: uuidV7,
  sequence: int64,
  type: ledgerEntryType,
  subjectId: z.string().uuid(),
  canonicalPayload: z.string(),
  payloadHash: sha256Hex,
  submittedBy: z.string(),
  recordedAt: instant,
});
export type LedgerEntryView = z.output<typeof ledgerEntryView>;
