import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hex } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { checkEntry, MembershipView, SUBMIT_SUBJECT, testGenesis } from '@ampool/ledger';
import { LedgerSubmitter, type OutboxRelay } from '@ampool/messaging';
import { createPrismaClient, OutboxStore, type OutboxRow, type PrismaClient } from '@ampool/persistence';
import { createTestDatabase, type TestDatabase } from '@ampool/testing';
import { StatementsService } from '../reports/statements.service';
import { TransferEngine } from '../transfers/transfer-engine';
import { TransfersRepository } from '../transfers/transfers.repository';
import { TransferEntries } from './transfer-entries';

const ALICE = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const BOB = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';

/**
 * Settlement's transfers as its own ledger entries, on real PostgreSQL: what the engine writes
 * to the outbox in the transfer's transaction, what the relay signs from it (checked by the
 * validators' own rule), and the statement's view of finality.
 */
describe('settlement transfers as ledger entries', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let dir: string;
  let engine: TransferEngine;
  let submitter: LedgerSubmitter;
  const { genesis, secretOf } = testGenesis();
  const membership = new MembershipView(genesis.membership);
  const outbox = new OutboxStore('settlement');

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: db.url, poolMax: 4 });
    dir = mkdtempSync(join(tmpdir(), 'ampool-entries-'));
    writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis));
    writeFileSync(join(dir, 'settlement.key'), hex(secretOf('settlement')));
    submitter = new LedgerSubmitter({ submitter: 'settlement', genesisFile: join(dir, 'genesis.json'), keyFile: join(dir, 'settlement.key') });
    // The relay is only woken early; the rows are read back from the outbox table here.
    const relay = { notify: () => undefined } as unknown as OutboxRelay;
    engine = new TransferEngine(new TransfersRepository(), new TransferEntries(submitter, outbox, relay));
    // The system accounts (the clearing account among them) come with the schema.
    await prisma.settlementAccount.createMany({ data: [ALICE, BOB].map((owner) => ({ id: randomUUID(), owner, kind: 'participant', mayOverdraw: false })) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const drainOutbox = () => prisma.$queryRawUnsafe<OutboxRow[]>(`DELETE FROM settlement.outbox RETURNING id::text AS id, subject, payload`);
  const apply = (requests: Parameters<TransferEngine['apply']>[1][number], now: number) => prisma.$transaction((tx) => engine.apply(tx, [requests], now));

  it('writes one entry per final transfer in the transfer\'s own transaction, and the relay signs each as the validators require', async () => {
    await drainOutbox();
    const deposit = uuidv7(1_000);
    const hold = uuidv7(2_000);
    const partial = uuidv7(3_000);
    const dropped = uuidv7(4_000);
    const voided = uuidv7(5_000);
    const expiring = uuidv7(6_000);
    await apply([{ id: deposit, kind: 'single', debitAccountId: 'system:clearing', creditAccountId: ALICE, amount: 1_000_000n, code: 'deposit' }], 1_000);
    await apply([{ id: hold, kind: 'pending', debitAccountId: ALICE, creditAccountId: BOB, amount: 300_000n, code: 'hold' }], 2_000);
    await apply([{ id: dropped, kind: 'pending', debitAccountId: ALICE, creditAccountId: BOB, amount: 50_000n, code: 'hold' }], 2_000);
    await apply([{ id: expiring, kind: 'pending', debitAccountId: ALICE, creditAccountId: BOB, amount: 7_000n, code: 'hold', timeoutMs: 1_000 }], 2_000);
    await apply([{ id: partial, kind: 'post', pendingId: hold, amount: 120_000n, code: 'energy.delivery' }], 3_000);
    await apply([{ id: voided, kind: 'void', pendingId: dropped, code: 'energy.void' }], 5_000);
    await prisma.$transaction((tx) => engine.expire(tx, [expiring], 10_000));
    // A refused transfer writes nothing, not even its entry.
    const refused = await apply([{ id: uuidv7(7_000), kind: 'single', debitAccountId: BOB, creditAccountId: ALICE, amount: 10n ** 12n, code: 'gift' }], 7_000);
    expect(refused.results[0]![0]).toMatchObject({ status: 'refused', reason: 'INSUFFICIENT_FUNDS' });

    const rows = await drainOutbox();
    expect(rows.every((r) => r.subject === SUBMIT_SUBJECT)).toBe(true);
    const entries = rows.flatMap((r) => submitter.messagesFor(r)).map((m) => {
      const verdict = checkEntry(genesis.chainId, membership, genesis.maxPayloadBytes, new TextEncoder().encode(m.payload));
      if (!verdict.ok) throw new Error(`${verdict.code}: ${verdict.detail}`);
      expect(m.msgID).toBe(verdict.entry.id);
      return { submitter: verdict.entry.submitter, subject: verdict.subjectId, payload: verdict.parsedPayload as Record<string, unknown> };
    });
    // Holds are not among them (they are entries of their own, from their events).
    expect(entries.map((e) => [e.subject, e.payload.kind, e.payload.amountMicro, e.payload.pendingId])).toEqual([
      [deposit, 'single', '1000000', null],
      [partial, 'post', '120000', hold],
      [voided, 'void', '0', dropped],
      [expiring, 'expired', '0', expiring],
    ]);
    expect(entries.every((e) => e.submitter === 'settlement')).toBe(true);
    expect(entries[1]!.payload).toMatchObject({ debit: ALICE, credit: BOB, code: 'energy.delivery', at: new Date(3_000).toISOString() });
    // The same row published again (a crash before the outbox row was deleted) is the same entry, byte for byte.
    expect(submitter.messagesFor(rows[1]!)).toEqual(submitter.messagesFor(rows[1]!));
  });

  it('shows on the statement when the ledger made a transfer final, and nothing before', async () => {
    const statements = new StatementsService(prisma);
    const lines = async () => (await statements.statement(ALICE, new Date(0), new Date(20 * 86_400_000))).lines;
    const before = await lines();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((l) => l.ledgerCommittedAt === null)).toBe(true);
    const target = before.find((l) => l.kind === 'single')!;
    const at = new Date('2026-11-29T03:00:00.000Z');
    await prisma.settlementLedgerCommit.create({
      data: { entryId: uuidv7(), entryType: 'settlement.transfer', subjectId: target.transferId, logIndex: 0n, payloadHash: 'a'.repeat(64), committedAt: at },
    });
    const after = await lines();
    expect(after.find((l) => l.transferId === target.transferId)!.ledgerCommittedAt).toEqual(at);
    expect(after.filter((l) => l.ledgerCommittedAt !== null)).toHaveLength(1);
    // A finality is a fact: the table refuses to change it.
    await expect(prisma.$executeRawUnsafe(`UPDATE settlement.ledger_commit SET committed_at = now()`)).rejects.toThrow(/append-only/);
  });
});
