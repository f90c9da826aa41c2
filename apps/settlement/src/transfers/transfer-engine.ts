import { Injectable, Optional } from '@nestjs/common';
import { TransferBook, type Transfer, type TransferRequest, type TransferResult } from '@ampool/settlement';
import type { Tx } from '@ampool/persistence';
import { TransferEntries, type FinalTransfer } from '../ledger/transfer-entries';
import { TransfersRepository, type LockedAccount, type TransferReference } from './transfers.repository';

/** What one engine pass did, for the caller to report or emit events about. */
export interface EngineOutcome {
  /** Per group of requests, in order: one result per request. */
  results: TransferResult[][];
  created: Transfer[];
  /** Pending transfers posted, voided or expired by this pass. */
  resolved: Transfer[];
  accounts: Map<string, LockedAccount>;
}

/**
 * Runs @ampool/settlement's TransferBook over PostgreSQL inside the caller's transaction:
 * reads the transfers the requests name, locks every account they touch (in row-id order),
 * applies the requests with the pure book, and writes what changed in one statement per
 * table. Groups are applied one after the other on the same book, so a linked chain never
 * spans two groups (two callers' requests merged into one transaction stay independent).
 */
@Injectable()
export class TransferEngine {
  constructor(
    private readonly repo: TransfersRepository,
    @Optional() private readonly entries?: TransferEntries,
  ) {}

  async apply(
    tx: Tx,
    groups: readonly (readonly TransferRequest[])[],
    nowMs: number,
    references: Map<string, TransferReference> = new Map(),
  ): Promise<EngineOutcome> {
    const requests = groups.flat();
    const pendingIds = requests.flatMap((r) => (r.pendingId ? [r.pendingId] : []));
    const owners = new Set<string>();
    for (const r of requests) {
      if (r.debitAccountId) owners.add(r.debitAccountId);
      if (r.creditAccountId) owners.add(r.creditAccountId);
    }
    // The pending transfers' accounts are locked too (found by the same statement); the
    // transfers are read after the locks: whoever changes a pending transfer holds them.
    const accounts = await this.repo.lockAccounts(tx, owners, pendingIds);
    const transfers = await this.repo.findTransfers(tx, [...requests.map((r) => r.id), ...pendingIds]);

    const book = new TransferBook({ account: (id) => accounts.get(id)?.account, transfer: (id) => transfers.get(id) }, nowMs);
    const results = groups.map((g) => book.apply(g));
    await this.write(tx, book, accounts, nowMs, references);
    return { results, created: book.changes.created, resolved: [...book.changes.updated.values()], accounts };
  }

  /** Locks (in row-id order) the accounts that requests name, to read them before deciding what to ask. */
  lock(tx: Tx, requests: readonly TransferRequest[]): Promise<Map<string, LockedAccount>> {
    return this.repo.lockAccounts(tx, requests.flatMap((r) => [r.debitAccountId, r.creditAccountId].filter((o): o is string => !!o)));
  }

  /** Voids the given pending transfers whose timeout has passed at `nowMs`. */
  async expire(tx: Tx, ids: string[], nowMs: number): Promise<Transfer[]> {
    if (ids.length === 0) return [];
    const accounts = await this.repo.lockAccounts(tx, [], ids);
    const transfers = await this.repo.findTransfers(tx, ids);
    const book = new TransferBook({ account: (id) => accounts.get(id)?.account, transfer: (id) => transfers.get(id) }, nowMs);
    const expired = book.expire(ids);
    await this.write(tx, book, accounts, nowMs, new Map());
    return expired;
  }

  private async write(tx: Tx, book: TransferBook, accounts: Map<string, LockedAccount>, nowMs: number, references: Map<string, TransferReference>): Promise<void> {
    const { changes } = book;
    const rowIdOf = (owner: string) => accounts.get(owner)!.rowId;
    await this.repo.insertTransfers(tx, changes.created, rowIdOf, references);
    await this.repo.resolvePending(tx, [...changes.updated.values()], new Date(nowMs));
    await this.repo.writeAccounts(
      tx,
      [...changes.accounts.values()].map((account) => ({ rowId: rowIdOf(account.id), account })),
    );
    // Every transfer that moved money for good, and every hold that ended, is a ledger entry.
    if (this.entries?.enabled) {
      const final: FinalTransfer[] = [
        ...changes.created.filter((t) => t.kind !== 'pending').map((t) => ({ transfer: t, kind: t.kind as FinalTransfer['kind'], at: new Date(t.createdAt) })),
        ...[...changes.updated.values()].filter((t) => t.state === 'expired').map((t) => ({ transfer: t, kind: 'expired' as const, at: new Date(nowMs) })),
      ];
      await this.entries.append(tx, final);
    }
    // The new totals replace the locked ones, so a later pass in this transaction starts from them.
    for (const account of changes.accounts.values()) accounts.get(account.id)!.account = account;
  }
}
