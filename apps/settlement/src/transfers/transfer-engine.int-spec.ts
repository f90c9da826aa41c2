import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createPrismaClient, type PrismaClient } from '@ampool/persistence';
import { MemoryBooks, type TransferRequest, type TransferResult } from '@ampool/settlement';
import { createTestDatabase, type TestDatabase } from '@ampool/testing';
import { checkInvariants } from '../reports/invariants';
import { TransferEngine } from './transfer-engine';
import { TransfersRepository } from './transfers.repository';

/** The engine against real PostgreSQL: the database's books must match the in-memory reference exactly. */
describe('the transfer engine on PostgreSQL', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  const engine = new TransferEngine(new TransfersRepository());

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url, poolMax: 8 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  const run = (groups: TransferRequest[][], now: number) => prisma.$transaction((tx) => engine.apply(tx, groups, now), { timeout: 60_000 });
  async function open(owner: string, mayOverdraw = false): Promise<void> {
    await prisma.settlementAccount.create({ data: { id: randomUUID(), owner, kind: mayOverdraw ? 'clearing' : 'participant', mayOverdraw } });
  }
  async function totals(owner: string) {
    const a = await prisma.settlementAccount.findUniqueOrThrow({ where: { owner } });
    return { creditsPosted: a.creditsPostedMicro, debitsPosted: a.debitsPostedMicro, creditsPending: a.creditsPendingMicro, debitsPending: a.debitsPendingMicro };
  }
  const strip = (r: TransferResult) => (r.status === 'refused' ? { id: r.id, status: r.status, reason: r.reason } : { id: r.id, status: r.status, state: r.transfer.state, amount: r.transfer.amount });

  it('refuses bad transfers with a stable reason and changes nothing', async () => {
    const [bank, a, b] = ['bank-1', 'alice-1', 'bob-1'];
    await open(bank, true);
    await open(a);
    await open(b);
    const hold = randomUUID();
    const deposit = { id: randomUUID(), kind: 'single' as const, debitAccountId: bank, creditAccountId: a, amount: 1_000n, code: 'deposit' };
    await run([[deposit, { id: hold, kind: 'pending', debitAccountId: a, creditAccountId: b, amount: 600n, code: 'hold' }]], 1_000);
    const posted = randomUUID();
    const open3 = randomUUID();
    await run([[{ id: posted, kind: 'post', pendingId: hold, amount: 100n, code: 'delivery' }, { id: open3, kind: 'pending', debitAccountId: a, creditAccountId: b, amount: 50n, code: 'hold' }]], 1_001);
    const before = [await totals(a), await totals(b)];
    const other = randomUUID();
    const cases: [TransferRequest, string][] = [
      [{ id: randomUUID(), kind: 'single', debitAccountId: 'nobody', creditAccountId: a, amount: 1n, code: 'x' }, 'ACCOUNT_UNKNOWN'],
      [{ id: randomUUID(), kind: 'single', debitAccountId: a, creditAccountId: b, amount: 0n, code: 'x' }, 'AMOUNT_INVALID'],
      [{ id: randomUUID(), kind: 'single', debitAccountId: a, creditAccountId: b, amount: -5n, code: 'x' }, 'AMOUNT_INVALID'],
      [{ id: randomUUID(), kind: 'single', debitAccountId: a, creditAccountId: b, amount: 1n << 63n, code: 'x' }, 'AMOUNT_INVALID'],
      [{ id: randomUUID(), kind: 'single', debitAccountId: a, creditAccountId: b, amount: 851n, code: 'x' }, 'INSUFFICIENT_FUNDS'],
      [{ id: randomUUID(), kind: 'post', pendingId: open3, amount: 51n, code: 'x' }, 'EXCEEDS_PENDING_AMOUNT'],
      [{ id: randomUUID(), kind: 'post', pendingId: hold, amount: 1n, code: 'x' }, 'PENDING_ALREADY_POSTED'],
      [{ id: randomUUID(), kind: 'void', pendingId: hold, code: 'x' }, 'PENDING_ALREADY_POSTED'],
      [{ id: deposit.id, kind: 'single', debitAccountId: bank, creditAccountId: a, amount: 999n, code: 'deposit' }, 'ID_CONFLICT'],
      [{ id: randomUUID(), kind: 'void', pendingId: other, code: 'x' }, 'PENDING_NOT_FOUND'],
    ];
    for (const [request, reason] of cases) {
      const { results } = await run([[request]], 1_002);
      expect({ reason: results[0]![0]!.status === 'refused' ? results[0]![0]!.reason : results[0]![0]!.status }).toEqual({ reason });
    }
    // A hold voided, then posted: refused.
    const h2 = randomUUID();
    await run([[{ id: h2, kind: 'pending', debitAccountId: a, creditAccountId: b, amount: 10n, code: 'hold' }, { id: randomUUID(), kind: 'void', pendingId: h2, code: 'cancel' }]], 1_003);
    const { results } = await run([[{ id: randomUUID(), kind: 'post', pendingId: h2, code: 'x' }], [{ id: randomUUID(), kind: 'post', pendingId: posted, code: 'x' }]], 1_004);
    expect(results.map((g) => (g[0]!.status === 'refused' ? g[0]!.reason : 'applied'))).toEqual(['PENDING_ALREADY_VOIDED', 'PENDING_NOT_PENDING_KIND']);
    expect([await totals(a), await totals(b)]).toEqual(before);
    // A retry of the deposit is a no-op.
    expect((await run([[deposit]], 2_000)).results[0]![0]!.status).toBe('exists');
    expect(await totals(a)).toEqual(before[0]);
    expect((await checkInvariants(prisma, 2_000)).problems).toEqual([]);
  });

  it('never overdraws an account under many concurrent holds, and never deadlocks', async () => {
    const [bank, payer] = ['bank-2', 'payer-2'];
    const payees = ['q0', 'q1', 'q2', 'q3'];
    await open(bank, true);
    await open(payer);
    for (const p of payees) await open(p);
    await run([[{ id: randomUUID(), kind: 'single', debitAccountId: bank, creditAccountId: payer, amount: 10_000n, code: 'deposit' }]], 1);
    // 200 holds of 100 (twice the money) from 40 transactions at once, each also paying
    // between payees in the opposite order, to tempt a deadlock.
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        run(
          [
            Array.from({ length: 5 }, () => ({ id: randomUUID(), kind: 'pending' as const, debitAccountId: payer, creditAccountId: payees[i % 4]!, amount: 100n, code: 'hold' })),
            [{ id: randomUUID(), kind: 'pending', debitAccountId: payees[(i + 1) % 4]!, creditAccountId: payees[i % 4]!, amount: 1n, code: 'x' }],
          ],
          2,
        ),
      ),
    );
    const held = outcomes.flatMap((o) => o.results[0]!).filter((r) => r.status === 'created').length;
    const refused = outcomes.flatMap((o) => o.results[0]!).filter((r) => r.status === 'refused');
    expect(held).toBe(100);
    expect(new Set(refused.map((r) => (r.status === 'refused' ? r.reason : '')))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
    expect(await totals(payer)).toEqual({ creditsPosted: 10_000n, debitsPosted: 0n, creditsPending: 0n, debitsPending: 10_000n });
    expect((await checkInvariants(prisma, 3)).problems).toEqual([]);
  });

  it('refuses, in the database itself, an overdraft the code would let through, a post beyond its hold, and deleting accounts or transfers', async () => {
    const owner = 'raw-3';
    await open(owner);
    await expect(prisma.$executeRawUnsafe(`UPDATE settlement.account SET debits_pending_micro = 1 WHERE owner = $1`, owner)).rejects.toThrow(/account_no_overdraft/);
    await expect(
      prisma.$executeRawUnsafe(
        `INSERT INTO settlement.transfer (id, kind, debit_account_id, credit_account_id, amount_micro, code, state, request_hash, posted_amount_micro)
         SELECT gen_random_uuid(), 'pending', a.id, b.id, 5, 'x', 'posted', 'h', 6 FROM settlement.account a, settlement.account b WHERE a.owner = 'raw-3' AND b.owner = 'bank-1'`,
      ),
    ).rejects.toThrow(/transfer_posted_within_pending/);
    // Transfers name accounts and pending transfers without foreign keys: neither can ever go away.
    await expect(prisma.$executeRawUnsafe(`DELETE FROM settlement.account WHERE owner = $1`, owner)).rejects.toThrow(/append-only|refused/);
    await expect(prisma.$executeRawUnsafe(`DELETE FROM settlement.transfer`)).rejects.toThrow(/append-only|refused/);
    await expect(prisma.$executeRawUnsafe(`TRUNCATE settlement.transfer CASCADE`)).rejects.toThrow(/append-only/);
  });

  it('voids pending transfers whose timeout passed, once', async () => {
    const [bank, a, b] = ['bank-4', 'a-4', 'b-4'];
    await open(bank, true);
    await open(a);
    await open(b);
    const hold = randomUUID();
    await run([[{ id: randomUUID(), kind: 'single', debitAccountId: bank, creditAccountId: a, amount: 500n, code: 'deposit' }, { id: hold, kind: 'pending', debitAccountId: a, creditAccountId: b, amount: 500n, code: 'hold', timeoutMs: 1_000 }]], 10_000);
    const repo = new TransfersRepository();
    const sweep = (now: number) => prisma.$transaction(async (tx) => engine.expire(tx, await repo.dueForExpiry(tx, new Date(now), 100), now));
    expect(await sweep(10_999)).toEqual([]);
    const [expired] = await sweep(11_000);
    expect(expired).toMatchObject({ id: hold, state: 'expired' });
    expect(await sweep(12_000)).toEqual([]);
    expect(await totals(a)).toEqual({ creditsPosted: 500n, debitsPosted: 0n, creditsPending: 0n, debitsPending: 0n });
    const { results } = await run([[{ id: randomUUID(), kind: 'post', pendingId: hold, code: 'late' }]], 12_000);
    expect(results[0]![0]).toMatchObject({ status: 'refused', reason: 'PENDING_EXPIRED' });
  });

  it('keeps the same books as the in-memory reference under random sessions (Σ = 0 after every batch)', async () => {
    let session = 0;
    const amount = fc.oneof(fc.bigInt({ min: 1n, max: 2_000n }), fc.constantFrom(0n, 1n << 63n));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              op: fc.constantFrom('deposit', 'single', 'hold', 'post', 'void', 'retry', 'conflict'),
              from: fc.nat({ max: 2 }),
              to: fc.nat({ max: 2 }),
              pick: fc.nat(),
              amount,
              partial: fc.boolean(),
              timeoutMs: fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined }),
              linked: fc.boolean(),
            }),
            { minLength: 1, maxLength: 6 },
          ),
          { minLength: 1, maxLength: 8 },
        ),
        async (batches) => {
          session++;
          const bank = `bank-s${session}`;
          const people = [0, 1, 2].map((i) => `p${i}-s${session}`);
          const memory = new MemoryBooks();
          memory.open(bank, false);
          await open(bank, true);
          for (const p of people) {
            memory.open(p, true);
            await open(p);
          }
          const sent: TransferRequest[] = [];
          const holds: string[] = [];
          let now = 1_000_000;
          for (const batch of batches) {
            now += 700;
            const requests = batch.map((s, i): TransferRequest => {
              const id = randomUUID();
              const linked = s.linked && i < batch.length - 1;
              const base = { id, code: s.op, ...(linked ? { linked } : {}) };
              switch (s.op) {
                case 'deposit':
                  return { ...base, kind: 'single', debitAccountId: bank, creditAccountId: people[s.to]!, amount: s.amount };
                case 'single':
                  return { ...base, kind: 'single', debitAccountId: people[s.from]!, creditAccountId: people[s.to]!, amount: s.amount };
                case 'hold':
                  holds.push(id);
                  return { ...base, kind: 'pending', debitAccountId: people[s.from]!, creditAccountId: people[s.to]!, amount: s.amount, ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}) };
                case 'post':
                  return { ...base, kind: 'post', pendingId: holds[s.pick % Math.max(1, holds.length)] ?? randomUUID(), ...(s.partial ? { amount: s.amount } : {}) };
                case 'void':
                  return { ...base, kind: 'void', pendingId: holds[s.pick % Math.max(1, holds.length)] ?? randomUUID() };
                case 'retry':
                  return sent.length ? sent[s.pick % sent.length]! : { ...base, kind: 'single', debitAccountId: bank, creditAccountId: people[0]!, amount: 1n };
                default: {
                  const earlier = sent[s.pick % Math.max(1, sent.length)];
                  return earlier ? { ...earlier, code: 'changed' } : { ...base, kind: 'single', debitAccountId: bank, creditAccountId: people[0]!, amount: 1n };
                }
              }
            });
            sent.push(...requests.filter((r) => !r.linked));
            const expected = memory.submit(requests, now);
            memory.expire(now);
            const { results } = await run([requests], now);
            await prisma.$transaction(async (tx) => engine.expire(tx, await new TransfersRepository().dueForExpiry(tx, new Date(now), 1_000), now));
            expect(results[0]!.map(strip)).toEqual(expected.map(strip));
            const report = await checkInvariants(prisma, now);
            expect(report.problems).toEqual([]);
            expect(report.postedSumMicro).toBe(0n);
            expect(report.pendingSumMicro).toBe(0n);
          }
          for (const owner of [bank, ...people]) {
            const m = memory.account(owner)!;
            expect(await totals(owner)).toEqual({ creditsPosted: m.creditsPosted, debitsPosted: m.debitsPosted, creditsPending: m.creditsPending, debitsPending: m.debitsPending });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
