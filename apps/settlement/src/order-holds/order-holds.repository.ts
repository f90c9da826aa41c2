import { Injectable } from '@nestjs/common';
import type { Tx } from '@ampool/persistence';

/** An order hold row as the service needs it. */
export interface OrderHoldRow {
  orderId: string;
  state: 'held' | 'released';
  transferId: string | null;
  payer: string;
  amountMicro: bigint;
  reservedMicro: bigint;
  convertedMicro: bigint;
  requestHash: string;
}

/** A locked account: its id and what it can still pay or hold. */
export interface LockedAccount {
  id: string;
  owner: string;
  availableMicro: bigint;
}

/** Pending balance changes of one account within a transaction. */
export interface PendingDelta {
  creditsPendingMicro: bigint;
  debitsPendingMicro: bigint;
}

/** Where energy buy orders' money waits until their trades take it over or the order ends. */
export const ENERGY_ORDER_ESCROW_OWNER = 'system:energy-order-escrow';

/**
 * `settlement.order_hold` and the account and transfer writes of order holds. One statement
 * per kind of write for a whole batch: orders arrive by the thousand.
 */
@Injectable()
export class OrderHoldsRepository {
  /**
   * Serialises work on these orders: a transaction-scoped advisory lock per order id, in
   * sorted order and always before any account lock, so batches never deadlock.
   */
  async lockOrders(tx: Tx, orderIds: string[]): Promise<void> {
    const sorted = [...new Set(orderIds)].sort();
    if (sorted.length === 0) return;
    await tx.$queryRawUnsafe(
      `SELECT count(pg_advisory_xact_lock(hashtextextended('settlement.order:' || o, 0)))::int AS n FROM unnest($1::text[]) AS t(o)`,
      sorted,
    );
  }

  async find(tx: Tx, orderIds: string[]): Promise<Map<string, OrderHoldRow>> {
    if (orderIds.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<
      { order_id: string; state: 'held' | 'released'; transfer_id: string | null; payer: string; amount_micro: bigint; reserved_micro: bigint; converted_micro: bigint; request_hash: string }[]
    >(
      `SELECT order_id::text, state, transfer_id::text, payer, amount_micro, reserved_micro, converted_micro, request_hash
       FROM settlement.order_hold WHERE order_id = ANY($1::uuid[])`,
      orderIds,
    );
    return new Map(
      rows.map((r) => [
        r.order_id,
        { orderId: r.order_id, state: r.state, transferId: r.transfer_id, payer: r.payer, amountMicro: r.amount_micro, reservedMicro: r.reserved_micro, convertedMicro: r.converted_micro, requestHash: r.request_hash },
      ]),
    );
  }

  async ensureEscrow(tx: Tx, id: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.account (id, owner, kind, may_overdraw) VALUES ($1::uuid, $2, 'escrow', true) ON CONFLICT (owner) DO NOTHING`,
      id,
      ENERGY_ORDER_ESCROW_OWNER,
    );
  }

  /** Locks accounts by owner, in id order (the order every transfer in settlement uses). */
  async lockAccounts(tx: Tx, owners: string[]): Promise<Map<string, LockedAccount>> {
    const rows = await tx.$queryRawUnsafe<{ id: string; owner: string; available: bigint }[]>(
      `SELECT id::text, owner, credits_posted_micro - debits_posted_micro - debits_pending_micro AS available
       FROM settlement.account WHERE owner = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [...new Set(owners)],
    );
    return new Map(rows.map((r) => [r.owner, { id: r.id, owner: r.owner, availableMicro: r.available }]));
  }

  async insertHolds(
    tx: Tx,
    escrowId: string,
    rows: { orderId: string; transferId: string; payer: string; payerAccountId: string; amountMicro: bigint; requestHash: string }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.transfer (id, debit_account_id, credit_account_id, amount_micro, code, state, reference_kind, reference_id, request_hash)
       SELECT t, d, $1::uuid, a, 'order-hold', 'pending', 'energy.order', o, h
       FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::uuid[], $6::text[]) AS x(t, d, a, o, h)`,
      escrowId,
      rows.map((r) => r.transferId),
      rows.map((r) => r.payerAccountId),
      rows.map((r) => r.amountMicro.toString()),
      rows.map((r) => r.orderId),
      rows.map((r) => r.requestHash),
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.order_hold (order_id, state, transfer_id, payer, amount_micro, reserved_micro, request_hash)
       SELECT o, 'held', t, p, a, a, h FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[]) AS x(o, t, p, a, h)`,
      rows.map((r) => r.orderId),
      rows.map((r) => r.transferId),
      rows.map((r) => r.payer),
      rows.map((r) => r.amountMicro.toString()),
      rows.map((r) => r.requestHash),
    );
  }

  /**
   * Sets what order holds still reserve: their pending transfer shrinks to that amount, or is
   * voided at zero. `released` marks the end of the order with what its trades keep.
   */
  async setReserved(tx: Tx, rows: { orderId: string; transferId: string | null; reservedMicro: bigint; convertedMicro: bigint; release?: { keepMicro: bigint } }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `UPDATE settlement.order_hold AS h SET reserved_micro = x.r, converted_micro = x.c,
         state = CASE WHEN x.rel THEN 'released' ELSE h.state END,
         keep_micro = CASE WHEN x.rel THEN x.k ELSE h.keep_micro END,
         released_at = CASE WHEN x.rel THEN CURRENT_TIMESTAMP ELSE h.released_at END
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::boolean[], $5::bigint[]) AS x(o, r, c, rel, k)
       WHERE h.order_id = x.o`,
      rows.map((r) => r.orderId),
      rows.map((r) => r.reservedMicro.toString()),
      rows.map((r) => r.convertedMicro.toString()),
      rows.map((r) => r.release !== undefined),
      rows.map((r) => (r.release?.keepMicro ?? 0n).toString()),
    );
    const transfers = rows.filter((r) => r.transferId !== null);
    if (transfers.length === 0) return;
    await tx.$executeRawUnsafe(
      `UPDATE settlement.transfer AS t SET
         amount_micro = CASE WHEN x.r > 0 THEN x.r ELSE t.amount_micro END,
         state = CASE WHEN x.r > 0 THEN t.state ELSE 'voided' END
       FROM unnest($1::uuid[], $2::bigint[]) AS x(id, r)
       WHERE t.id = x.id AND t.state = 'pending'`,
      transfers.map((r) => r.transferId),
      transfers.map((r) => r.reservedMicro.toString()),
    );
  }

  /** Records releases of orders that were never held, so a late placement is refused. */
  async insertReleasedWithoutHold(tx: Tx, rows: { orderId: string; payer: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO settlement.order_hold (order_id, state, payer, amount_micro, reserved_micro, keep_micro, request_hash, released_at)
       SELECT o, 'released', p, 0, 0, 0, '', CURRENT_TIMESTAMP FROM unnest($1::uuid[], $2::text[]) AS x(o, p)
       ON CONFLICT (order_id) DO NOTHING`,
      rows.map((r) => r.orderId),
      rows.map((r) => r.payer),
    );
  }

  /** Applies summed pending-balance changes, one UPDATE for all accounts. */
  async applyPendingDeltas(tx: Tx, deltas: Map<string, PendingDelta>): Promise<void> {
    if (deltas.size === 0) return;
    const ids = [...deltas.keys()];
    await tx.$executeRawUnsafe(
      `UPDATE settlement.account AS a SET
         credits_pending_micro = a.credits_pending_micro + d.cpe,
         debits_pending_micro = a.debits_pending_micro + d.dpe
       FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS d(id, cpe, dpe)
       WHERE a.id = d.id`,
      ids,
      ids.map((id) => deltas.get(id)!.creditsPendingMicro.toString()),
      ids.map((id) => deltas.get(id)!.debitsPendingMicro.toString()),
    );
  }
}

/** Adds a pending change for an account to a batch's deltas. */
export function addPending(deltas: Map<string, PendingDelta>, accountId: string, change: Partial<PendingDelta>): void {
  const d = deltas.get(accountId) ?? { creditsPendingMicro: 0n, debitsPendingMicro: 0n };
  d.creditsPendingMicro += change.creditsPendingMicro ?? 0n;
  d.debitsPendingMicro += change.debitsPendingMicro ?? 0n;
  deltas.set(accountId, d);
}
