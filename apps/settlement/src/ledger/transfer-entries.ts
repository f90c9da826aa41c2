import { Injectable } from '@nestjs/common';
import type { TransferEntryPayload } from '@ampool/ledger';
import { LedgerSubmitter, OutboxRelay } from '@ampool/messaging';
import { OutboxStore, type OutboxRow, type Tx } from '@ampool/persistence';
import type { Transfer } from '@ampool/settlement';

/** A transfer that became final in the books: moved money (single, post) or released a hold without it (void, expired). */
export interface FinalTransfer {
  transfer: Transfer;
  kind: TransferEntryPayload['kind'];
  at: Date;
}

/**
 * Turns every transfer that moves money for good, and every hold that ends, into settlement's
 * own signed ledger entry (`settlement.transfer`): written to the outbox in the transaction
 * that made the transfer, so the entry exists exactly when the transfer does, and signed by
 * the outbox relay after the commit. Holds themselves are entries of their own
 * (`settlement.hold`, `settlement.booking-hold`), from their events.
 */
@Injectable()
export class TransferEntries {
  constructor(
    private readonly ledger: LedgerSubmitter,
    private readonly outbox: OutboxStore,
    private readonly relay: OutboxRelay,
  ) {}

  get enabled(): boolean {
    return this.ledger.enabled;
  }

  /** The outbox rows of these transfers' entries (none when settlement signs no entries). */
  rows(transfers: readonly FinalTransfer[]): OutboxRow[] {
    if (!this.ledger.enabled) return [];
    return transfers.map(({ transfer: t, kind, at }) => {
      const payload: TransferEntryPayload = {
        // An expiry has no transfer of its own: its entry is about the hold that expired.
        transferId: t.id,
        kind,
        debit: t.debitAccountId,
        credit: t.creditAccountId,
        amountMicro: (kind === 'expired' ? 0n : t.amount).toString(),
        code: t.code,
        pendingId: kind === 'expired' ? t.id : t.pendingId,
        at: at.toISOString(),
      };
      return this.ledger.entryRow('settlement.transfer', payload, at.getTime());
    });
  }

  /** Appends the entries inside the caller's transaction; the relay publishes them once it commits. */
  async append(tx: Tx, transfers: readonly FinalTransfer[]): Promise<void> {
    const rows = this.rows(transfers);
    if (rows.length === 0) return;
    await this.outbox.append(tx, rows);
    // Wakes the relay early; it finds the rows once the transaction has committed (or on its next poll).
    this.relay.notify();
  }
}
