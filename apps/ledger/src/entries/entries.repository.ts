import { Injectable } from '@nestjs/common';
import type { LedgerEntryType, LedgerEntryView } from '@ampool/contracts';
import { PrismaClient, type Tx } from '@ampool/persistence';

/** The append-only `ledger.entry` table (the database refuses UPDATE and DELETE). */
@Injectable()
export class EntriesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Appends the entry unless one exists for (type, subject); returns it only if appended. */
  async append(tx: Tx, e: Omit<LedgerEntryView, 'sequence' | 'recordedAt'>): Promise<LedgerEntryView | null> {
    const rows = await tx.ledgerEntry.createManyAndReturn({
      data: [{ id: e.id, type: e.type, subjectId: e.subjectId, canonicalPayload: e.canonicalPayload, payloadHash: e.payloadHash, submittedBy: e.submittedBy }],
      skipDuplicates: true,
    });
    const row = rows[0];
    return row ? { ...row, type: row.type as LedgerEntryType } : null;
  }

  async findBySubject(type: LedgerEntryType, subjectId: string): Promise<LedgerEntryView | null> {
    const row = await this.prisma.ledgerEntry.findUnique({ where: { type_subjectId: { type, subjectId } } });
    return row ? { ...row, type: row.type as LedgerEntryType } : null;
  }
}
