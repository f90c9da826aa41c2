import { Injectable } from '@nestjs/common';
import {
  BookingHoldPlace,
  BookingHoldPlaced,
  BookingHoldRelease,
  BookingHoldReleased,
  type RpcRequest,
  type RpcResponse,
} from '@ampool/contracts';
import { canonicalJson, sha256Hex } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { BookingHoldsRepository, type BalanceDelta, type LockedAccount, type NewTransfer } from './booking-holds.repository';

type PlaceInput = RpcRequest<typeof BookingHoldPlace>;
type PlaceResult = RpcResponse<typeof BookingHoldPlace>['results'][number];
type ReleaseInput = RpcRequest<typeof BookingHoldRelease>;
type ReleaseResult = RpcResponse<typeof BookingHoldRelease>['results'][number];

/** Where booking holds wait until the booking ends. */
export const RIDES_ESCROW_OWNER = 'system:rides-escrow';
/** Where service fees go. */
export const PLATFORM_FEE_OWNER = 'system:platform-fee';

const zero = (): BalanceDelta => ({ creditsPostedMicro: 0n, debitsPostedMicro: 0n, creditsPendingMicro: 0n, debitsPendingMicro: 0n });

function add(deltas: Map<string, BalanceDelta>, accountId: string, change: Partial<BalanceDelta>): void {
  const d = deltas.get(accountId) ?? zero();
  d.creditsPostedMicro += change.creditsPostedMicro ?? 0n;
  d.debitsPostedMicro += change.debitsPostedMicro ?? 0n;
  d.creditsPendingMicro += change.creditsPendingMicro ?? 0n;
  d.debitsPendingMicro += change.debitsPendingMicro ?? 0n;
  deltas.set(accountId, d);
}

/**
 * Ride booking holds. A batch is one transaction: bookings are locked first (sorted), then
 * the accounts (by id), so batches never deadlock; each hold is decided on its own against
 * the payer's available balance, which the batch tracks as it goes. The database's
 * no-overdraft CHECK stays the last word.
 *
 * Placing holds fare + fee as a pending transfer payer → escrow. Releasing voids it and posts
 * the policy's split: the payee's part payer → payee, the fee payer → platform; the refund
 * is what the void gives back. Completion (capture on a drop-off proven by trip proofs) is a
 * release with the `completed` rule: the fare to the driver, the fee to the platform.
 */
@Injectable()
export class BookingHoldsService {
  constructor(
    private readonly repo: BookingHoldsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async place(input: PlaceInput): Promise<PlaceResult[]> {
    const holds = input.holds;
    const hashes = holds.map((h) => sha256Hex(canonicalJson({ bookingId: h.bookingId, payer: h.payer, payee: h.payee, amountMicro: h.amountMicro.toString() })));
    return this.uow.run(async (tx, emit) => {
      await this.repo.lockBookings(tx, holds.map((h) => h.bookingId));
      const existing = await this.repo.find(tx, holds.map((h) => h.bookingId));
      const results: PlaceResult[] = new Array(holds.length);
      const fresh: number[] = [];
      const seen = new Map<string, number>();
      holds.forEach((h, i) => {
        const row = existing.get(h.bookingId);
        const twin = seen.get(h.bookingId);
        if (twin !== undefined) {
          // The same booking twice in one request is a caller's bug: only the first counts.
          results[i] = { bookingId: h.bookingId, status: 'refused', code: 'ID_CONFLICT' };
          return;
        }
        seen.set(h.bookingId, i);
        if (!row) fresh.push(i);
        else if (row.state === 'released') results[i] = { bookingId: h.bookingId, status: 'refused', code: 'HOLD_RELEASED' };
        else if (row.requestHash !== hashes[i]) results[i] = { bookingId: h.bookingId, status: 'refused', code: 'ID_CONFLICT' };
        else results[i] = { bookingId: h.bookingId, status: 'held', transferId: row.transferId! };
      });
      if (fresh.length === 0) return results;

      await this.repo.ensureAccounts(tx, [{ id: uuidv7(), owner: RIDES_ESCROW_OWNER, kind: 'escrow' }]);
      const accounts = await this.repo.lockAccounts(tx, [RIDES_ESCROW_OWNER, ...fresh.map((i) => holds[i]!.payer)]);
      const escrow = accounts.get(RIDES_ESCROW_OWNER)!;
      const available = new Map<string, bigint>([...accounts.values()].map((a: LockedAccount) => [a.owner, a.availableMicro]));
      const transfers: NewTransfer[] = [];
      const held: Parameters<BookingHoldsRepository['insertHeld']>[1] = [];
      const deltas = new Map<string, BalanceDelta>();
      const now = new Date();
      for (const i of fresh) {
        const h = holds[i]!;
        const payer = accounts.get(h.payer);
        if (!payer) {
          results[i] = { bookingId: h.bookingId, status: 'refused', code: 'ACCOUNT_UNKNOWN' };
          continue;
        }
        const left = available.get(h.payer)!;
        if (left < h.amountMicro) {
          results[i] = { bookingId: h.bookingId, status: 'refused', code: 'INSUFFICIENT_FUNDS', availableMicro: left < 0n ? 0n : left };
          continue;
        }
        available.set(h.payer, left - h.amountMicro);
        const transferId = uuidv7();
        transfers.push({ id: transferId, debitAccountId: payer.id, creditAccountId: escrow.id, amountMicro: h.amountMicro, code: 'booking-hold', state: 'pending', bookingId: h.bookingId, requestHash: hashes[i]! });
        held.push({ bookingId: h.bookingId, transferId, payer: h.payer, payee: h.payee, amountMicro: h.amountMicro, requestHash: hashes[i]! });
        add(deltas, payer.id, { debitsPendingMicro: h.amountMicro });
        add(deltas, escrow.id, { creditsPendingMicro: h.amountMicro });
        results[i] = { bookingId: h.bookingId, status: 'held', transferId };
        emit(outboxEvent(BookingHoldPlaced, { bookingId: h.bookingId, transferId, payer: h.payer, payee: h.payee, amountMicro: h.amountMicro, placedAt: now }, 'settlement'));
      }
      await this.repo.insertTransfers(tx, transfers);
      await this.repo.insertHeld(tx, held);
      await this.repo.applyDeltas(tx, deltas);
      return results;
    });
  }

  async release(input: ReleaseInput): Promise<ReleaseResult[]> {
    const releases = input.releases;
    const hashes = releases.map((r) =>
      sha256Hex(
        canonicalJson({
          bookingId: r.bookingId, payer: r.payer, payee: r.payee, rule: r.rule,
          payerRefundMicro: r.payerRefundMicro.toString(), payeePayoutMicro: r.payeePayoutMicro.toString(), platformFeeMicro: r.platformFeeMicro.toString(),
        }),
      ),
    );
    return this.uow.run(async (tx, emit) => {
      await this.repo.lockBookings(tx, releases.map((r) => r.bookingId));
      const existing = await this.repo.find(tx, releases.map((r) => r.bookingId));
      const results: ReleaseResult[] = new Array(releases.length);
      const toRelease: number[] = [];
      const seen = new Set<string>();
      releases.forEach((r, i) => {
        const row = existing.get(r.bookingId);
        if (seen.has(r.bookingId)) {
          results[i] = { bookingId: r.bookingId, status: 'refused', code: 'ID_CONFLICT' };
          return;
        }
        seen.add(r.bookingId);
        if (row?.state === 'released') {
          results[i] = row.releaseHash === hashes[i]
            ? { bookingId: r.bookingId, status: 'released', wasHeld: row.transferId !== null }
            : { bookingId: r.bookingId, status: 'refused', code: 'ID_CONFLICT' };
          return;
        }
        if (row && (row.payer !== r.payer || row.payee !== r.payee)) {
          results[i] = { bookingId: r.bookingId, status: 'refused', code: 'ID_CONFLICT' };
          return;
        }
        if (row && r.payerRefundMicro + r.payeePayoutMicro + r.platformFeeMicro !== row.amountMicro) {
          results[i] = { bookingId: r.bookingId, status: 'refused', code: 'SPLIT_MISMATCH' };
          return;
        }
        toRelease.push(i);
      });
      if (toRelease.length === 0) return results;

      const heldIdx = toRelease.filter((i) => existing.has(releases[i]!.bookingId));
      const deltas = new Map<string, BalanceDelta>();
      const transfers: NewTransfer[] = [];
      if (heldIdx.length > 0) {
        const owners = [RIDES_ESCROW_OWNER, PLATFORM_FEE_OWNER, ...heldIdx.flatMap((i) => [releases[i]!.payer, releases[i]!.payee])];
        await this.repo.ensureAccounts(tx, [
          { id: uuidv7(), owner: PLATFORM_FEE_OWNER, kind: 'platform_fee' },
          ...[...new Set(heldIdx.map((i) => releases[i]!.payee))].map((owner) => ({ id: uuidv7(), owner, kind: 'participant' })),
        ]);
        const accounts = await this.repo.lockAccounts(tx, owners);
        const escrow = accounts.get(RIDES_ESCROW_OWNER)!;
        const platform = accounts.get(PLATFORM_FEE_OWNER)!;
        for (const i of heldIdx) {
          const r = releases[i]!;
          const row = existing.get(r.bookingId)!;
          const payer = accounts.get(r.payer)!;
          const payee = accounts.get(r.payee)!;
          add(deltas, payer.id, { debitsPendingMicro: -row.amountMicro });
          add(deltas, escrow.id, { creditsPendingMicro: -row.amountMicro });
          if (r.payeePayoutMicro > 0n) {
            transfers.push({ id: uuidv7(), debitAccountId: payer.id, creditAccountId: payee.id, amountMicro: r.payeePayoutMicro, code: 'booking-payout', state: 'posted', bookingId: r.bookingId, requestHash: hashes[i]! });
            add(deltas, payer.id, { debitsPostedMicro: r.payeePayoutMicro });
            add(deltas, payee.id, { creditsPostedMicro: r.payeePayoutMicro });
          }
          if (r.platformFeeMicro > 0n) {
            transfers.push({ id: uuidv7(), debitAccountId: payer.id, creditAccountId: platform.id, amountMicro: r.platformFeeMicro, code: 'booking-fee', state: 'posted', bookingId: r.bookingId, requestHash: hashes[i]! });
            add(deltas, payer.id, { debitsPostedMicro: r.platformFeeMicro });
            add(deltas, platform.id, { creditsPostedMicro: r.platformFeeMicro });
          }
        }
        await this.repo.voidTransfers(tx, heldIdx.map((i) => existing.get(releases[i]!.bookingId)!.transferId!));
        await this.repo.insertTransfers(tx, transfers);
        await this.repo.applyDeltas(tx, deltas);
      }
      await this.repo.upsertReleased(
        tx,
        toRelease.map((i) => {
          const r = releases[i]!;
          return { bookingId: r.bookingId, payer: r.payer, payee: r.payee, releaseHash: hashes[i]!, rule: r.rule, refund: r.payerRefundMicro, payout: r.payeePayoutMicro, fee: r.platformFeeMicro };
        }),
      );
      const now = new Date();
      for (const i of toRelease) {
        const r = releases[i]!;
        const row = existing.get(r.bookingId);
        results[i] = { bookingId: r.bookingId, status: 'released', wasHeld: row !== undefined };
        if (row) {
          emit(
            outboxEvent(
              BookingHoldReleased,
              {
                bookingId: r.bookingId, payer: r.payer, payee: r.payee, rule: r.rule, amountMicro: row.amountMicro,
                payerRefundMicro: r.payerRefundMicro, payeePayoutMicro: r.payeePayoutMicro, platformFeeMicro: r.platformFeeMicro, releasedAt: now,
              },
              'settlement',
            ),
          );
        }
      }
      return results;
    });
  }
}
