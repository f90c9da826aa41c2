import fc from 'fast-check';
import type { BookingState } from './booking-state';
import {
  type BookingEvent,
  type BookingMoney,
  type CancellationPolicy,
  DEFAULT_CANCELLATION_POLICY,
  applyBookingEvent,
  approvalDeadlineMs,
  serviceFeeMicro,
} from './cancellation-policy';
import { MAX_AMOUNT_MICRO } from './ride-bounds';
import { RideRejectCode } from './ride-codes';

const HOUR = 3_600_000;
const DEPARTURE = Date.UTC(2030, 0, 15, 8);
/** The README's worked example: a fare of 12.345679 and its 10 % fee, 1.234567 9 rounded half to even. */
const MONEY: BookingMoney = { fareMicro: 12_345_679n, serviceFeeMicro: 1_234_568n, departureMs: DEPARTURE };

function outcome(state: BookingState, event: BookingEvent, money: BookingMoney = MONEY, policy?: CancellationPolicy) {
  const result = applyBookingEvent(state, money, event, policy);
  if (result.status !== 'accepted') throw new Error(`refused: ${result.code}`);
  return result;
}

describe('serviceFeeMicro', () => {
  it('is 10 % of the fare by default, rounded half to even', () => {
    expect(serviceFeeMicro(12_345_679n)).toBe(1_234_568n);
    expect(serviceFeeMicro(25n)).toBe(2n); // 2.5 → 2
    expect(serviceFeeMicro(35n)).toBe(4n); // 3.5 → 4
    expect(serviceFeeMicro(0n)).toBe(0n);
  });
});

describe('applyBookingEvent', () => {
  it('pays the driver the fare and the platform the fee when the ride completes', () => {
    expect(outcome('confirmed', { type: 'complete' })).toEqual({
      status: 'accepted',
      state: 'completed',
      rule: 'completed',
      split: { riderRefundMicro: 0n, driverPayoutMicro: 12_345_679n, platformFeeMicro: 1_234_568n },
      driverReliabilityMark: false,
    });
  });

  it('keeps the hold in place on confirm', () => {
    expect(outcome('requested', { type: 'confirm' })).toMatchObject({ state: 'confirmed', rule: 'hold-kept', split: null });
  });

  it('refunds the fare but not the fee when the rider cancels more than 24 h before departure', () => {
    expect(outcome('confirmed', { type: 'cancel', by: 'rider', atMs: DEPARTURE - 24 * HOUR - 1 })).toMatchObject({
      state: 'cancelled',
      rule: 'rider-early-cancel',
      split: { riderRefundMicro: 12_345_679n, driverPayoutMicro: 0n, platformFeeMicro: 1_234_568n },
    });
  });

  it('gives the driver half the fare (half to even) and the rider the rest when the rider cancels 24 h or less before departure, or after it', () => {
    for (const atMs of [DEPARTURE - 24 * HOUR, DEPARTURE - HOUR, DEPARTURE + HOUR]) {
      expect(outcome('confirmed', { type: 'cancel', by: 'rider', atMs })).toMatchObject({
        rule: 'rider-late-cancel',
        // 12,345,679 / 2 = 6,172,839.5 → 6,172,840 (even); the rider gets 6,172,839.
        split: { riderRefundMicro: 6_172_839n, driverPayoutMicro: 6_172_840n, platformFeeMicro: 1_234_568n },
      });
    }
    const odd = { ...MONEY, fareMicro: 5n, serviceFeeMicro: 0n };
    expect(outcome('confirmed', { type: 'cancel', by: 'rider', atMs: DEPARTURE }, odd).split).toEqual({ riderRefundMicro: 3n, driverPayoutMicro: 2n, platformFeeMicro: 0n });
  });

  it('refunds everything when a rider withdraws a request the driver has not accepted', () => {
    expect(outcome('requested', { type: 'cancel', by: 'rider', atMs: DEPARTURE - HOUR })).toMatchObject({
      rule: 'request-withdrawn',
      split: { riderRefundMicro: 13_580_247n, driverPayoutMicro: 0n, platformFeeMicro: 0n },
    });
  });

  it('refunds everything and marks the driver when the driver cancels a confirmed booking, without a mark for a pending request', () => {
    expect(outcome('confirmed', { type: 'cancel', by: 'driver', atMs: DEPARTURE - 48 * HOUR })).toMatchObject({
      rule: 'driver-cancel',
      split: { riderRefundMicro: 13_580_247n, driverPayoutMicro: 0n, platformFeeMicro: 0n },
      driverReliabilityMark: true,
    });
    expect(outcome('requested', { type: 'cancel', by: 'driver', atMs: DEPARTURE - HOUR })).toMatchObject({ rule: 'driver-cancel-request', driverReliabilityMark: false });
  });

  it('refunds everything when the driver declines or the request expires', () => {
    for (const type of ['decline', 'expire'] as const) {
      expect(outcome('requested', { type }).split).toEqual({ riderRefundMicro: 13_580_247n, driverPayoutMicro: 0n, platformFeeMicro: 0n });
    }
  });

  it('pays the driver the fare for a no-show proven by trip proofs, and refuses an unproven one with NO_SHOW_NOT_PROVEN', () => {
    expect(outcome('confirmed', { type: 'no-show', proofVerified: true })).toMatchObject({
      state: 'no-show',
      rule: 'rider-no-show',
      split: { riderRefundMicro: 0n, driverPayoutMicro: 12_345_679n, platformFeeMicro: 1_234_568n },
    });
    expect(applyBookingEvent('confirmed', MONEY, { type: 'no-show', proofVerified: false })).toMatchObject({ code: RideRejectCode.NO_SHOW_NOT_PROVEN });
  });

  it('refunds fare and fee of a disputed ride, recording whether an operator or the timeout decided, and only from confirmed', () => {
    expect(outcome('confirmed', { type: 'refund', by: 'operator' })).toMatchObject({
      state: 'cancelled',
      rule: 'dispute-refund',
      split: { riderRefundMicro: 13_580_247n, driverPayoutMicro: 0n, platformFeeMicro: 0n },
      driverReliabilityMark: false,
    });
    expect(outcome('confirmed', { type: 'refund', by: 'timeout' })).toMatchObject({ rule: 'dispute-timeout' });
    expect(applyBookingEvent('requested', MONEY, { type: 'refund', by: 'operator' })).toMatchObject({ code: RideRejectCode.ILLEGAL_TRANSITION });
    expect(applyBookingEvent('completed', MONEY, { type: 'refund', by: 'timeout' })).toMatchObject({ code: RideRejectCode.BOOKING_FINAL });
  });

  it('follows a configured policy: 48 h notice, 30 % to the driver', () => {
    const policy: CancellationPolicy = { ...DEFAULT_CANCELLATION_POLICY, freeCancellationNoticeMs: 48 * HOUR, lateCancellationDriverShareBps: 3_000 };
    expect(outcome('confirmed', { type: 'cancel', by: 'rider', atMs: DEPARTURE - 30 * HOUR }, MONEY, policy).split).toEqual({
      riderRefundMicro: 8_641_975n,
      driverPayoutMicro: 3_703_704n, // 3,703,703.7
      platformFeeMicro: 1_234_568n,
    });
  });

  it('refuses transitions the state machine refuses, bad amounts and bad policies, with codes', () => {
    expect(applyBookingEvent('completed', MONEY, { type: 'cancel', by: 'rider', atMs: 0 })).toMatchObject({ code: RideRejectCode.BOOKING_FINAL });
    expect(applyBookingEvent('requested', MONEY, { type: 'complete' })).toMatchObject({ code: RideRejectCode.ILLEGAL_TRANSITION });
    expect(applyBookingEvent('confirmed', { ...MONEY, fareMicro: -1n }, { type: 'complete' })).toMatchObject({ code: RideRejectCode.AMOUNT_INVALID });
    expect(applyBookingEvent('confirmed', { ...MONEY, fareMicro: MAX_AMOUNT_MICRO }, { type: 'complete' })).toMatchObject({ code: RideRejectCode.AMOUNT_INVALID });
    expect(applyBookingEvent('confirmed', MONEY, { type: 'complete' }, { ...DEFAULT_CANCELLATION_POLICY, serviceFeeBps: 10_001 })).toMatchObject({
      code: RideRejectCode.POLICY_INVALID,
    });
    expect(applyBookingEvent('confirmed', MONEY, { type: 'cancel', by: 'rider', atMs: Number.NaN })).toMatchObject({ code: RideRejectCode.MALFORMED_INPUT });
  });

  it('splits every hold exactly: refund + payout + fee = fare + fee, no part negative, whatever the event, timing and policy', () => {
    const event: fc.Arbitrary<BookingEvent> = fc.oneof(
      fc.constant<BookingEvent>({ type: 'confirm' }),
      fc.constant<BookingEvent>({ type: 'decline' }),
      fc.constant<BookingEvent>({ type: 'expire' }),
      fc.constant<BookingEvent>({ type: 'complete' }),
      fc.constant<BookingEvent>({ type: 'no-show', proofVerified: true }),
      fc.record({ type: fc.constant('refund' as const), by: fc.constantFrom<'operator' | 'timeout'>('operator', 'timeout') }),
      fc.record({ type: fc.constant('cancel' as const), by: fc.constantFrom<'rider' | 'driver'>('rider', 'driver'), atMs: fc.integer({ min: DEPARTURE - 96 * HOUR, max: DEPARTURE + 4 * HOUR }) }),
    );
    const policy: fc.Arbitrary<CancellationPolicy> = fc.record({
      serviceFeeBps: fc.integer({ min: 0, max: 10_000 }),
      freeCancellationNoticeMs: fc.integer({ min: 0, max: 72 * HOUR }),
      lateCancellationDriverShareBps: fc.integer({ min: 0, max: 10_000 }),
      approvalTimeoutMs: fc.integer({ min: 0, max: 72 * HOUR }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom<BookingState>('requested', 'confirmed'),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        policy,
        event,
        (state, fare, p, e) => {
          const fee = serviceFeeMicro(fare, p);
          const result = applyBookingEvent(state, { fareMicro: fare, serviceFeeMicro: fee, departureMs: DEPARTURE }, e, p);
          if (result.status === 'rejected') {
            expect(result.code).toBe(RideRejectCode.ILLEGAL_TRANSITION);
            return;
          }
          if (result.split === null) {
            expect(e.type).toBe('confirm');
            return;
          }
          const { riderRefundMicro, driverPayoutMicro, platformFeeMicro } = result.split;
          expect(riderRefundMicro + driverPayoutMicro + platformFeeMicro).toBe(fare + fee);
          for (const part of [riderRefundMicro, driverPayoutMicro, platformFeeMicro]) expect(part).toBeGreaterThanOrEqual(0n);
          expect(driverPayoutMicro).toBeLessThanOrEqual(fare);
          expect([0n, fee]).toContain(platformFeeMicro);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('approvalDeadlineMs', () => {
  it('expires an unanswered request after the approval timeout, but never after departure', () => {
    expect(approvalDeadlineMs(DEPARTURE - 48 * HOUR, DEPARTURE)).toBe(DEPARTURE - 36 * HOUR);
    expect(approvalDeadlineMs(DEPARTURE - 2 * HOUR, DEPARTURE)).toBe(DEPARTURE);
  });
});
