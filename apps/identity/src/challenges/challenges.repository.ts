import { Injectable } from '@nestjs/common';
import { PrismaClient, type Tx } from '@ampool/persistence';

/** The `identity.challenge` table: single-use registration challenges. */
@Injectable()
export class ChallengesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async insert(c: { id: string; publicKey: Uint8Array<ArrayBuffer>; challenge: string; expiresAt: Date }): Promise<void> {
    await this.prisma.challenge.create({ data: c });
  }

  /** The challenge if it is unused, unexpired and was issued for this key. */
  async findUsable(id: string, publicKey: Uint8Array<ArrayBuffer>, now: Date): Promise<string | null> {
    const c = await this.prisma.challenge.findUnique({ where: { id } });
    if (!c || c.usedAt !== null || c.expiresAt <= now || !Buffer.from(c.publicKey).equals(Buffer.from(publicKey))) return null;
    return c.challenge;
  }

  /** Marks it used; false if another request used it first. */
  async consume(tx: Tx, id: string, now: Date): Promise<boolean> {
    const { count } = await tx.challenge.updateMany({ where: { id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    return count === 1;
  }

  /** Deletes challenges that expired more than an hour ago (bounded per call). */
  async purgeExpired(now: Date): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM identity.challenge WHERE id IN (SELECT id FROM identity.challenge WHERE expires_at < $1 LIMIT 10000)`,
      new Date(now.getTime() - 3_600_000),
    );
  }
}
