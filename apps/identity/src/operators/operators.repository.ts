import { Injectable } from '@nestjs/common';
import type { OperatorView } from '@ampool/contracts';
import { PrismaClient, type Tx } from '@ampool/persistence';

/** The `identity.operator` and `identity.session` tables. */
@Injectable()
export class OperatorsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByEmail(email: string): Promise<(OperatorView & { passwordHash: string }) | null> {
    const o = await this.prisma.operator.findUnique({ where: { email } });
    return o && o.disabledAt === null ? { id: o.id, email: o.email, createdAt: o.createdAt, passwordHash: o.passwordHash } : null;
  }

  async findActive(id: string): Promise<OperatorView | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const o = await this.prisma.operator.findUnique({ where: { id } });
    return o && o.disabledAt === null ? { id: o.id, email: o.email, createdAt: o.createdAt } : null;
  }

  async upsert(tx: Tx, o: { id: string; email: string; passwordHash: string }): Promise<void> {
    await tx.operator.upsert({ where: { email: o.email }, create: o, update: { passwordHash: o.passwordHash, disabledAt: null } });
  }

  async createSession(tx: Tx, s: { tokenHash: string; operatorId: string; expiresAt: Date }): Promise<void> {
    await tx.session.create({ data: s });
  }

  /** The live session's operator, or null when unknown, ended, expired, or the operator is disabled. */
  async findLiveSession(tokenHash: string, now: Date): Promise<{ operator: OperatorView; expiresAt: Date } | null> {
    const s = await this.prisma.session.findUnique({ where: { tokenHash }, include: { operator: true } });
    if (!s || s.endedAt !== null || s.expiresAt <= now || s.operator.disabledAt !== null) return null;
    return { operator: { id: s.operator.id, email: s.operator.email, createdAt: s.operator.createdAt }, expiresAt: s.expiresAt };
  }

  async endSession(tx: Tx, tokenHash: string): Promise<string | null> {
    const s = await tx.session.findUnique({ where: { tokenHash } });
    if (!s || s.endedAt !== null) return null;
    await tx.session.update({ where: { tokenHash }, data: { endedAt: new Date() } });
    return s.operatorId;
  }
}
