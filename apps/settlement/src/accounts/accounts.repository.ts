import { Injectable } from '@nestjs/common';
import type { AccountView } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { PrismaClient, type Db, type Tx } from '@ampool/persistence';

/** Kinds of account (see the CHECK in the migration). */
export type AccountKind = 'participant' | 'clearing' | 'platform_fee' | 'grid_operator' | 'utility';

export interface AccountRow {
  id: string;
  owner: string;
  kind: string;
  creditsPostedMicro: bigint;
  debitsPostedMicro: bigint;
  creditsPendingMicro: bigint;
  debitsPendingMicro: bigint;
  mayOverdraw: boolean;
}

/** The external clearing account: the other side of deposits and withdrawals. */
export const CLEARING_OWNER = 'system:clearing';

/** What an account can still pay or hold: credits posted − debits posted − debits pending. */
export function availableMicro(a: AccountRow): bigint {
  return a.creditsPostedMicro - a.debitsPostedMicro - a.debitsPendingMicro;
}

export function toAccountView(a: AccountRow): AccountView {
  return {
    owner: a.owner,
    creditsPostedMicro: a.creditsPostedMicro,
    debitsPostedMicro: a.debitsPostedMicro,
    creditsPendingMicro: a.creditsPendingMicro,
    debitsPendingMicro: a.debitsPendingMicro,
    availableMicro: availableMicro(a),
  };
}

/** The `settlement.account` table. */
@Injectable()
export class AccountsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByOwner(owner: string, db: Db = this.prisma): Promise<AccountRow | null> {
    return db.settlementAccount.findUnique({ where: { owner } });
  }

  /** Creates the account if it does not exist yet (concurrent callers agree on one row). */
  async ensure(tx: Tx, owner: string, kind: AccountKind): Promise<void> {
    await tx.settlementAccount.createMany({ data: [{ id: uuidv7(), owner, kind, mayOverdraw: kind !== 'participant' }], skipDuplicates: true });
  }

  async ensureMany(tx: Tx, owners: string[], kind: AccountKind): Promise<void> {
    if (owners.length === 0) return;
    await tx.settlementAccount.createMany({ data: [...new Set(owners)].map((owner) => ({ id: uuidv7(), owner, kind, mayOverdraw: kind !== 'participant' })), skipDuplicates: true });
  }

  /**
   * Locks the accounts of `owners` for the rest of the transaction, always in id order so
   * that two transfers between the same accounts can never deadlock. Returns them by owner.
   */
  async lockByOwners(tx: Tx, owners: string[]): Promise<Map<string, AccountRow>> {
    const rows = await tx.$queryRawUnsafe<
      { id: string; owner: string; kind: string; cp: bigint; dp: bigint; cpe: bigint; dpe: bigint; may: boolean }[]
    >(
      `SELECT id::text AS id, owner, kind, credits_posted_micro AS cp, debits_posted_micro AS dp,
              credits_pending_micro AS cpe, debits_pending_micro AS dpe, may_overdraw AS may
       FROM settlement.account WHERE owner = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      owners,
    );
    return new Map(
      rows.map((r) => [
        r.owner,
        { id: r.id, owner: r.owner, kind: r.kind, creditsPostedMicro: r.cp, debitsPostedMicro: r.dp, creditsPendingMicro: r.cpe, debitsPendingMicro: r.dpe, mayOverdraw: r.may },
      ]),
    );
  }

  /** Applies balance changes to locked accounts. */
  async addToBalances(
    tx: Tx,
    id: string,
    delta: { creditsPostedMicro?: bigint; debitsPostedMicro?: bigint; creditsPendingMicro?: bigint; debitsPendingMicro?: bigint },
  ): Promise<AccountRow> {
    return tx.settlementAccount.update({
      where: { id },
      data: {
        creditsPostedMicro: { increment: delta.creditsPostedMicro ?? 0n },
        debitsPostedMicro: { increment: delta.debitsPostedMicro ?? 0n },
        creditsPendingMicro: { increment: delta.creditsPendingMicro ?? 0n },
        debitsPendingMicro: { increment: delta.debitsPendingMicro ?? 0n },
      },
    });
  }
}
