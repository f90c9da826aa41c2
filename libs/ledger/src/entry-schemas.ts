import { z } from 'zod';
import { accountOwner, BookingHoldPlaced, BookingHoldReleased, HoldPlaced, tradeFacts, transferCode } from '@ampool/contracts';
import { membershipSchema } from './genesis';
import type { EntryTypeName } from './entry-types';

/** A payload field that commits to personal data kept by its owner: SHA-256 hex (see `commit` in @ampool/crypto). */
export const commitmentHex = z.string().regex(/^[0-9a-f]{64}$/);

/** Payload of a `ledger.membership` entry: the new membership, approved by a quorum of the current one. */
export const membershipChangePayload = z.strictObject({
  previousMembershipHash: z.string().regex(/^[0-9a-f]{64}$/),
  membership: membershipSchema,
  approvals: z.array(z.strictObject({ validator: z.string().max(40), signature: z.string().regex(/^[0-9a-f]{128}$/) })).min(1).max(64),
});
export type MembershipChangePayload = z.output<typeof membershipChangePayload>;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/**
 * Payload of a `settlement.transfer` entry: money that moved for good (a single transfer, the
 * post of a hold) or a hold that ended without moving it (void, expiry). Accounts are named by
 * owner only (a did:key or a system account); amounts are µ-currency as decimal strings.
 */
export const transferEntryPayload = z.strictObject({
  transferId: uuid,
  kind: z.enum(['single', 'post', 'void', 'expired']),
  debit: accountOwner,
  credit: accountOwner,
  amountMicro: z.string().regex(/^(0|[1-9][0-9]{0,18})$/),
  code: transferCode,
  /** The hold a post or void resolves (for an expiry: the hold itself). */
  pendingId: uuid.nullable(),
  at: z.iso.datetime({ offset: false }),
});
export type TransferEntryPayload = z.output<typeof transferEntryPayload>;

/**
 * Per entry type: the schema its payload must match (in wire form, as canonical JSON) and
 * the subject it is about (the id services know it by), when it has one. Participants appear
 * only as did:keys; personal fields (names, positions, raw readings) never enter an entry —
 * a type that needs them carries a salted commitment ({@link commitmentHex}) instead.
 */
export const ENTRY_TYPES: Record<EntryTypeName, { payload: z.ZodType; subjectId: (payload: Record<string, unknown>) => string | null }> = {
  'energy.trade': { payload: tradeFacts, subjectId: (p) => p.id as string },
  'settlement.hold': { payload: HoldPlaced.data, subjectId: (p) => p.transferId as string },
  'settlement.booking-hold': { payload: BookingHoldPlaced.data, subjectId: (p) => p.transferId as string },
  'settlement.booking-release': { payload: BookingHoldReleased.data, subjectId: (p) => p.bookingId as string },
  'settlement.transfer': { payload: transferEntryPayload, subjectId: (p) => p.transferId as string },
  'ledger.membership': { payload: membershipChangePayload, subjectId: () => null },
};
