import fc from 'fast-check';
import { checkBooks } from './invariants';
import { MemoryBooks } from './memory-books';
import { availableOf } from './transfer-book';
import type { TransferRequest } from './types';

const PARTICIPANTS = ['p0', 'p1', 'p2', 'p3'];

/** One step of a random session, resolved against what was submitted before it. */
type Step =
  | { op: 'deposit'; to: number; amount: bigint }
  | { op: 'single' | 'hold'; from: number; to: number; amount: bigint; timeoutMs?: number }
  | { op: 'post'; hold: number; amount?: bigint }
  | { op: 'void'; hold: number }
  | { op: 'advance'; ms: number }
  | { op: 'retry'; earlier: number }
  | { op: 'conflict'; earlier: number }
  | { op: 'linked'; steps: Step[] };

const amount = fc.oneof(fc.bigInt({ min: 1n, max: 2_000n }), fc.constantFrom(0n, -1n, 1n << 63n));
const account = fc.nat({ max: PARTICIPANTS.length - 1 });
const simple: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('deposit' as const), to: account, amount: fc.bigInt({ min: 1n, max: 5_000n }) }),
  fc.record({ op: fc.constant('single' as const), from: account, to: account, amount }),
  fc.record({ op: fc.constant('hold' as const), from: account, to: account, amount, timeoutMs: fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }) }),
  fc.record({ op: fc.constant('post' as const), hold: fc.nat(), amount: fc.option(amount, { nil: undefined }) }),
  fc.record({ op: fc.constant('void' as const), hold: fc.nat() }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({ op: fc.constant('retry' as const), earlier: fc.nat() }),
  fc.record({ op: fc.constant('conflict' as const), earlier: fc.nat() }),
);
const step: fc.Arbitrary<Step> = fc.oneof({ weight: 6, arbitrary: simple }, { weight: 1, arbitrary: fc.record({ op: fc.constant('linked' as const), steps: fc.array(simple, { minLength: 2, maxLength: 3 }) }) });

describe('TransferBook under random sessions', () => {
  it('keeps every invariant after every batch: balanced books, no overdraft, totals equal to transfers, posts within holds, retries change nothing, linked chains all or nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const books = new MemoryBooks();
        books.open('clearing', false);
        for (const p of PARTICIPANTS) books.open(p, true);
        const submitted: TransferRequest[] = [];
        const holds: string[] = [];
        let now = 1_000_000;
        let n = 0;

        const toRequest = (s: Step): TransferRequest | undefined => {
          const id = `t${n++}`;
          switch (s.op) {
            case 'deposit':
              return { id, kind: 'single', debitAccountId: 'clearing', creditAccountId: PARTICIPANTS[s.to]!, amount: s.amount, code: 'deposit' };
            case 'single':
              return { id, kind: 'single', debitAccountId: PARTICIPANTS[s.from]!, creditAccountId: PARTICIPANTS[s.to]!, amount: s.amount, code: 'trade' };
            case 'hold':
              holds.push(id);
              return { id, kind: 'pending', debitAccountId: PARTICIPANTS[s.from]!, creditAccountId: PARTICIPANTS[s.to]!, amount: s.amount, code: 'hold', ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}) };
            case 'post':
              return holds.length ? { id, kind: 'post', pendingId: holds[s.hold % holds.length]!, ...(s.amount !== undefined ? { amount: s.amount } : {}), code: 'delivery' } : undefined;
            case 'void':
              return holds.length ? { id, kind: 'void', pendingId: holds[s.hold % holds.length]!, code: 'cancel' } : undefined;
            case 'retry':
              // Alone, so not linked (a lone linked transfer is an open chain).
              return submitted.length ? { ...submitted[s.earlier % submitted.length]!, linked: false } : undefined;
            case 'conflict': {
              const earlier = submitted.length ? submitted[s.earlier % submitted.length]! : undefined;
              return earlier ? { ...earlier, code: `${earlier.code}-changed`, linked: false } : undefined;
            }
            default:
              return undefined;
          }
        };

        for (const s of steps) {
          if (s.op === 'advance') {
            now += s.ms;
            for (const t of books.expire(now)) if (t.state !== 'expired' || t.expiresAt! > now) return false;
          } else {
            const batch = (s.op === 'linked' ? s.steps : [s]).map(toRequest).filter((r): r is TransferRequest => r !== undefined);
            if (batch.length === 0) continue;
            if (s.op === 'linked') batch.forEach((r, i) => (batch[i] = { ...r, linked: i < batch.length - 1 }));
            const before = new Map(books.transfers);
            const accountsBefore = new Map(books.accounts);
            const results = books.submit(batch, now);
            // A retry changes nothing and says so; a conflicting body is refused.
            if (s.op === 'retry') {
              const earlier = before.get(batch[0]!.id);
              if (earlier && results[0]!.status !== 'exists') return false;
            }
            if (s.op === 'conflict' && before.has(batch[0]!.id) && !(results[0]!.status === 'refused' && results[0]!.reason === 'ID_CONFLICT')) return false;
            // A linked chain with a refusal leaves the books exactly as they were.
            if (s.op === 'linked' && results.some((r) => r.status === 'refused')) {
              if (results.some((r) => r.status === 'created')) return false;
              if (books.transfers.size !== before.size) return false;
              for (const [id, a] of books.accounts) if (a !== accountsBefore.get(id)) return false;
            }
            batch.forEach((r, i) => results[i]!.status === 'created' && submitted.push(r));
          }
          const problems = checkBooks(books.accounts.values(), books.transfers.values());
          if (problems.length > 0) throw new Error(problems.join('; '));
          for (const p of PARTICIPANTS) if (availableOf(books.account(p)!) < 0n) return false;
        }
        return true;
      }),
      { numRuns: 400 },
    );
  });
});
