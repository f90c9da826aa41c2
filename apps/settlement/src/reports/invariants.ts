import type { Db } from '@ampool/persistence';

/** What the invariant check found. */
export interface InvariantReport {
  ok: boolean;
  problems: string[];
  accounts: number;
  transfers: number;
  pendingTransfers: number;
  postedSumMicro: bigint;
  pendingSumMicro: bigint;
  pendingHeldMicro: bigint;
  ledgerCommittedTransfers: number;
  ledgerAwaitingTransfers: number;
  checkedAt: string;
}

/** Problems listed per rule, at most (the count says how many there were). */
const SAMPLE = 10;
/** A pending transfer this long past its timeout means the sweeper is not running. */
const UNSWEPT_GRACE_MS = 5 * 60_000;

/**
 * Settlement's books checked from scratch, in SQL over the whole schema (the same rules as
 * @ampool/settlement's `checkBooks`, plus the deal-level ones): used by the operator endpoint
 * and by `npm run settlement:check`. Reads in one REPEATABLE READ snapshot when given a
 * transaction, so concurrent transfers cannot make it see half a batch.
 */
export async function checkInvariants(db: Db, nowMs: number): Promise<InvariantReport> {
  const problems: string[] = [];
  const note = (rule: string, rows: { x: string }[], count: number) => {
    if (count > 0) problems.push(`${rule}: ${count} (${rows.map((r) => r.x).join(', ')})`);
  };
  const [sums] = await db.$queryRawUnsafe<{ n: number; posted: bigint; pending: bigint; held: bigint }[]>(
    `SELECT count(*)::int AS n,
            coalesce(sum(credits_posted_micro - debits_posted_micro), 0)::bigint AS posted,
            coalesce(sum(credits_pending_micro - debits_pending_micro), 0)::bigint AS pending,
            coalesce(sum(debits_pending_micro), 0)::bigint AS held
     FROM settlement.account`,
  );
  if (sums!.posted !== 0n) problems.push(`posted balances sum to ${sums!.posted}, not 0`);
  if (sums!.pending !== 0n) problems.push(`pending balances sum to ${sums!.pending}, not 0`);

  const [tcount] = await db.$queryRawUnsafe<{ n: number; pending: number }[]>(
    `SELECT count(*)::int AS n, (count(*) FILTER (WHERE state = 'pending'))::int AS pending FROM settlement.transfer`,
  );

  const sample = async (rule: string, sql: string, ...params: unknown[]) => {
    const rows = await db.$queryRawUnsafe<{ x: string; total: number }[]>(`WITH bad AS (${sql}) SELECT x, (SELECT count(*)::int FROM bad) AS total FROM bad LIMIT ${SAMPLE}`, ...params);
    note(rule, rows, rows[0]?.total ?? 0);
  };

  await sample(
    'accounts below zero that may not overdraw',
    `SELECT owner AS x FROM settlement.account WHERE NOT may_overdraw AND debits_posted_micro + debits_pending_micro > credits_posted_micro`,
  );
  // Every account's totals are the sum of its transfers: posted ones (single, post) and the
  // pending ones still pending. This is also "every pending transfer is accounted for".
  await sample(
    'accounts whose totals differ from their transfers',
    `WITH m AS (
        SELECT debit_account_id AS a,
               coalesce(sum(amount_micro) FILTER (WHERE kind IN ('single', 'post')), 0) AS dposted,
               coalesce(sum(amount_micro) FILTER (WHERE kind = 'pending' AND state = 'pending'), 0) AS dpending,
               0::numeric AS cposted, 0::numeric AS cpending
        FROM settlement.transfer GROUP BY debit_account_id
        UNION ALL
        SELECT credit_account_id, 0, 0,
               coalesce(sum(amount_micro) FILTER (WHERE kind IN ('single', 'post')), 0),
               coalesce(sum(amount_micro) FILTER (WHERE kind = 'pending' AND state = 'pending'), 0)
        FROM settlement.transfer GROUP BY credit_account_id),
      s AS (SELECT a, sum(dposted) AS dp, sum(dpending) AS dpe, sum(cposted) AS cp, sum(cpending) AS cpe FROM m GROUP BY a)
     SELECT acc.owner AS x FROM settlement.account acc LEFT JOIN s ON s.a = acc.id
     WHERE coalesce(s.dp, 0) <> acc.debits_posted_micro OR coalesce(s.dpe, 0) <> acc.debits_pending_micro
        OR coalesce(s.cp, 0) <> acc.credits_posted_micro OR coalesce(s.cpe, 0) <> acc.credits_pending_micro`,
  );
  await sample(
    'posted pending transfers without one matching post',
    `SELECT p.id::text AS x FROM settlement.transfer p
     WHERE p.kind = 'pending' AND p.state = 'posted'
       AND NOT EXISTS (SELECT 1 FROM settlement.transfer q WHERE q.pending_id = p.id AND q.kind = 'post' AND q.amount_micro = p.posted_amount_micro)`,
  );
  await sample(
    'pending transfers left far past their timeout',
    `SELECT id::text AS x FROM settlement.transfer WHERE state = 'pending' AND expires_at < $1`,
    new Date(nowMs - UNSWEPT_GRACE_MS),
  );
  // Deals settled at most once, and completely.
  await sample(
    'settled energy trades whose hold is still pending or was resolved other than once',
    `SELECT e.trade_id::text AS x FROM settlement.energy_trade e
     WHERE e.state = 'settled' AND (
       EXISTS (SELECT 1 FROM settlement.transfer h WHERE h.reference_kind = 'energy.trade' AND h.reference_id = e.trade_id AND h.code = 'hold' AND h.state = 'pending')
       OR (SELECT count(*) FROM settlement.transfer r
           WHERE r.reference_kind = 'energy.trade' AND r.reference_id = e.trade_id AND (r.code = 'energy.void' OR r.kind = 'post')) <> 1)`,
  );
  await sample(
    'energy trades with settlement transfers but not marked settled',
    `SELECT DISTINCT e.trade_id::text AS x FROM settlement.energy_trade e JOIN settlement.transfer t ON t.reference_kind = 'energy.trade' AND t.reference_id = e.trade_id
     WHERE e.state <> 'settled' AND t.code LIKE 'energy.%'`,
  );
  await sample(
    'released booking holds still pending',
    `SELECT b.booking_id::text AS x FROM settlement.booking_hold b JOIN settlement.transfer t ON t.id = b.transfer_id WHERE b.state = 'released' AND t.state = 'pending'`,
  );

  const [ledger] = await db.$queryRawUnsafe<{ committed: number; awaiting: number }[]>(
    `SELECT (count(*) FILTER (WHERE c.exists))::int AS committed, (count(*) FILTER (WHERE NOT c.exists))::int AS awaiting
     FROM settlement.transfer t
     CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM settlement.ledger_commit l WHERE l.subject_id = t.id) AS exists) c
     WHERE t.kind IN ('single', 'post', 'void') AND t.code NOT IN ('booking-payout', 'booking-fee')`,
  );

  return {
    ok: problems.length === 0,
    problems,
    accounts: sums!.n,
    transfers: tcount!.n,
    pendingTransfers: tcount!.pending,
    postedSumMicro: sums!.posted,
    pendingSumMicro: sums!.pending,
    pendingHeldMicro: sums!.held,
    ledgerCommittedTransfers: ledger!.committed,
    ledgerAwaitingTransfers: ledger!.awaiting,
    checkedAt: new Date(nowMs).toISOString(),
  };
}
