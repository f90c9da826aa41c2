import { MAX_INT64 } from '@ampool/domain';
import type { Account, Transfer, TransferRefusal, TransferRequest, TransferResult } from './types';

/** Where the book reads accounts and earlier transfers (a map in tests, rows locked by the service). */
export interface BookSource {
  account(id: string): Account | undefined;
  transfer(id: string): Transfer | undefined;
}

/** What a batch changed: accounts with their new totals, and transfers created or whose state moved. */
export interface BookChanges {
  accounts: Map<string, Account>;
  /** New transfers, in the order they were applied. */
  created: Transfer[];
  /** Pending transfers that were posted, voided or expired by this batch. */
  updated: Map<string, Transfer>;
}

class Refused extends Error {
  constructor(readonly reason: TransferRefusal) {
    super(reason);
  }
}

/**
 * A deterministic fingerprint of what was asked (not of what resulted). Whether it was linked
 * is a property of the batch it came in, not of the transfer, so it is left out.
 */
export function fingerprintOf(r: TransferRequest): string {
  return JSON.stringify([r.kind, r.debitAccountId ?? null, r.creditAccountId ?? null, r.amount?.toString() ?? null, r.code, r.pendingId ?? null, r.timeoutMs ?? null]);
}

/**
 * Applies a batch of transfer requests in order, over a source it never mutates. Every change
 * is collected in `changes` for the caller to write in one database transaction. A linked
 * chain is all or nothing: if one of its transfers is refused, the others are undone and
 * refused with LINKED_TRANSFER_FAILED. Requests already applied (same id, same body) report
 * `exists` and change nothing, so a whole batch may be retried safely.
 */
export class TransferBook {
  readonly changes: BookChanges = { accounts: new Map(), created: [], updated: new Map() };
  private readonly createdById = new Map<string, Transfer>();

  constructor(
    private readonly source: BookSource,
    private readonly now: number,
  ) {}

  /** The account as this batch left it. */
  account(id: string): Account | undefined {
    return this.changes.accounts.get(id) ?? this.source.account(id);
  }

  /** The transfer as this batch left it. */
  transfer(id: string): Transfer | undefined {
    return this.createdById.get(id) ?? this.changes.updated.get(id) ?? this.source.transfer(id);
  }

  apply(requests: readonly TransferRequest[]): TransferResult[] {
    const results: TransferResult[] = [];
    let i = 0;
    while (i < requests.length) {
      // A chain: this request and every following one while `linked` is set.
      let end = i;
      while (requests[end]!.linked && end + 1 < requests.length) end++;
      const chain = requests.slice(i, end + 1);
      if (chain.length === 1 && !chain[0]!.linked) results.push(this.applyOne(chain[0]!));
      else results.push(...this.applyChain(chain));
      i = end + 1;
    }
    return results;
  }

  /**
   * Voids every pending transfer in `pendingIds` whose timeout has passed (the caller finds
   * them, for example by an index on expiry). Returns the ones it expired.
   */
  expire(pendingIds: readonly string[]): Transfer[] {
    const expired: Transfer[] = [];
    for (const id of pendingIds) {
      const pending = this.transfer(id);
      if (!pending || pending.kind !== 'pending' || pending.state !== 'pending' || pending.expiresAt === null || pending.expiresAt > this.now) continue;
      this.release(pending, 'expired');
      expired.push(this.transfer(id)!);
    }
    return expired;
  }

  private applyChain(chain: readonly TransferRequest[]): TransferResult[] {
    if (chain[chain.length - 1]!.linked) return chain.map((r) => ({ id: r.id, status: 'refused' as const, reason: 'LINKED_CHAIN_OPEN' as const }));
    const saved = this.snapshot();
    const results = chain.map((r) => this.applyOne(r));
    const failed = results.findIndex((r) => r.status === 'refused');
    if (failed < 0) return results;
    this.restore(saved);
    return results.map((r, j) => (j === failed ? r : { id: r.id, status: 'refused' as const, reason: 'LINKED_TRANSFER_FAILED' as const }));
  }

  private applyOne(request: TransferRequest): TransferResult {
    const fingerprint = fingerprintOf(request);
    const existing = this.transfer(request.id);
    if (existing) {
      return existing.fingerprint === fingerprint ? { id: request.id, status: 'exists', transfer: existing } : { id: request.id, status: 'refused', reason: 'ID_CONFLICT' };
    }
    try {
      const transfer = request.kind === 'single' || request.kind === 'pending' ? this.create(request, fingerprint) : this.resolve(request, fingerprint);
      this.createdById.set(transfer.id, transfer);
      this.changes.created.push(transfer);
      return { id: request.id, status: 'created', transfer };
    } catch (error) {
      if (error instanceof Refused) return { id: request.id, status: 'refused', reason: error.reason };
      throw error;
    }
  }

  private create(r: TransferRequest, fingerprint: string): Transfer {
    if (r.pendingId !== undefined || (r.kind === 'single' && r.timeoutMs !== undefined)) throw new Refused('FIELD_NOT_ALLOWED');
    if (r.timeoutMs !== undefined && (!Number.isSafeInteger(r.timeoutMs) || r.timeoutMs <= 0)) throw new Refused('FIELD_NOT_ALLOWED');
    const amount = r.amount;
    if (amount === undefined || amount <= 0n || amount > MAX_INT64) throw new Refused('AMOUNT_INVALID');
    if (!r.debitAccountId || !r.creditAccountId) throw new Refused('ACCOUNT_UNKNOWN');
    if (r.debitAccountId === r.creditAccountId) throw new Refused('SAME_ACCOUNTS');
    const debit = this.account(r.debitAccountId);
    const credit = this.account(r.creditAccountId);
    if (!debit || !credit) throw new Refused('ACCOUNT_UNKNOWN');
    if (debit.noOverdraft && debit.debitsPosted + debit.debitsPending + amount > debit.creditsPosted) throw new Refused('INSUFFICIENT_FUNDS');
    const pending = r.kind === 'pending';
    // Both new totals first: a refusal must leave neither account changed.
    const newDebit = { ...debit, ...(pending ? { debitsPending: add(debit.debitsPending, amount) } : { debitsPosted: add(debit.debitsPosted, amount) }) };
    const newCredit = { ...credit, ...(pending ? { creditsPending: add(credit.creditsPending, amount) } : { creditsPosted: add(credit.creditsPosted, amount) }) };
    this.put(newDebit);
    this.put(newCredit);
    return {
      id: r.id,
      kind: r.kind,
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amount,
      code: r.code,
      pendingId: null,
      state: pending ? 'pending' : 'posted',
      createdAt: this.now,
      expiresAt: pending && r.timeoutMs !== undefined ? this.now + r.timeoutMs : null,
      postedAmount: 0n,
      fingerprint,
    };
  }

  /** post or void of a pending transfer. */
  private resolve(r: TransferRequest, fingerprint: string): Transfer {
    if (r.timeoutMs !== undefined || (r.kind === 'void' && r.amount !== undefined)) throw new Refused('FIELD_NOT_ALLOWED');
    if (!r.pendingId) throw new Refused('PENDING_NOT_FOUND');
    const pending = this.transfer(r.pendingId);
    if (!pending) throw new Refused('PENDING_NOT_FOUND');
    if (pending.kind !== 'pending') throw new Refused('PENDING_NOT_PENDING_KIND');
    if ((r.debitAccountId && r.debitAccountId !== pending.debitAccountId) || (r.creditAccountId && r.creditAccountId !== pending.creditAccountId)) {
      throw new Refused('ACCOUNTS_MISMATCH');
    }
    if (pending.state === 'posted') throw new Refused('PENDING_ALREADY_POSTED');
    if (pending.state === 'voided') throw new Refused('PENDING_ALREADY_VOIDED');
    if (pending.state === 'expired' || (pending.expiresAt !== null && pending.expiresAt <= this.now)) throw new Refused('PENDING_EXPIRED');
    let amount = 0n;
    if (r.kind === 'post') {
      amount = r.amount ?? pending.amount;
      if (amount <= 0n || amount > MAX_INT64) throw new Refused('AMOUNT_INVALID');
      if (amount > pending.amount) throw new Refused('EXCEEDS_PENDING_AMOUNT');
    }
    this.release(pending, r.kind === 'post' ? 'posted' : 'voided', amount);
    return {
      id: r.id,
      kind: r.kind,
      debitAccountId: pending.debitAccountId,
      creditAccountId: pending.creditAccountId,
      amount,
      code: r.code,
      pendingId: pending.id,
      state: r.kind === 'post' ? 'posted' : 'voided',
      createdAt: this.now,
      expiresAt: null,
      postedAmount: 0n,
      fingerprint,
    };
  }

  /** Takes a pending transfer's amount out of pending, posting `posted` of it. */
  private release(pending: Transfer, state: 'posted' | 'voided' | 'expired', posted = 0n): void {
    const debit = this.account(pending.debitAccountId)!;
    const credit = this.account(pending.creditAccountId)!;
    const newDebit = { ...debit, debitsPending: debit.debitsPending - pending.amount, debitsPosted: add(debit.debitsPosted, posted) };
    const newCredit = { ...credit, creditsPending: credit.creditsPending - pending.amount, creditsPosted: add(credit.creditsPosted, posted) };
    this.put(newDebit);
    this.put(newCredit);
    this.changes.updated.set(pending.id, { ...pending, state, postedAmount: posted });
  }

  private put(account: Account): void {
    this.changes.accounts.set(account.id, account);
  }

  private snapshot() {
    return {
      accounts: new Map(this.changes.accounts),
      created: this.changes.created.length,
      updated: new Map(this.changes.updated),
      createdById: new Map(this.createdById),
    };
  }

  private restore(s: ReturnType<TransferBook['snapshot']>): void {
    this.changes.accounts.clear();
    for (const [k, v] of s.accounts) this.changes.accounts.set(k, v);
    this.changes.created.length = s.created;
    this.changes.updated.clear();
    for (const [k, v] of s.updated) this.changes.updated.set(k, v);
    this.createdById.clear();
    for (const [k, v] of s.createdById) this.createdById.set(k, v);
  }
}

function add(a: bigint, b: bigint): bigint {
  const sum = a + b;
  if (sum > MAX_INT64) throw new Refused('BALANCE_OVERFLOW');
  return sum;
}

/** Available balance: what the account may still spend. */
export function availableOf(a: Account): bigint {
  return a.creditsPosted - a.debitsPosted - a.debitsPending;
}
