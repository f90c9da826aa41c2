import { Injectable } from '@nestjs/common';
import type { ParticipantRole, ParticipantStatus, ParticipantView } from '@ampool/contracts';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

type Row = { did: string; role: string; status: string; displayName: string; currentKey: string; createdAt: Date };

function toView(row: Row): ParticipantView {
  return {
    did: row.did,
    role: row.role as ParticipantRole,
    status: row.status as ParticipantStatus,
    displayName: row.displayName,
    currentKey: row.currentKey,
    createdAt: row.createdAt,
  };
}

/** The `identity.participant` table. */
@Injectable()
export class ParticipantsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async find(did: string, db: Db = this.prisma): Promise<ParticipantView | null> {
    const row = await db.participant.findUnique({ where: { did } });
    return row ? toView(row) : null;
  }

  /** Locks the participant row for a status change. */
  async lock(tx: Tx, did: string): Promise<ParticipantView | null> {
    const rows = await tx.$queryRawUnsafe<Row[]>(
      `SELECT did, role, status, display_name AS "displayName", current_key AS "currentKey", created_at AS "createdAt"
       FROM identity.participant WHERE did = $1 FOR UPDATE`,
      did,
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async findByPublicKey(publicKey: Uint8Array<ArrayBuffer>, db: Db = this.prisma): Promise<ParticipantView | null> {
    const row = await db.participant.findUnique({ where: { publicKey } });
    return row ? toView(row) : null;
  }

  async insert(tx: Tx, p: ParticipantView & { publicKey: Uint8Array<ArrayBuffer> }): Promise<void> {
    await tx.participant.create({
      data: { did: p.did, publicKey: p.publicKey, role: p.role, status: p.status, displayName: p.displayName, currentKey: p.currentKey, createdAt: p.createdAt },
    });
  }

  async setStatus(tx: Tx, did: string, status: ParticipantStatus): Promise<ParticipantView> {
    return toView(await tx.participant.update({ where: { did }, data: { status, statusChangedAt: new Date() } }));
  }

  async setCurrentKey(tx: Tx, did: string, key: string): Promise<void> {
    await tx.participant.update({ where: { did }, data: { currentKey: key } });
  }

  /** One page in did order, after `after`. */
  async list(filter: { status?: ParticipantStatus; role?: ParticipantRole; after?: string; limit: number }): Promise<ParticipantView[]> {
    const rows = await this.prisma.participant.findMany({
      where: { status: filter.status, role: filter.role, did: filter.after ? { gt: filter.after } : undefined },
      orderBy: { did: 'asc' },
      take: filter.limit,
    });
    return rows.map(toView);
  }
}
