import { z } from 'zod';
import { defineRpc } from '../contract';
import { instant, int64, nonNegativeInt64 } from '../wire/codecs';
import { accountOwner, transferKind, transferState } from './transfer';

/** Most transfers listed on one statement (a longer period says `truncated`). */
export const MAX_STATEMENT_LINES = 1_000;

/** One transfer as the account holder sees it: money in (+) or out (−) of the posted balance. */
export const statementLine = z.strictObject({
  transferId: z.string().uuid(),
  at: instant,
  kind: transferKind,
  state: transferState,
  code: z.string(),
  counterparty: accountOwner,
  referenceKind: z.string().nullable(),
  referenceId: z.string().uuid().nullable(),
  /** Signed change of the posted balance (credits − debits). 0 for a hold that is still pending. */
  postedMicro: int64,
  /** The amount a pending transfer holds (0 for the others). */
  pendingMicro: nonNegativeInt64,
  /**
   * When a block holding the transfer's ledger entry (a hold's: its hold entry) became final;
   * null until then, and for transfers that are no ledger entry (order holds, booking payouts,
   * which the booking's release entry covers).
   */
  ledgerCommittedAt: instant.nullable(),
});

/**
 * An account over a period [from, to): posted balance at the start and end, every transfer
 * in between, and the totals per code (trades, deliveries, fees, penalties…).
 */
export const statementView = z.strictObject({
  owner: accountOwner,
  from: instant,
  to: instant,
  openingPostedMicro: int64,
  closingPostedMicro: int64,
  /** closing − opening: what the period paid out (negative) or in. */
  netMicro: int64,
  /** Held now (pending debits) — a snapshot, not part of the period. */
  pendingNowMicro: nonNegativeInt64,
  byCode: z.array(z.strictObject({ code: z.string(), netMicro: int64, count: z.number().int() })),
  lines: z.array(statementLine),
  truncated: z.boolean(),
});
export type StatementView = z.output<typeof statementView>;

/** A participant's (or a system account's) statement for a period of at most 31 days. */
export const StatementGet = defineRpc(
  'rpc.settlement.statement.get',
  z.strictObject({ owner: accountOwner, from: instant, to: instant }),
  z.strictObject({ statement: statementView }),
);
