import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { query } from '../row-counts';
import { repoRoot } from '../repo-root';
import type { TestSystem } from '../test-system';
import type { RequestRecord } from './chaos-load';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

const LEDGER_COPIES = ['ledger_v1', 'ledger_v2', 'ledger_v3'] as const;
const LIVE_BOOKING = ['confirmed', 'requested', 'completed'];

const ids = (rs: RequestRecord[]) => rs.map((r) => r.id);
const count = async (url: string, sql: string, params: unknown[] = []) => Number((await query<{ n: string }>(url, sql, params))[0]!.n);

/**
 * Waits until the system has caught up with everything it accepted: every trade held by
 * settlement and committed to the ledger, every entry cut into a final block on every
 * validator, and no booking left between the steps of its saga. Returns what is still
 * outstanding at the deadline (empty when all caught up).
 */
export async function waitForQuiet(sys: TestSystem, timeoutMs: number): Promise<string[]> {
  const url = sys.db.url;
  const deadline = Date.now() + timeoutMs;
  let outstanding: string[] = [];
  while (Date.now() < deadline) {
    outstanding = await stillOutstanding(url);
    if (outstanding.length === 0) return [];
    await new Promise((r) => setTimeout(r, 500));
  }
  return outstanding;
}

async function stillOutstanding(url: string): Promise<string[]> {
  const out: string[] = [];
  const [t] = await query<{ unheld: string; uncommitted: string }>(
    url,
    `SELECT (count(*) FILTER (WHERE held_at IS NULL))::text AS unheld, (count(*) FILTER (WHERE committed_at IS NULL))::text AS uncommitted FROM energy.trade`,
  );
  if (t!.unheld !== '0') out.push(`${t!.unheld} trades not yet held`);
  if (t!.uncommitted !== '0') out.push(`${t!.uncommitted} trades not yet committed to the ledger`);
  const midSaga = await count(url, `SELECT count(*) AS n FROM rides.booking WHERE state = 'reserved' OR hold_state IN ('placing', 'releasing')`);
  if (midSaga > 0) out.push(`${midSaga} bookings between saga steps`);
  const [trades, holds] = [await count(url, 'SELECT count(*) AS n FROM energy.trade'), await count(url, `SELECT count(*) AS n FROM settlement.transfer WHERE code = 'hold' AND reference_kind = 'energy.trade'`)];
  for (const copy of LEDGER_COPIES) {
    const n = await count(url, `SELECT count(*) AS n FROM ${copy}.entry WHERE type IN ('energy.trade', 'settlement.hold')`);
    if (n !== trades + holds) out.push(`${copy} holds ${n} of ${trades + holds} trade and hold entries`);
    const unfinal = await count(url, `SELECT count(*) AS n FROM ${copy}.block WHERE height > (SELECT coalesce(max(height), 0) FROM ${copy}.finality)`);
    if (unfinal > 0) out.push(`${copy} has ${unfinal} blocks not final`);
  }
  return out;
}

/** Every check of the fault run, over what the clients saw and what the services stored. */
export async function runChecks(
  sys: TestSystem,
  records: RequestRecord[],
  outstanding: string[] = [],
  replay: { replayed: number; answers: Record<string, number> } = { replayed: 0, answers: {} },
): Promise<CheckResult[]> {
  const url = sys.db.url;
  const results: CheckResult[] = [];
  const check = (name: string, ok: boolean, detail: string) => results.push({ name, ok, detail });
  check('the system caught up after the load', outstanding.length === 0, outstanding.length === 0 ? 'every trade held and committed, every block final' : outstanding.join('; '));
  const accepted = (kind: RequestRecord['kind']) => records.filter((r) => r.kind === kind && r.outcome === 'accepted');

  // Orders: every accepted one is stored once, in a final or resting state, and its fills add up.
  const orders = accepted('order');
  const stored = await query<{ id: string; status: string; quantity: string; remaining: string; filled: string; traded: string }>(
    url,
    `SELECT o.id::text, o.status, o.quantity_wh::text AS quantity, o.remaining_wh::text AS remaining, o.filled_wh::text AS filled,
            coalesce((SELECT sum(t.energy_wh) FROM energy.trade t WHERE t.buy_order_id = o.id OR t.sell_order_id = o.id), 0)::text AS traded
     FROM energy.order o WHERE o.id = ANY($1::uuid[])`,
    [ids(orders)],
  );
  const byStatus: Record<string, number> = {};
  for (const o of stored) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const vanished = orders.length - stored.length;
  const badFill = stored.filter((o) => o.filled !== o.traded || (o.status === 'open' && BigInt(o.remaining) + BigInt(o.filled) !== BigInt(o.quantity)));
  const unknownStatus = stored.filter((o) => !['open', 'filled', 'cancelled', 'expired'].includes(o.status));
  check(
    'every accepted order accounted for',
    vanished === 0 && badFill.length === 0 && unknownStatus.length === 0,
    `${orders.length} accepted: ${Object.entries(byStatus).map(([s, n]) => `${n} ${s === 'open' ? 'resting' : s}`).join(', ')}; vanished ${vanished}; fills ≠ trades ${badFill.length}` +
      badFill.slice(0, 3).map((o) => ` [${o.id} ${o.status}: quantity ${o.quantity}, remaining ${o.remaining}, filled ${o.filled}, traded ${o.traded}]`).join(''),
  );

  // Trades: each held once in settlement, on every ledger copy exactly once, with its hold.
  const [tradeStats] = await query<{ trades: string; held: string; rejected: string; doubled: string; missing: string }>(
    url,
    `SELECT (SELECT count(*) FROM energy.trade)::text AS trades,
            (SELECT count(DISTINCT reference_id) FROM settlement.transfer WHERE code = 'hold' AND reference_kind = 'energy.trade')::text AS held,
            (SELECT count(*) FROM energy.trade WHERE hold_rejected_code IS NOT NULL)::text AS rejected,
            (SELECT count(*) FROM (SELECT reference_id FROM settlement.transfer WHERE code = 'hold' GROUP BY reference_kind, reference_id HAVING count(*) > 1) d)::text AS doubled,
            (SELECT count(*) FROM energy.trade t WHERE NOT EXISTS (SELECT 1 FROM settlement.transfer h WHERE h.code = 'hold' AND h.reference_kind = 'energy.trade' AND h.reference_id = t.id))::text AS missing`,
  );
  check(
    'no trade lost or held twice in settlement',
    tradeStats!.doubled === '0' && tradeStats!.missing === '0',
    `${tradeStats!.trades} trades, ${tradeStats!.held} held once, ${tradeStats!.missing} without hold, ${tradeStats!.doubled} references held twice, ${tradeStats!.rejected} holds refused`,
  );
  const ledgerNotes: string[] = [];
  let ledgerOk = true;
  for (const copy of LEDGER_COPIES) {
    const [r] = await query<{ trades_missing: string; holds_missing: string; extra: string; dup: string }>(
      url,
      `SELECT (SELECT count(*) FROM energy.trade t WHERE NOT EXISTS (SELECT 1 FROM ${copy}.entry e WHERE e.type = 'energy.trade' AND e.subject_id::text = t.id::text))::text AS trades_missing,
              (SELECT count(*) FROM settlement.transfer h WHERE h.code = 'hold' AND h.reference_kind = 'energy.trade'
                 AND NOT EXISTS (SELECT 1 FROM ${copy}.entry e WHERE e.type = 'settlement.hold' AND e.subject_id::text = h.id::text))::text AS holds_missing,
              (SELECT count(*) FROM ${copy}.entry e WHERE (e.type = 'energy.trade' AND NOT EXISTS (SELECT 1 FROM energy.trade t WHERE t.id::text = e.subject_id::text))
                 OR (e.type = 'settlement.hold' AND NOT EXISTS (SELECT 1 FROM settlement.transfer h WHERE h.id::text = e.subject_id::text)))::text AS extra,
              (SELECT count(*) - count(DISTINCT (type, subject_id)) FROM ${copy}.entry)::text AS dup`,
    );
    const bad = r!.trades_missing !== '0' || r!.holds_missing !== '0' || r!.extra !== '0' || r!.dup !== '0';
    if (bad) ledgerOk = false;
    ledgerNotes.push(`${copy}: ${bad ? `missing ${r!.trades_missing} trades, ${r!.holds_missing} holds; ${r!.extra} unknown, ${r!.dup} repeated` : 'each once'}`);
  }
  check('every trade and hold exactly once on every ledger copy', ledgerOk, ledgerNotes.join('; '));

  // Bookings: what the riders saw confirmed is there, held once; no seat sold twice.
  const bookings = accepted('booking');
  const seenConfirmed = bookings.filter((b) => b.body?.booking?.state === 'confirmed').map((b) => b.id);
  const [bk] = await query<{ lost: string; unheld: string; doubled: string }>(
    url,
    `SELECT (SELECT count(*) FROM unnest($1::uuid[]) AS s(id) WHERE NOT EXISTS (SELECT 1 FROM rides.booking b WHERE b.id = s.id AND b.state = ANY($2::text[])))::text AS lost,
            (SELECT count(*) FROM rides.booking b WHERE b.state = 'confirmed' AND NOT EXISTS (SELECT 1 FROM settlement.booking_hold h JOIN settlement.transfer t ON t.id = h.transfer_id WHERE h.booking_id = b.id))::text AS unheld,
            (SELECT count(*) FROM (SELECT reference_id FROM settlement.transfer WHERE reference_kind <> 'energy.trade' AND code = 'hold' GROUP BY reference_id HAVING count(*) > 1) d)::text AS doubled`,
    [seenConfirmed, LIVE_BOOKING],
  );
  const [bookingRows] = await query<{ n: string; confirmed: string }>(url, `SELECT count(*)::text AS n, (count(*) FILTER (WHERE state = 'confirmed'))::text AS confirmed FROM rides.booking`);
  check(
    'no booking lost or held twice',
    bk!.lost === '0' && bk!.unheld === '0' && bk!.doubled === '0',
    `${bookings.length} answered, ${seenConfirmed.length} seen confirmed, ${bookingRows!.confirmed} confirmed stored; lost ${bk!.lost}, confirmed without hold ${bk!.unheld}, held twice ${bk!.doubled}`,
  );
  const oversold = await query<{ trip_id: string }>(
    url,
    `SELECT l.trip_id::text FROM rides.trip_leg l
     WHERE l.seats_taken > l.seats
        OR l.seats_taken <> coalesce((SELECT sum(b.seats) FROM rides.booking b WHERE b.trip_id = l.trip_id AND b.state IN ('confirmed', 'requested', 'reserved') AND b.from_m < l.to_m AND b.to_m > l.from_m), 0)`,
  );
  const [seats] = await query<{ offered: string; sold: string }>(
    url,
    `SELECT (SELECT coalesce(sum(seats_offered), 0) FROM rides.trip)::text AS offered, (SELECT coalesce(sum(seats), 0) FROM rides.booking WHERE state = 'confirmed')::text AS sold`,
  );
  check('no seat oversold', oversold.length === 0, `${seats!.sold} of ${seats!.offered} seats sold; legs whose count disagrees with their bookings: ${oversold.length}`);

  // Deposits and readings: applied exactly once.
  const deposits = accepted('deposit');
  const depositRows = await count(url, `SELECT count(*) AS n FROM settlement.transfer WHERE id = ANY($1::uuid[])`, [ids(deposits)]);
  const batches = accepted('readings');
  // A reading the service refused (a rule of metering, e.g. too far ahead of its clock) is a final answer, not a loss.
  const expectedReadings = batches.reduce((s, b) => s + b.payload.readings.length - (b.body?.refused?.length ?? 0), 0);
  const refusedReadings = batches.reduce((s, b) => s + (b.body?.refused?.length ?? 0), 0);
  const storedReadings = await count(url, `SELECT count(*) AS n FROM metering.reading WHERE device = ANY($1::text[])`, [[...new Set(batches.map((b) => b.by))]]);
  check(
    'every transfer and reading applied once',
    depositRows === deposits.length && storedReadings === expectedReadings,
    `deposits ${depositRows}/${deposits.length}; readings stored ${storedReadings} of ${expectedReadings} accepted in ${batches.length} batches (${refusedReadings} refused by metering's rules)`,
  );

  // Money: Σ balances = 0, no participant below zero, and settlement's own invariant check.
  const [money] = await query<{ posted: string; pending: string; negative: string }>(
    url,
    `SELECT coalesce(sum(credits_posted_micro - debits_posted_micro), 0)::text AS posted,
            coalesce(sum(credits_pending_micro - debits_pending_micro), 0)::text AS pending,
            (count(*) FILTER (WHERE NOT may_overdraw AND debits_posted_micro + debits_pending_micro > credits_posted_micro))::text AS negative
     FROM settlement.account`,
  );
  const report = (await sys.client.get<{ ok: boolean; problems: string[]; transfers: number }>('/v1/settlement/invariants', await sys.operator()));
  check(
    'Σ balances = 0, no negative available balance',
    money!.posted === '0' && money!.pending === '0' && money!.negative === '0' && report.ok,
    `Σ posted ${money!.posted}, Σ pending ${money!.pending}, accounts below zero ${money!.negative}; settlement invariants ${report.ok ? 'ok' : report.problems.join('; ')} over ${report.transfers} transfers`,
  );

  // The ledger verifier (`npm run ledger:verify`) over every validator's copy.
  const verify = await verifyLedger(url, sys.ledgerMembers.genesisFile);
  const failedAt = verify.lines.map((l) => /FAILED at block (\d+)/.exec(l)?.[1]).find(Boolean);
  let evidence = '';
  if (failedAt) {
    // What each copy holds for the block the verifier stopped at, to tell a fork from a lost signature.
    for (const copy of LEDGER_COPIES) {
      const [b] = await query<{ hash: string }>(url, `SELECT header_hash AS hash FROM ${copy}.block WHERE height = $1`, [Number(failedAt)]).catch(() => [{ hash: '?' }]);
      const votes = await query<{ validator: string; accepted: boolean; reason: string | null }>(url, `SELECT validator, accepted, reason FROM ${copy}.vote WHERE height = $1 ORDER BY validator`, [Number(failedAt)]).catch(() => []);
      const fin = await query<{ signers: string[] }>(url, `SELECT signers FROM ${copy}.finality WHERE height = $1`, [Number(failedAt)]).catch(() => []);
      evidence += ` | ${copy} block ${failedAt}: hash ${b?.hash?.slice(0, 12) ?? 'none'}, votes ${votes.map((v) => `${v.validator}${v.accepted ? '' : `(refused: ${v.reason})`}`).join(',') || 'none'}, final ${fin[0] ? fin[0].signers.join('+') : 'no'}`;
    }
  }
  check('ledger verifier passes on every validator', verify.code === 0, verify.lines.filter((l) => /ok|FAILED|differs|agree/.test(l)).join('; ') + evidence);

  // Client requests: what failed, whether it was safe to retry, and that the retry landed once.
  const failed = records.filter((r) => r.failures.length > 0);
  const unresolved = records.filter((r) => r.outcome === 'gave-up' || r.outcome === 'pending');
  check(
    'every failed request was safe to retry and landed once',
    unresolved.length === 0 && Object.keys(replay.answers).every((k) => /\s2\d\d$/.test(k)),
    `${failed.length} requests failed at least once (${failed.reduce((s, r) => s + r.failures.length, 0)} failed attempts), all retried with the same id; ${failed.length - unresolved.length} then answered, ${unresolved.length} never answered; ` +
      `each answered one sent once more afterwards (${Object.entries(replay.answers).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}) and still stored once (checks above)`,
  );
  return results;
}

/** Runs the built ledger verifier (`npm run ledger:verify`) against every validator's copy. */
export function verifyLedger(databaseUrl: string, genesisFile: string): Promise<{ code: number; lines: string[] }> {
  const entry = join(repoRoot(), 'dist', 'apps', 'ledger', 'src', 'cli', 'verify.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, '--database-url', databaseUrl, '--genesis', genesisFile, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, lines: out.trim().split('\n') }));
  });
}
