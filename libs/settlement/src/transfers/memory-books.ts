import type { Account, Transfer, TransferRequest, TransferResult } from './types';
import { TransferBook, type BookSource } from './transfer-book';

/**
 * Books held in memory: the reference the service's database implementation is checked
 * against, and the model in property tests. Each `submit` is one atomic batch.
 */
export class MemoryBooks implements BookSource {
  readonly accounts = new Map<string, Account>();
  readonly transfers = new Map<string, Transfer>();

  open(id: string, noOverdraft: boolean): Account {
    const account: Account = { id, noOverdraft, debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
    this.accounts.set(id, account);
    return account;
  }

  account(id: string): Account | undefined {
    return this.accounts.get(id);
  }

  transfer(id: string): Transfer | undefined {
    return this.transfers.get(id);
  }

  submit(requests: readonly TransferRequest[], now: number): TransferResult[] {
    const book = new TransferBook(this, now);
    const results = book.apply(requests);
    this.commit(book);
    return results;
  }

  /** Expires every pending transfer whose timeout has passed at `now`. */
  expire(now: number): Transfer[] {
    const book = new TransferBook(this, now);
    const due = [...this.transfers.values()].filter((t) => t.state === 'pending' && t.expiresAt !== null && t.expiresAt <= now).map((t) => t.id);
    const expired = book.expire(due);
    this.commit(book);
    return expired;
  }

  private commit(book: TransferBook): void {
    for (const [id, a] of book.changes.accounts) this.accounts.set(id, a);
    for (const t of book.changes.created) this.transfers.set(t.id, t);
    for (const [id, t] of book.changes.updated) this.transfers.set(id, t);
  }
}
