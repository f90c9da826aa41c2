/**
 * Who gets what when a booking ends. At booking the rider's hold is the fare plus the
 * service fee; every final event splits exactly that hold between the rider (refund), the
 * driver (payout) and the platform (fee). All amounts are integer µ-currency (`bigint`);
 * each split rounds once (half to even) and gives the remainder to the other party, so the
 * three parts always add up to the hold — not a µ more or less.
 *
 * | event (booking state before)                       | rider gets         | driver gets        | platform | driver mark |
 * |----------------------------------------------------|--------------------|--------------------|----------|-------------|
 * | ride completed (confirmed)                         | 0                  | fare               | fee      | no          |
 * | rider cancels > notice before departure (confirmed)| fare               | 0                  | fee      | no          |
 * | rider cancels later, or after departure (confirmed)| fare − driver part | fare × share, ½-even | fee    | no          |
 * | rider withdraws a pending request (requested)      | fare + fee         | 0                  | 0        | no          |
 * | driver cancels (confirmed)                         | fare + fee         | 0                  | 0        | yes         |
 * | driver cancels a pending request (requested)       | fare + fee         | 0                  | 0        | no          |
 * | driver declines / request expires (requested)      | fare + fee         | 0                  | 0        | no          |
 * | rider no-show, proven by trip proofs (confirmed)   | 0                  | fare               | fee      | no          |
 * | disputed ride refunded: operator or timeout (conf.)| fare + fee         | 0                  | 0        | no          |
 *
 * Defaults ({@link DEFAULT_CANCELLATION_POLICY}): notice 24 h, late share 50 %, fee 10 %.
 */
import { divRoundHalfEven } from '@ampool/domain';
import { type BookingState, nextBookingState } from './booking-state';
import { MAX_AMOUNT_MICRO } from './ride-bounds';
import { RideRejectCode, type RideRejected, rideRejected } from './ride-codes';

/** Basis points in a whole: 10,000 bps = 100 %. */
export const BPS_PER_WHOLE = 10_000n;

/** The published policy. */
export interface CancellationPolicy {
  /** Service fee on top of the fare, in basis points of the fare (0 .. 10,000). */
  readonly serviceFeeBps: number;
  /** A rider who cancels strictly more than this before departure gets the whole fare back (not the fee), ms. */
  readonly freeCancellationNoticeMs: number;
  /** Share of the fare the driver keeps when a rider cancels later than that, in basis points (0 .. 10,000). */
  readonly lateCancellationDriverShareBps: number;
  /** An approval booking the driver has not answered expires this long after the request (or at departure, if sooner), ms. */
  readonly approvalTimeoutMs: number;
}

/** The defaults: 24 h notice, half the fare to the driver when later, 10 % service fee, 12 h to approve. */
export const DEFAULT_CANCELLATION_POLICY: CancellationPolicy = {
  serviceFeeBps: 1_000,
  freeCancellationNoticeMs: 24 * 3_600_000,
  lateCancellationDriverShareBps: 5_000,
  approvalTimeoutMs: 12 * 3_600_000,
};

/** Checks a policy. Code: `POLICY_INVALID`. */
export function checkCancellationPolicy(policy: CancellationPolicy): RideRejected | null {
  const bps = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 10_000;
  const duration = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
  if (!bps(policy.serviceFeeBps) || !bps(policy.lateCancellationDriverShareBps)) {
    return rideRejected(RideRejectCode.POLICY_INVALID, 'fee and share must be integer basis points in 0..10000');
  }
  if (!duration(policy.freeCancellationNoticeMs) || !duration(policy.approvalTimeoutMs)) {
    return rideRejected(RideRejectCode.POLICY_INVALID, 'notice and approval timeout must be non-negative integer milliseconds');
  }
  return null;
}

/** The service fee for a fare: `fareMicro × serviceFeeBps / 10,000`, rounded half to even. */
export function serviceFeeMicro(fareMicro: bigint, policy: CancellationPolicy = DEFAULT_CANCELLATION_POLICY): bigint {
  return divRoundHalfEven(fareMicro * BigInt(policy.serviceFeeBps), BPS_PER_WHOLE);
}

/** When an unanswered approval booking expires: `requestedAtMs + approvalTimeoutMs`, but never after departure. */
export function approvalDeadlineMs(requestedAtMs: number, departureMs: number, policy: CancellationPolicy = DEFAULT_CANCELLATION_POLICY): number {
  return Math.min(requestedAtMs + policy.approvalTimeoutMs, departureMs);
}

/** The money of one booking: what settlement holds is `fareMicro + serviceFeeMicro`. */
export interface BookingMoney {
  readonly fareMicro: bigint;
  readonly serviceFeeMicro: bigint;
  /** When the rider's ride starts — the service passes the estimated pickup time — epoch ms; cancellation notice counts back from it. */
  readonly departureMs: number;
}

/** How a hold is split. `riderRefundMicro + driverPayoutMicro + platformFeeMicro` = the hold, always. */
export interface MoneySplit {
  readonly riderRefundMicro: bigint;
  readonly driverPayoutMicro: bigint;
  readonly platformFeeMicro: bigint;
}

/** Something that happens to a booking. */
export type BookingEvent =
  | { readonly type: 'confirm' }
  | { readonly type: 'decline' }
  | { readonly type: 'expire' }
  | { readonly type: 'cancel'; readonly by: 'rider' | 'driver'; readonly atMs: number }
  | { readonly type: 'complete' }
  /** `proofVerified`: metering has verified the trip proofs showing the driver at the pickup and the rider absent. */
  | { readonly type: 'no-show'; readonly proofVerified: boolean }
  /** A disputed ride ends with the rider refunded: `by` an operator's decision or the dispute timeout's default. */
  | { readonly type: 'refund'; readonly by: 'operator' | 'timeout' };

/** Which row of the policy table decided the money. */
export type PolicyRule =
  | 'hold-kept'
  | 'completed'
  | 'rider-early-cancel'
  | 'rider-late-cancel'
  | 'request-withdrawn'
  | 'driver-cancel'
  | 'driver-cancel-request'
  | 'declined'
  | 'expired'
  | 'rider-no-show'
  | 'dispute-refund'
  | 'dispute-timeout';

/** Result of {@link applyBookingEvent}. `split` is `null` while the hold stays in place (after `confirm`). */
export type BookingOutcome =
  | {
      readonly status: 'accepted';
      readonly state: BookingState;
      readonly rule: PolicyRule;
      readonly split: MoneySplit | null;
      /** The driver's reliability record takes a mark (a driver cancelled a confirmed booking). */
      readonly driverReliabilityMark: boolean;
    }
  | RideRejected;

function split(riderRefundMicro: bigint, driverPayoutMicro: bigint, platformFeeMicro: bigint): MoneySplit {
  return { riderRefundMicro, driverPayoutMicro, platformFeeMicro };
}

/**
 * Moves a booking by one event and decides the money by `policy` (see the table above).
 * Codes: `BOOKING_FINAL`, `ILLEGAL_TRANSITION` (from the state machine), `AMOUNT_INVALID`,
 * `POLICY_INVALID`, `MALFORMED_INPUT` (a cancel without an integer `atMs`),
 * `NO_SHOW_NOT_PROVEN`. A refused event changes nothing.
 */
export function applyBookingEvent(
  state: BookingState,
  money: BookingMoney,
  event: BookingEvent,
  policy: CancellationPolicy = DEFAULT_CANCELLATION_POLICY,
): BookingOutcome {
  const policyProblem = checkCancellationPolicy(policy);
  if (policyProblem) return policyProblem;
  const { fareMicro: fare, serviceFeeMicro: fee } = money;
  if (typeof fare !== 'bigint' || typeof fee !== 'bigint' || fare < 0n || fee < 0n || fare + fee > MAX_AMOUNT_MICRO) {
    return rideRejected(RideRejectCode.AMOUNT_INVALID, 'fare and fee must be non-negative bigints whose sum fits 2^63 - 1');
  }
  const transition = nextBookingState(state, event.type);
  if (transition.status === 'rejected') return transition;
  const to = transition.to;
  const held = fare + fee;
  const accepted = (rule: PolicyRule, moneySplit: MoneySplit | null, driverReliabilityMark = false): BookingOutcome => ({
    status: 'accepted',
    state: to,
    rule,
    split: moneySplit,
    driverReliabilityMark,
  });

  switch (event.type) {
    case 'confirm':
      return accepted('hold-kept', null);
    case 'decline':
      return accepted('declined', split(held, 0n, 0n));
    case 'expire':
      return accepted('expired', split(held, 0n, 0n));
    case 'complete':
      return accepted('completed', split(0n, fare, fee));
    case 'no-show':
      if (event.proofVerified !== true) {
        return rideRejected(RideRejectCode.NO_SHOW_NOT_PROVEN, 'a no-show needs verified trip proofs');
      }
      return accepted('rider-no-show', split(0n, fare, fee));
    case 'refund':
      if (event.by !== 'operator' && event.by !== 'timeout') return rideRejected(RideRejectCode.MALFORMED_INPUT, 'refund must be by operator or timeout');
      return accepted(event.by === 'operator' ? 'dispute-refund' : 'dispute-timeout', split(held, 0n, 0n));
    case 'cancel': {
      if (!Number.isSafeInteger(event.atMs) || !Number.isSafeInteger(money.departureMs)) {
        return rideRejected(RideRejectCode.MALFORMED_INPUT, 'cancel needs integer atMs and departureMs');
      }
      if (event.by === 'driver') {
        // Cancelling a request the driver never accepted is a late decline, not a broken promise.
        return state === 'requested' ? accepted('driver-cancel-request', split(held, 0n, 0n)) : accepted('driver-cancel', split(held, 0n, 0n), true);
      }
      if (event.by !== 'rider') return rideRejected(RideRejectCode.MALFORMED_INPUT, 'cancel must be by rider or driver');
      if (state === 'requested') return accepted('request-withdrawn', split(held, 0n, 0n));
      if (money.departureMs - event.atMs > policy.freeCancellationNoticeMs) {
        return accepted('rider-early-cancel', split(fare, 0n, fee));
      }
      const driverPart = divRoundHalfEven(fare * BigInt(policy.lateCancellationDriverShareBps), BPS_PER_WHOLE);
      return accepted('rider-late-cancel', split(fare - driverPart, driverPart, fee));
    }
  }
}
