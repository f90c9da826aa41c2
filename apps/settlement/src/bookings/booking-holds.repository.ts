import { Injectable } from '@nestjs/common';
import type { Tx } from '@ampool/persistence';

/** A booking hold row as the service needs it. */
export interface BookingHoldRow {
  bookingId: string;
  state: 'held' | 'released';
  transferId: string | null;
  payer: string;
  payee: string;
  amountMicro: bigint;
  requestHash: string;
  releaseHash: string | null;
}

/** A locked account: its id, kind and what it can still pay or hold. */
export interface LockedAccount {
  id: string;
  owner: string;
  availableMicro: bigint;
  mayOverdraw: boolean;
}

/** Balance changes of one account within a transaction. */
export interface BalanceDelta {
  creditsPostedMicro: bigint;
  debitsPostedMicro: bigint;
  creditsPendingMicro: bigint;
  debitsPendingMicro: bigint;
}

/** A transfer to insert. */
export interface NewTransfer {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amountMicro: bigint;
  code: 'booking-hold' | 'booking-payout' | 'booking-fee';
  state: 'pending' | 'posted';
  bookingId: string;
  requestHash: string;
}

/**
 * `settlement.booking_hold`, and the account and transfer writes a batch of booking holds
 * needs. Raw SQL with one statement per kind of write for the whole batch: this is the
 * ride market's hot path.
 */
@Injectable()
export class BookingHoldsRepository {
  /**
   * Serialises work on these bookings: a transaction-scoped advisory lock per booking id,
   * taken in sorted order (and always before any account lock), so two batches that share
   * bookings wait for each other instead of deadlocking or both inserting.
   */
  async lockBookings(tx: Tx, bookingIds: string[]): Promise<void> {
    const sorted = [...new Set(bookingIds)].sort();
    await tx.$queryRawUnsafe(
      `SELECT count(pg_advisory_xact_lock(hashtextextended('settlement.booking:' || b, 0)))::int AS n FROM unnest($1::text[]) AS t(b)`,
      sorted,
    );
  }

  async find(tx: Tx, bookingIds: string[]): Promise<Map<string, BookingHoldRow>> {
    const rows = await tx.$queryRawUnsafe<
      { booking_id: string; state: 'held' | 'released'; transfer_id: string | null; payer: string; payee: string; amount_micro: bigint; request_hash: string; release_hash: string | null }[]
    >(
      `SELECT booking_id::text, state, transfer_id::text, payer, payee, amount_micro, request_hash, release_hash
       FROM settlement.booking_hold WHERE booking_id = ANY($1::uuid[])`,
      bookingIds,
    );
    return new Map(
      rows.map((r) => [
        r.booking_id,
        { bookingId: r.booking_id, state: r.state, transferId: r.transfer_id, payer: r.payer, payee: r.payee, amountMicro: r.amount_micro, requestHash: r.request_hash, releaseHash: r.release_hash },
      ]),
    );
  }

  /** Creates the accounts that do not exist yet (participants cannot overdraw; system accounts can). */
  async ensureAccounts(tx: Tx, accounts: { id: string; owner: string; kind: string }[]): Promise<void> {
    if (accounts.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.account (id, owner, kind, may_overdraw)
       SELECT id, owner, kind, kind <> 'participant' FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, owner, kind)
       ON CONFLICT (owner) DO NOTHING`,
      accounts.map((a) => a.id),
      accounts.map((a) => a.owner),
      accounts.map((a) => a.kind),
    );
  }

  /** Locks accounts by owner, in id order (the order every transfer in settlement uses). */
  async lockAccounts(tx: Tx, owners: string[]): Promise<Map<string, LockedAccount>> {
    const rows = await tx.$queryRawUnsafe<{ id: string; owner: string; available: bigint; may: boolean }[]>(
      `SELECT id::text, owner, credits_posted_micro - debits_posted_micro - debits_pending_micro AS available, may_overdraw AS may
       FROM settlement.account WHERE owner = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [...new Set(owners)],
    );
    return new Map(rows.map((r) => [r.owner, { id: r.id, owner: r.owner, availableMicro: r.available, mayOverdraw: r.may }]));
  }

  async insertTransfers(tx: Tx, transfers: NewTransfer[]): Promise<void> {
    if (transfers.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.transfer (id, debit_account_id, credit_account_id, amount_micro, code, state, reference_kind, reference_id, request_hash)
       SELECT id, debit, credit, amount, code, state, 'rides.booking', ref, hash
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::uuid[], $8::text[])
         AS t(id, debit, credit, amount, code, state, ref, hash)`,
      transfers.map((t) => t.id),
      transfers.map((t) => t.debitAccountId),
      transfers.map((t) => t.creditAccountId),
      transfers.map((t) => t.amountMicro.toString()),
      transfers.map((t) => t.code),
      transfers.map((t) => t.state),
      transfers.map((t) => t.bookingId),
      transfers.map((t) => t.requestHash),
    );
  }

  async voidTransfers(tx: Tx, transferIds: string[]): Promise<void> {
    if (transferIds.length === 0) return;
    const n = await tx.$executeRawUnsafe(
      `UPDATE settlement.transfer SET state = 'voided' WHERE id = ANY($1::uuid[]) AND state = 'pending'`,
      transferIds,
    );
    if (n !== transferIds.length) throw new Error(`voided ${n} of ${transferIds.length} booking holds: a hold was not pending`);
  }

  /** Applies the summed balance changes of a batch, one UPDATE for all accounts. */
  async applyDeltas(tx: Tx, deltas: Map<string, BalanceDelta>): Promise<void> {
    if (deltas.size === 0) return;
    const ids = [...deltas.keys()];
    const col = (pick: (d: BalanceDelta) => bigint) => ids.map((id) => pick(deltas.get(id)!).toString());
    await tx.$executeRawUnsafe(
      `UPDATE settlement.account AS a SET
         credits_posted_micro = a.credits_posted_micro + d.cp,
         debits_posted_micro = a.debits_posted_micro + d.dp,
         credits_pending_micro = a.credits_pending_micro + d.cpe,
         debits_pending_micro = a.debits_pending_micro + d.dpe
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS d(id, cp, dp, cpe, dpe)
       WHERE a.id = d.id`,
      ids,
      col((d) => d.creditsPostedMicro),
      col((d) => d.debitsPostedMicro),
      col((d) => d.creditsPendingMicro),
      col((d) => d.debitsPendingMicro),
    );
  }

  async insertHeld(tx: Tx, rows: { bookingId: string; transferId: string; payer: string; payee: string; amountMicro: bigint; requestHash: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.booking_hold (booking_id, state, transfer_id, payer, payee, amount_micro, request_hash)
       SELECT b, 'held', t, p, q, a, h FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS x(b, t, p, q, a, h)`,
      rows.map((r) => r.bookingId),
      rows.map((r) => r.transferId),
      rows.map((r) => r.payer),
      rows.map((r) => r.payee),
      rows.map((r) => r.amountMicro.toString()),
      rows.map((r) => r.requestHash),
    );
  }

  /**
   * Records releases: held rows become `released` with their split; bookings never held get
   * a `released` row without a transfer, which refuses any later placement.
   */
  async upsertReleased(
    tx: Tx,
    rows: { bookingId: string; payer: string; payee: string; releaseHash: string; rule: string; refund: bigint; payout: bigint; fee: bigint }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.booking_hold AS h (booking_id, state, payer, payee, amount_micro, request_hash, release_hash, rule,
                                                 payer_refund_micro, payee_payout_micro, platform_fee_micro, released_at)
       SELECT b, 'released', p, q, 0, '', r, u, x, y, z, CURRENT_TIMESTAMP
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[]) AS t(b, p, q, r, u, x, y, z)
       ON CONFLICT (booking_id) DO UPDATE SET state = 'released', release_hash = EXCLUDED.release_hash, rule = EXCLUDED.rule,
         payer_refund_micro = EXCLUDED.payer_refund_micro, payee_payout_micro = EXCLUDED.payee_payout_micro,
         platform_fee_micro = EXCLUDED.platform_fee_micro, released_at = EXCLUDED.released_at`,
      rows.map((r) => r.bookingId),
      rows.map((r) => r.payer),
      rows.map((r) => r.payee),
      rows.map((r) => r.releaseHash),
      rows.map((r) => r.rule),
      rows.map((r) => r.refund.toString()),
      rows.map((r) => r.payout.toString()),
      rows.map((r) => r.fee.toString()),
    );
  }
}
