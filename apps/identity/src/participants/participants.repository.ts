import { Injectable } from '@nestjs/common';
import type { ParticipantView } from '@ampool/contracts';
import { PrismaClient, type Db } from '@ampool/persistence';

type Row = { did: string; role: string; status: string; displayName: string; createdAt: Date };

function toView(row: Row): ParticipantView {
  return { did: row.did, role: row.role as ParticipantView['role'], status: row.status as ParticipantView['status'], displayName: row.displayName, createdAt: row.createdAt };
}

/** The `identity.participant` table. */
@Injectable()
export class ParticipantsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByDid(did: string, db: Db = this.prisma): Promise<ParticipantView | null> {
    const row = await db.participant.findUnique({ where: { did } });
    return row ? toView(row) : null;
  }

  /** Inserts unless the did exists; returns the stored row and whether it was created now. */
  async insertIfAbsent(db: Db, p: ParticipantView & { publicKey: Uint8Array<ArrayBuffer> }): Promise<{ participant: ParticipantView; created: boolean }> {
    const inserted = await db.participant.createManyAndReturn({
      data: [{ did: p.did, publicKey: p.publicKey, role: p.role, status: p.status, displayName: p.displayName, createdAt: p.createdAt }],
      skipDuplicates: true,
    });
    if (inserted[0]) return { participant: toView(inserted[0]), created: true };
    const existing = await db.participant.findUniqueOrThrow({ where: { did: p.did } });
    return { participant: toView(existing), created: false };
  }
}
