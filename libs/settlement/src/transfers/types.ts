/**
 * Double-entry accounting with two-phase transfers, after the model TigerBeetle made popular:
 * integer amounts, ids chosen by the caller (a retry is a no-op), pending transfers that are
 * later posted (in full or in part) or voided, pending transfers that void themselves at a
 * timeout, and linked transfers that succeed or fail together.
 */

/** One account's four running totals, in µ-currency. Available = credits posted − debits posted − debits pending. */
export interface Account {
  id: string;
  /** The account refuses any transfer that would take its debits above its posted credits. */
  noOverdraft: boolean;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export type TransferKind = 'single' | 'pending' | 'post' | 'void';
export type TransferState = 'posted' | 'pending' | 'voided' | 'expired';

/** What a caller asks for. */
export interface TransferRequest {
  id: string;
  kind: TransferKind;
  /** single and pending: the accounts. post and void: taken from the pending transfer (may be omitted). */
  debitAccountId?: string;
  creditAccountId?: string;
  /** single and pending: required. post: at most the pending amount (omitted: all of it). void: omitted. */
  amount?: bigint;
  /** Why (`hold`, `trade`, `fee`, `deposit`…): kept with the transfer. */
  code: string;
  /** post and void: the pending transfer. */
  pendingId?: string;
  /** pending: voids itself this many ms after it was created unless posted or voided first. */
  timeoutMs?: number;
  /** This transfer and the next one in the batch succeed or fail together. */
  linked?: boolean;
}

/** A recorded transfer. Pending ones change state; the others never change. */
export interface Transfer {
  id: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  code: string;
  pendingId: string | null;
  state: TransferState;
  createdAt: number;
  expiresAt: number | null;
  /** pending: how much a post moved (0 until posted). */
  postedAmount: bigint;
  /** The request's fingerprint, to tell a retry from a different request under the same id. */
  fingerprint: string;
}

/** Why a transfer was refused: a closed list, each stable. */
export const TRANSFER_REFUSALS = [
  /** Amount missing, not positive, or above the 64-bit range. */
  'AMOUNT_INVALID',
  /** Debit and credit are the same account. */
  'SAME_ACCOUNTS',
  /** An account does not exist. */
  'ACCOUNT_UNKNOWN',
  /** A transfer with this id exists with a different body. */
  'ID_CONFLICT',
  /** The debit account would be overdrawn. */
  'INSUFFICIENT_FUNDS',
  /** A balance would leave the 64-bit range. */
  'BALANCE_OVERFLOW',
  /** post/void: no pending transfer with that id. */
  'PENDING_NOT_FOUND',
  /** post/void: the transfer it names is not a pending one. */
  'PENDING_NOT_PENDING_KIND',
  /** post/void: already posted. */
  'PENDING_ALREADY_POSTED',
  /** post/void: already voided. */
  'PENDING_ALREADY_VOIDED',
  /** post/void: its timeout passed. */
  'PENDING_EXPIRED',
  /** post: more than was held. */
  'EXCEEDS_PENDING_AMOUNT',
  /** post/void: accounts given that differ from the pending transfer's. */
  'ACCOUNTS_MISMATCH',
  /** A field that does not belong to this kind (a timeout on a single transfer, a pending id on a pending one). */
  'FIELD_NOT_ALLOWED',
  /** Another transfer of its linked chain was refused, so this one was not applied. */
  'LINKED_TRANSFER_FAILED',
  /** The batch ends inside a linked chain. */
  'LINKED_CHAIN_OPEN',
] as const;
export type TransferRefusal = (typeof TRANSFER_REFUSALS)[number];

export type TransferResult =
  | { id: string; status: 'created'; transfer: Transfer }
  | { id: string; status: 'exists'; transfer: Transfer }
  | { id: string; status: 'refused'; reason: TransferRefusal };
