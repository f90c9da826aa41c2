import { checkBooks } from './invariants';
import { MemoryBooks } from './memory-books';
import { availableOf } from './transfer-book';
import type { TransferRequest } from './types';

const T0 = 1_000_000;

function books() {
  const b = new MemoryBooks();
  b.open('clearing', false);
  b.open('alice', true);
  b.open('bob', true);
  b.open('fees', true);
  b.submit([{ id: 'dep-1', kind: 'single', debitAccountId: 'clearing', creditAccountId: 'alice', amount: 1_000n, code: 'deposit' }], T0);
  return b;
}

const reasons = (results: { status: string; reason?: string }[]) => results.map((r) => (r.status === 'refused' ? r.reason : r.status));

describe('TransferBook', () => {
  it('moves money with single-phase transfers and keeps every total consistent', () => {
    const b = books();
    expect(reasons(b.submit([{ id: 't1', kind: 'single', debitAccountId: 'alice', creditAccountId: 'bob', amount: 300n, code: 'trade' }], T0))).toEqual(['created']);
    expect(availableOf(b.account('alice')!)).toBe(700n);
    expect(b.account('bob')!.creditsPosted).toBe(300n);
    expect(b.account('clearing')!.debitsPosted).toBe(1_000n);
    expect(checkBooks(b.accounts.values(), b.transfers.values())).toEqual([]);
  });

  it('holds, then posts part of a hold and releases the rest', () => {
    const b = books();
    b.submit([{ id: 'h', kind: 'pending', debitAccountId: 'alice', creditAccountId: 'bob', amount: 400n, code: 'hold' }], T0);
    expect(availableOf(b.account('alice')!)).toBe(600n);
    expect(reasons(b.submit([{ id: 'p', kind: 'post', pendingId: 'h', amount: 250n, code: 'delivery' }], T0 + 1))).toEqual(['created']);
    expect(b.transfer('h')).toMatchObject({ state: 'posted', postedAmount: 250n });
    expect(availableOf(b.account('alice')!)).toBe(750n);
    expect(b.account('bob')).toMatchObject({ creditsPosted: 250n, creditsPending: 0n });
    expect(checkBooks(b.accounts.values(), b.transfers.values())).toEqual([]);
  });

  it('refuses bad requests with a stable reason and changes nothing', () => {
    const b = books();
    b.submit([{ id: 'h', kind: 'pending', debitAccountId: 'alice', creditAccountId: 'bob', amount: 400n, code: 'hold' }], T0);
    b.submit([{ id: 'h2', kind: 'pending', debitAccountId: 'alice', creditAccountId: 'bob', amount: 100n, code: 'hold' }], T0);
    b.submit([{ id: 'v2', kind: 'void', pendingId: 'h2', code: 'cancel' }], T0);
    const before = JSON.stringify([...b.accounts.values()], (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const cases: Array<[TransferRequest, string]> = [
      [{ id: 'x1', kind: 'single', debitAccountId: 'nobody', creditAccountId: 'bob', amount: 1n, code: 'c' }, 'ACCOUNT_UNKNOWN'],
      [{ id: 'x2', kind: 'single', debitAccountId: 'alice', creditAccountId: 'bob', amount: 0n, code: 'c' }, 'AMOUNT_INVALID'],
      [{ id: 'x3', kind: 'single', debitAccountId: 'alice', creditAccountId: 'bob', amount: -5n, code: 'c' }, 'AMOUNT_INVALID'],
      [{ id: 'x4', kind: 'single', debitAccountId: 'alice', creditAccountId: 'bob', amount: 1n << 63n, code: 'c' }, 'AMOUNT_INVALID'],
      [{ id: 'x5', kind: 'single', debitAccountId: 'alice', creditAccountId: 'bob', amount: 601n, code: 'c' }, 'INSUFFICIENT_FUNDS'],
      [{ id: 'x6', kind: 'single', debitAccountId: 'alice', creditAccountId: 'alice', amount: 1n, code: 'c' }, 'SAME_ACCOUNTS'],
      [{ id: 'x7', kind: 'post', pendingId: 'h', amount: 401n, code: 'c' }, 'EXCEEDS_PENDING_AMOUNT'],
      [{ id: 'x8', kind: 'post', pendingId: 'nope', code: 'c' }, 'PENDING_NOT_FOUND'],
      [{ id: 'x9', kind: 'post', pendingId: 'dep-1', code: 'c' }, 'PENDING_NOT_PENDING_KIND'],
      [{ id: 'x10', kind: 'post', pendingId: 'h2', code: 'c' }, 'PENDING_ALREADY_VOIDED'],
      [{ id: 'x11', kind: 'void', pendingId: 'h', amount: 5n, code: 'c' }, 'FIELD_NOT_ALLOWED'],
      [{ id: 'x12', kind: 'single', debitAccountId: 'alice', creditAccountId: 'bob', amount: 1n, code: 'c', timeoutMs: 5 }, 'FIELD_NOT_ALLOWED'],
      [{ id: 'x13', kind: 'post', pendingId: 'h', debitAccountId: 'bob', code: 'c' }, 'ACCOUNTS_MISMATCH'],
      [{ id: 'dep-1', kind: 'single', debitAccountId: 'clearing', creditAccountId: 'alice', amount: 999n, code: 'deposit' }, 'ID_CONFLICT'],
    ];
    for (const [request, reason] of cases) expect({ id: request.id, got: reasons(b.submit([request], T0))[0] }).toEqual({ id: request.id, got: reason });
    expect(JSON.stringify([...b.accounts.values()], (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before);
    // Posting once works; posting or voiding again does not.
    expect(reasons(b.submit([{ id: 'p', kind: 'post', pendingId: 'h', code: 'c' }], T0))).toEqual(['created']);
    expect(reasons(b.submit([{ id: 'p2', kind: 'post', pendingId: 'h', code: 'c' }], T0))).toEqual(['PENDING_ALREADY_POSTED']);
    expect(reasons(b.submit([{ id: 'v', kind: 'void', pendingId: 'h', code: 'c' }], T0))).toEqual(['PENDING_ALREADY_POSTED']);
  });

  it('treats a retry as a no-op and the same id with another body as a conflict', () => {
    const b = books();
    const hold: TransferRequest = { id: 'h', kind: 'pending', debitAccountId: 'alice', creditAccountId: 'bob', amount: 400n, code: 'hold', timeoutMs: 60_000 };
    expect(reasons(b.submit([hold], T0))).toEqual(['created']);
    expect(reasons(b.submit([hold], T0 + 5_000))).toEqual(['exists']);
    expect(reasons(b.submit([{ ...hold, amount: 401n }], T0))).toEqual(['ID_CONFLICT']);
    expect(b.account('alice')!.debitsPending).toBe(400n);
  });

  it('expires a pending transfer at its timeout; posting after that is refused', () => {
    const b = books();
    b.submit([{ id: 'h', kind: 'pending', debitAccountId: 'alice', creditAccountId: 'bob', amount: 400n, code: 'hold', timeoutMs: 1_000 }], T0);
    expect(b.expire(T0 + 999)).toEqual([]);
    expect(reasons(b.submit([{ id: 'late', kind: 'post', pendingId: 'h', code: 'c' }], T0 + 1_000))).toEqual(['PENDING_EXPIRED']);
    expect(b.expire(T0 + 1_000).map((t) => t.id)).toEqual(['h']);
    expect(b.transfer('h')!.state).toBe('expired');
    expect(availableOf(b.account('alice')!)).toBe(1_000n);
    expect(checkBooks(b.accounts.values(), b.transfers.values())).toEqual([]);
  });

  it('applies a linked chain all or nothing', () => {
    const b = books();
    // A delivery: post the hold to the seller, and take a fee from the seller — together.
    b.submit([{ id: 'h', kind: 'pending', debitAccountId: 'alice', creditAccountId: 'bob', amount: 500n, code: 'hold' }], T0);
    const chain: TransferRequest[] = [
      { id: 'post', kind: 'post', pendingId: 'h', code: 'delivery', linked: true },
      { id: 'fee', kind: 'single', debitAccountId: 'bob', creditAccountId: 'fees', amount: 600n, code: 'fee' },
    ];
    expect(reasons(b.submit(chain, T0))).toEqual(['LINKED_TRANSFER_FAILED', 'INSUFFICIENT_FUNDS']);
    expect(b.transfer('h')!.state).toBe('pending');
    expect(b.transfer('post')).toBeUndefined();
    expect(reasons(b.submit([chain[0]!, { ...chain[1]!, id: 'fee2', amount: 25n }], T0))).toEqual(['created', 'created']);
    expect(b.account('bob')).toMatchObject({ creditsPosted: 500n, debitsPosted: 25n });
    expect(reasons(b.submit([{ ...chain[1]!, id: 'open', amount: 1n, linked: true }], T0))).toEqual(['LINKED_CHAIN_OPEN']);
    expect(checkBooks(b.accounts.values(), b.transfers.values())).toEqual([]);
  });

  it('refuses a transfer that would overflow a balance, leaving both accounts as they were', () => {
    const b = new MemoryBooks();
    const max = (1n << 63n) - 1n;
    b.open('mint', false);
    b.open('other-mint', false);
    b.open('vault', false);
    expect(reasons(b.submit([{ id: 'big', kind: 'single', debitAccountId: 'mint', creditAccountId: 'vault', amount: max, code: 'deposit' }], T0))).toEqual(['created']);
    // Only the credit side overflows: the debit side must not keep its half of the change.
    expect(reasons(b.submit([{ id: 'more', kind: 'single', debitAccountId: 'other-mint', creditAccountId: 'vault', amount: 1n, code: 'deposit' }], T0))).toEqual(['BALANCE_OVERFLOW']);
    expect(b.account('other-mint')!.debitsPosted).toBe(0n);
    expect(b.account('vault')!.creditsPosted).toBe(max);
    expect(checkBooks(b.accounts.values(), b.transfers.values())).toEqual([]);
  });
});
