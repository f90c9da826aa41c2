import { Injectable } from '@nestjs/common';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

export type KeyStatus = 'active' | 'rotated' | 'revoked';

export interface KeyRow {
  did: string;
  publicKey: Uint8Array;
  subject: string;
  subjectKind: string;
  status: string;
  retiredAt: Date | null;
}

/** The `identity.key` table: every key ever registered and what it speaks for. */
@Injectable()
export class KeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async find(did: string, db: Db = this.prisma): Promise<KeyRow | null> {
    return db.key.findUnique({ where: { did } });
  }

  async findByPublicKey(publicKey: Uint8Array<ArrayBuffer>, db: Db = this.prisma): Promise<KeyRow | null> {
    return db.key.findUnique({ where: { publicKey } });
  }

  async insert(tx: Tx, key: { did: string; publicKey: Uint8Array<ArrayBuffer>; subject: string; subjectKind: 'participant' | 'device' }): Promise<void> {
    await tx.key.create({ data: { ...key, status: 'active' } });
  }

  /** Retires one key if it is still active; returns whether it was. */
  async retire(tx: Tx, did: string, status: 'rotated' | 'revoked'): Promise<boolean> {
    const { count } = await tx.key.updateMany({ where: { did, status: 'active' }, data: { status, retiredAt: new Date() } });
    return count === 1;
  }

  /** Revokes every active key of the given subjects; returns the revoked keys with their subject. */
  async revokeAllOf(tx: Tx, subjects: string[]): Promise<{ did: string; subject: string }[]> {
    const active = await tx.key.findMany({ where: { subject: { in: subjects }, status: 'active' }, select: { did: true, subject: true } });
    if (active.length > 0) {
      await tx.key.updateMany({ where: { did: { in: active.map((k) => k.did) } }, data: { status: 'revoked', retiredAt: new Date() } });
    }
    return active;
  }
}
