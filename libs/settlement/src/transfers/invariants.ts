import type { Account, Transfer } from './types';

/**
 * Every rule the books must satisfy, checked from scratch: Σ debits = Σ credits (posted and
 * pending), no account with `noOverdraft` below zero, and each account's totals equal to the
 * sum of the transfers that touch it. Returns what is wrong (empty when all hold).
 */
export function checkBooks(accounts: Iterable<Account>, transfers: Iterable<Transfer>): string[] {
  const problems: string[] = [];
  const list = [...accounts];
  const sum = (f: (a: Account) => bigint) => list.reduce((s, a) => s + f(a), 0n);
  if (sum((a) => a.debitsPosted) !== sum((a) => a.creditsPosted)) problems.push('posted debits and credits differ');
  if (sum((a) => a.debitsPending) !== sum((a) => a.creditsPending)) problems.push('pending debits and credits differ');
  for (const a of list) {
    if (a.noOverdraft && a.debitsPosted + a.debitsPending > a.creditsPosted) problems.push(`account ${a.id} is overdrawn`);
    for (const [k, v] of Object.entries({ dp: a.debitsPending, dP: a.debitsPosted, cp: a.creditsPending, cP: a.creditsPosted })) {
      if (v < 0n) problems.push(`account ${a.id} has a negative total (${k})`);
    }
  }
  const expected = new Map<string, { dp: bigint; dP: bigint; cp: bigint; cP: bigint }>(list.map((a) => [a.id, { dp: 0n, dP: 0n, cp: 0n, cP: 0n }]));
  for (const t of transfers) {
    const d = expected.get(t.debitAccountId);
    const c = expected.get(t.creditAccountId);
    if (!d || !c) {
      problems.push(`transfer ${t.id} names an unknown account`);
      continue;
    }
    if (t.kind === 'single' || t.kind === 'post') {
      d.dP += t.amount;
      c.cP += t.amount;
    } else if (t.kind === 'pending' && t.state === 'pending') {
      d.dp += t.amount;
      c.cp += t.amount;
    }
    if (t.kind === 'pending' && t.postedAmount > t.amount) problems.push(`pending ${t.id} posted more than it held`);
  }
  for (const a of list) {
    const e = expected.get(a.id)!;
    if (e.dp !== a.debitsPending || e.dP !== a.debitsPosted || e.cp !== a.creditsPending || e.cP !== a.creditsPosted) {
      problems.push(`account ${a.id} totals do not match its transfers`);
    }
  }
  return problems;
}
