import { Injectable } from '@nestjs/common';
import type { Account, Transfer, TransferKind, TransferState } from '@ampool/settlement';
import type { Tx } from '@ampool/persistence';

/** An account row locked for the rest of a transaction, as the book sees it (named by owner). */
export interface LockedAccount {
  /** The row's uuid. */
  rowId: string;
  owner: string;
  kind: string;
  account: Account;
}

/** A transfer row with its accounts named by owner (the book's account ids). */
export interface StoredTransfer extends Transfer {
  referenceKind: string | null;
  referenceId: string | null;
}

/** Where a new transfer points, besides what the book decides (what market object it settles). */
export interface TransferReference {
  kind: string;
  id: string;
}

/** Thrown when another transaction inserted a transfer id this batch also inserts: retry the batch. */
export class TransferIdRace extends Error {
  constructor() {
    super('a transfer id was inserted concurrently');
  }
}

interface TransferRow {
  id: string;
  kind: TransferKind;
  debit: string;
  credit: string;
  amount_micro: bigint;
  code: string;
  pending_id: string | null;
  state: TransferState;
  created_at: Date;
  expires_at: Date | null;
  posted_amount_micro: bigint;
  request_hash: string;
  reference_kind: string | null;
  reference_id: string | null;
}

const TRANSFER_COLUMNS = `t.id::text AS id, t.kind, d.owner AS debit, c.owner AS credit, t.amount_micro, t.code, t.pending_id::text AS pending_id,
  t.state, t.created_at, t.expires_at, t.posted_amount_micro, t.request_hash, t.reference_kind, t.reference_id::text AS reference_id`;

function toTransfer(r: TransferRow): StoredTransfer {
  return {
    id: r.id,
    kind: r.kind,
    debitAccountId: r.debit,
    creditAccountId: r.credit,
    amount: r.amount_micro,
    code: r.code,
    pendingId: r.pending_id,
    state: r.state,
    createdAt: r.created_at.getTime(),
    expiresAt: r.expires_at ? r.expires_at.getTime() : null,
    postedAmount: r.posted_amount_micro,
    fingerprint: r.request_hash,
    referenceKind: r.reference_kind,
    referenceId: r.reference_id,
  };
}

/**
 * `settlement.transfer` and `settlement.account` for the transfer engine. Every write is one
 * statement for the whole batch (arrays through `unnest`), so a batch of thousands of
 * transfers costs a handful of round trips.
 */
@Injectable()
export class TransfersRepository {
  /** Transfers by id, with their accounts' owners. */
  async findTransfers(tx: Tx, ids: string[]): Promise<Map<string, StoredTransfer>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<TransferRow[]>(
      `SELECT ${TRANSFER_COLUMNS}
       FROM settlement.transfer t JOIN settlement.account d ON d.id = t.debit_account_id JOIN settlement.account c ON c.id = t.credit_account_id
       WHERE t.id = ANY(string_to_array($1, ',')::uuid[])`,
      [...new Set(ids)].join(','),
    );
    return new Map(rows.map((r) => [r.id, toTransfer(r)]));
  }

  /** Transfers that settle a market object (by reference), with their accounts' owners. */
  async findByReference(tx: Tx, kind: string, ids: string[]): Promise<StoredTransfer[]> {
    if (ids.length === 0) return [];
    const rows = await tx.$queryRawUnsafe<TransferRow[]>(
      `SELECT ${TRANSFER_COLUMNS}
       FROM settlement.transfer t JOIN settlement.account d ON d.id = t.debit_account_id JOIN settlement.account c ON c.id = t.credit_account_id
       WHERE t.reference_kind = $1 AND t.reference_id = ANY($2::uuid[])`,
      kind,
      ids,
    );
    return rows.map(toTransfer);
  }

  /** Pending transfers whose timeout has passed at `now`, oldest first. */
  async dueForExpiry(tx: Tx, now: Date, limit: number): Promise<string[]> {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text AS id FROM settlement.transfer WHERE state = 'pending' AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
      now,
      limit,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Locks the accounts of `owners`, and the accounts of the transfers `pendingIds` name, for the
   * rest of the transaction — always in row-id order, so two transactions over the same
   * accounts wait for each other instead of deadlocking.
   */
  async lockAccounts(tx: Tx, owners: Iterable<string>, pendingIds: string[] = []): Promise<Map<string, LockedAccount>> {
    const list = [...new Set(owners)];
    if (list.length === 0 && pendingIds.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<{ id: string; owner: string; kind: string; cp: bigint; dp: bigint; cpe: bigint; dpe: bigint; may: boolean }[]>(
      `SELECT id::text AS id, owner, kind, credits_posted_micro AS cp, debits_posted_micro AS dp,
              credits_pending_micro AS cpe, debits_pending_micro AS dpe, may_overdraw AS may
       FROM settlement.account
       WHERE owner = ANY($1::text[])
          OR id IN (SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id]) FROM settlement.transfer t
                    WHERE $2 <> '' AND t.id = ANY(string_to_array($2, ',')::uuid[]))
       ORDER BY id FOR UPDATE`,
      list,
      [...new Set(pendingIds)].join(','),
    );
    return new Map(
      rows.map((r) => [
        r.owner,
        {
          rowId: r.id,
          owner: r.owner,
          kind: r.kind,
          account: { id: r.owner, noOverdraft: !r.may, creditsPosted: r.cp, debitsPosted: r.dp, creditsPending: r.cpe, debitsPending: r.dpe },
        },
      ]),
    );
  }

  /** Creates participant accounts that do not exist yet (they can never overdraw). */
  async ensureParticipantAccounts(tx: Tx, owners: { id: string; owner: string }[]): Promise<void> {
    if (owners.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.account (id, owner, kind, may_overdraw)
       SELECT id, owner, 'participant', false FROM unnest($1::uuid[], $2::text[]) AS t(id, owner)
       ON CONFLICT (owner) DO NOTHING`,
      owners.map((o) => o.id),
      owners.map((o) => o.owner),
    );
  }

  /** Inserts new transfers; throws TransferIdRace if another transaction took one of the ids meanwhile. */
  async insertTransfers(tx: Tx, transfers: Transfer[], rowIdOf: (owner: string) => string, references: Map<string, TransferReference>): Promise<void> {
    if (transfers.length === 0) return;
    // One JSON parameter for the whole batch: far cheaper to bind than a dozen large arrays.
    const rows = transfers.map((t) => {
      const ref = references.get(t.id);
      return {
        id: t.id, kind: t.kind, debit: rowIdOf(t.debitAccountId), credit: rowIdOf(t.creditAccountId), amount: t.amount.toString(), code: t.code,
        pending: t.pendingId, state: t.state, created: new Date(t.createdAt).toISOString(), expires: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
        hash: t.fingerprint, rkind: ref?.kind ?? null, rid: ref?.id ?? null,
      };
    });
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO settlement.transfer (id, kind, debit_account_id, credit_account_id, amount_micro, code, pending_id, state,
                                        created_at, expires_at, request_hash, reference_kind, reference_id, resolved_at)
       SELECT id, kind, debit, credit, amount, code, pending, state, created, expires, hash, rkind, rid,
              CASE WHEN kind IN ('post', 'void') THEN created END
       FROM json_to_recordset($1::json)
         AS t(id uuid, kind text, debit uuid, credit uuid, amount bigint, code text, pending uuid, state text,
              created timestamptz, expires timestamptz, hash text, rkind text, rid uuid)
       ON CONFLICT (id) DO NOTHING`,
      JSON.stringify(rows),
    );
    if (inserted !== transfers.length) throw new TransferIdRace();
  }

  /** Records the new state of pending transfers this batch posted, voided or expired. */
  async resolvePending(tx: Tx, transfers: Transfer[], at: Date): Promise<void> {
    if (transfers.length === 0) return;
    const n = await tx.$executeRawUnsafe(
      `UPDATE settlement.transfer AS t SET state = u.state, posted_amount_micro = u.posted, resolved_at = $2
       FROM json_to_recordset($1::json) AS u(id uuid, state text, posted bigint)
       WHERE t.id = u.id AND t.state = 'pending'`,
      JSON.stringify(transfers.map((t) => ({ id: t.id, state: t.state, posted: t.postedAmount.toString() }))),
      at,
    );
    if (n !== transfers.length) throw new Error(`resolved ${n} of ${transfers.length} pending transfers: one was no longer pending`);
  }

  /** Writes the new totals of locked accounts (one statement); the no-overdraft CHECK has the last word. */
  async writeAccounts(tx: Tx, accounts: { rowId: string; account: Account }[]): Promise<void> {
    if (accounts.length === 0) return;
    await tx.$executeRawUnsafe(
      `UPDATE settlement.account AS a SET
         credits_posted_micro = d.cp, debits_posted_micro = d.dp, credits_pending_micro = d.cpe, debits_pending_micro = d.dpe
       FROM json_to_recordset($1::json) AS d(id uuid, cp bigint, dp bigint, cpe bigint, dpe bigint)
       WHERE a.id = d.id`,
      JSON.stringify(
        accounts.map((a) => ({
          id: a.rowId, cp: a.account.creditsPosted.toString(), dp: a.account.debitsPosted.toString(),
          cpe: a.account.creditsPending.toString(), dpe: a.account.debitsPending.toString(),
        })),
      ),
    );
  }
}
