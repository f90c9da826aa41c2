import { z } from 'zod';
import { didKey, positiveInt64, uuidV7 } from '../wire/codecs';

/** Most transfers in one request (the service also merges concurrent requests into one transaction). */
export const MAX_TRANSFERS_PER_REQUEST = 1_000;

/** The platform's own accounts, by name. */
export const SYSTEM_ACCOUNTS = {
  /** The other side of deposits and withdrawals (the outside world): the only account that may go below zero. */
  clearing: 'system:clearing',
  platformFee: 'system:platform-fee',
  gridOperator: 'system:grid-operator',
  /** The fallback supplier: sells what a seller failed to deliver, at retail. */
  utility: 'system:utility',
  ridesEscrow: 'system:rides-escrow',
  /** Where a buy order's most possible cost is held until the order ends (the counterparty on the buyer's order holds). */
  energyOrderEscrow: 'system:energy-order-escrow',
} as const;

/** An account is named by its owner: a participant's did:key or a system account's name. */
export const accountOwner = z.union([didKey, z.enum(Object.values(SYSTEM_ACCOUNTS) as [string, ...string[]])]);

/** Why money moved (a short tag kept with the transfer, shown on statements). */
export const transferCode = z.string().regex(/^[a-z][a-z0-9.-]{0,39}$/, 'must be 1-40 chars of a-z, 0-9, . or -, starting with a letter');

export const transferKind = z.enum(['single', 'pending', 'post', 'void']);
export const transferState = z.enum(['posted', 'pending', 'voided', 'expired']);

/** Longest timeout a pending transfer may carry: 30 days. */
export const MAX_TRANSFER_TIMEOUT_MS = 30 * 86_400_000;

/**
 * One transfer as a caller asks for it (TigerBeetle's model): `single` moves money at once;
 * `pending` holds it (optionally voiding itself after `timeoutMs`); `post` (all, or `amountMicro`
 * of it) and `void` resolve a pending transfer named by `pendingId`. `linked` ties this transfer
 * to the next one of the request: a chain is applied whole or not at all.
 */
export const transferRequest = z.strictObject({
  id: uuidV7,
  kind: transferKind,
  debit: accountOwner.optional(),
  credit: accountOwner.optional(),
  amountMicro: positiveInt64.optional(),
  code: transferCode,
  pendingId: uuidV7.optional(),
  timeoutMs: z.number().int().positive().max(MAX_TRANSFER_TIMEOUT_MS).optional(),
  linked: z.boolean().optional(),
});

/** Why one transfer was refused (each code stable; see @ampool/settlement's TRANSFER_REFUSALS). */
export const transferRefusal = z.enum([
  'AMOUNT_INVALID',
  'SAME_ACCOUNTS',
  'ACCOUNT_UNKNOWN',
  'ID_CONFLICT',
  'INSUFFICIENT_FUNDS',
  'BALANCE_OVERFLOW',
  'PENDING_NOT_FOUND',
  'PENDING_NOT_PENDING_KIND',
  'PENDING_ALREADY_POSTED',
  'PENDING_ALREADY_VOIDED',
  'PENDING_EXPIRED',
  'EXCEEDS_PENDING_AMOUNT',
  'ACCOUNTS_MISMATCH',
  'FIELD_NOT_ALLOWED',
  'LINKED_TRANSFER_FAILED',
  'LINKED_CHAIN_OPEN',
]);

/**
 * One transfer's outcome: `created`, or `exists` (a retry: nothing changed), each with the
 * transfer's state now (a pending one may have been posted, voided or expired since); or
 * `refused` with its reason. Kept small: a request may carry a thousand transfers.
 */
export const transferResult = z.discriminatedUnion('status', [
  z.strictObject({ id: uuidV7, status: z.literal('created'), state: transferState }),
  z.strictObject({ id: uuidV7, status: z.literal('exists'), state: transferState }),
  z.strictObject({ id: uuidV7, status: z.literal('refused'), reason: transferRefusal }),
]);
