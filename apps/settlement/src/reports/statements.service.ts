import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, MAX_STATEMENT_LINES, type StatementView } from '@ampool/contracts';
import { PrismaClient } from '@ampool/persistence';

/** Longest period one statement covers. */
const MAX_PERIOD_MS = 31 * 86_400_000;

/**
 * Statements: an account's posted balance at the start and end of a period, every transfer in
 * it (trades, deliveries, fees, penalties, deposits, withdrawals…) and the net per code.
 * Balances are computed from the transfers themselves, not from the running totals, so a
 * statement is also an independent check of the books.
 */
@Injectable()
export class StatementsService {
  constructor(private readonly prisma: PrismaClient) {}

  async statement(owner: string, from: Date, to: Date): Promise<StatementView> {
    if (to.getTime() <= from.getTime() || to.getTime() - from.getTime() > MAX_PERIOD_MS) {
      throw new AppError(ErrorCode.OUT_OF_RANGE, 'the period must end after it starts and last at most 31 days');
    }
    return this.prisma.$transaction(
      async (tx) => {
        const [account] = await tx.$queryRawUnsafe<{ id: string; dpe: bigint }[]>(
          `SELECT id::text AS id, debits_pending_micro AS dpe FROM settlement.account WHERE owner = $1`,
          owner,
        );
        if (!account) throw new AppError(ErrorCode.ACCOUNT_UNKNOWN, `no account for ${owner}`);
        const signed = `CASE WHEN t.kind IN ('single', 'post') THEN CASE WHEN t.credit_account_id = $1::uuid THEN t.amount_micro ELSE -t.amount_micro END ELSE 0 END`;
        const mine = `(t.debit_account_id = $1::uuid OR t.credit_account_id = $1::uuid)`;
        const [opening] = await tx.$queryRawUnsafe<{ v: bigint }[]>(
          `SELECT coalesce(sum(${signed}), 0)::bigint AS v FROM settlement.transfer t WHERE ${mine} AND t.created_at < $2`,
          account.id,
          from,
        );
        const byCode = await tx.$queryRawUnsafe<{ code: string; net: bigint; n: number }[]>(
          `SELECT t.code, coalesce(sum(${signed}), 0)::bigint AS net, count(*)::int AS n FROM settlement.transfer t
           WHERE ${mine} AND t.created_at >= $2 AND t.created_at < $3 GROUP BY t.code ORDER BY t.code`,
          account.id,
          from,
          to,
        );
        const lines = await tx.$queryRawUnsafe<
          { id: string; at: Date; kind: 'single' | 'pending' | 'post' | 'void'; state: 'posted' | 'pending' | 'voided' | 'expired'; code: string; other: string; rkind: string | null; rid: string | null; posted: bigint; pending: bigint; committed: Date | string | null }[]
        >(
          `SELECT t.id::text AS id, t.created_at AS at, t.kind, t.state, t.code, o.owner AS other, t.reference_kind AS rkind, t.reference_id::text AS rid,
                  (${signed})::bigint AS posted, CASE WHEN t.kind = 'pending' THEN t.amount_micro ELSE 0 END AS pending,
                  (SELECT min(c.committed_at) FROM settlement.ledger_commit c WHERE c.subject_id = t.id) AS committed
           FROM settlement.transfer t
           JOIN settlement.account o ON o.id = CASE WHEN t.debit_account_id = $1::uuid THEN t.credit_account_id ELSE t.debit_account_id END
           WHERE ${mine} AND t.created_at >= $2 AND t.created_at < $3
           ORDER BY t.created_at, t.id LIMIT ${MAX_STATEMENT_LINES + 1}`,
          account.id,
          from,
          to,
        );
        const net = byCode.reduce((s, c) => s + c.net, 0n);
        return {
          owner,
          from,
          to,
          openingPostedMicro: opening!.v,
          closingPostedMicro: opening!.v + net,
          netMicro: net,
          pendingNowMicro: account.dpe,
          byCode: byCode.map((c) => ({ code: c.code, netMicro: c.net, count: c.n })),
          lines: lines.slice(0, MAX_STATEMENT_LINES).map((l) => ({
            transferId: l.id, at: l.at, kind: l.kind, state: l.state, code: l.code, counterparty: l.other, referenceKind: l.rkind, referenceId: l.rid,
            postedMicro: l.posted, pendingMicro: l.pending, ledgerCommittedAt: l.committed === null ? null : new Date(l.committed),
          })),
          truncated: lines.length > MAX_STATEMENT_LINES,
        };
      },
      { isolationLevel: 'RepeatableRead' },
    );
  }
}
