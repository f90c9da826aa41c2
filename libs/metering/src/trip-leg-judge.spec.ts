import fc from 'fast-check';
import { admitTripProof, DEFAULT_TRIP_JUDGE_RULES, judgeTripLeg, tripLegDeadlineMs, type AgreedLeg } from './trip-leg-judge';
import type { TripEvent, TripProof, TripRole } from './trip-proofs';

const LEG = '0190f2a4-7c1e-7000-8000-000000000001';
const MIN = 60_000;
const PICKUP_AT = Date.parse('2026-11-26T07:30:00Z');
const DROPOFF_AT = Date.parse('2026-11-26T08:05:00Z');
const agreed: AgreedLeg = {
  legId: LEG,
  pickup: { latE6: 52_089_444, lonE6: 5_110_278, atMs: PICKUP_AT },
  dropoff: { latE6: 52_153_611, lonE6: 5_373_611, atMs: DROPOFF_AT },
};
const rules = DEFAULT_TRIP_JUDGE_RULES;
// 10^-6 degree of latitude is 0.1112 m: 1_700 is 189 m, 1_900 is 211 m, 5_000 is 556 m.
const SIGNERS: Record<TripRole, string> = { driver: 'did:key:driver-phone', rider: 'did:key:rider-phone' };

function proof(role: TripRole, event: TripEvent, changes: Partial<TripProof> = {}): TripProof {
  const point = event === 'pickup' ? agreed.pickup : agreed.dropoff;
  return { legId: LEG, role, event, signer: SIGNERS[role], atMs: point.atMs, latE6: point.latE6, lonE6: point.lonE6, ...changes };
}
const ALL = () => [proof('driver', 'pickup'), proof('rider', 'pickup'), proof('driver', 'dropoff'), proof('rider', 'dropoff')];
const AFTER_DEADLINE = tripLegDeadlineMs(agreed) + 1;

describe('admitTripProof', () => {
  const now = DROPOFF_AT + 5 * MIN;

  it('admits a proof at the agreed point and time, and calls the same statement again a duplicate', () => {
    expect(admitTripProof(agreed, [], proof('driver', 'pickup'), now)).toEqual({ status: 'new' });
    expect(admitTripProof(agreed, [proof('driver', 'pickup')], proof('driver', 'pickup'), now)).toEqual({ status: 'duplicate' });
  });

  it('refuses a second, different statement of the same event by the same party: the first stands', () => {
    const out = admitTripProof(agreed, [proof('driver', 'pickup')], proof('driver', 'pickup', { atMs: PICKUP_AT + MIN }), now);
    expect(out).toMatchObject({ status: 'refused', code: 'CONFLICT' });
  });

  it('refuses a proof further than 500 m from the agreed point, and accepts one at 189 m', () => {
    expect(admitTripProof(agreed, [], proof('rider', 'dropoff', { latE6: agreed.dropoff.latE6 + 5_000 }), now)).toMatchObject({ status: 'refused', code: 'TOO_FAR' });
    expect(admitTripProof(agreed, [], proof('rider', 'dropoff', { latE6: agreed.dropoff.latE6 + 1_700 }), now)).toEqual({ status: 'new' });
  });

  it('refuses times outside 30 min early .. 2 h late of the agreed time, and times ahead of now beyond the skew', () => {
    expect(admitTripProof(agreed, [], proof('driver', 'pickup', { atMs: PICKUP_AT - 31 * MIN }), now)).toMatchObject({ code: 'OFF_TIME' });
    expect(admitTripProof(agreed, [], proof('driver', 'pickup', { atMs: PICKUP_AT + 121 * MIN }), PICKUP_AT + 200 * MIN)).toMatchObject({ code: 'OFF_TIME' });
    expect(admitTripProof(agreed, [], proof('driver', 'pickup', { atMs: PICKUP_AT + 119 * MIN }), PICKUP_AT + 200 * MIN)).toEqual({ status: 'new' });
    expect(admitTripProof(agreed, [], proof('driver', 'dropoff'), DROPOFF_AT - 3 * MIN)).toMatchObject({ code: 'OFF_TIME' });
    expect(admitTripProof(agreed, [], proof('driver', 'dropoff'), DROPOFF_AT - 1 * MIN)).toEqual({ status: 'new' });
  });

  it('refuses a pick-up later than the same party\'s drop-off, in either arrival order', () => {
    const lateDropoff = proof('rider', 'dropoff', { atMs: PICKUP_AT + 10 * MIN, latE6: agreed.dropoff.latE6 });
    const latePickup = proof('rider', 'pickup', { atMs: PICKUP_AT + 20 * MIN });
    const early = { ...agreed, dropoff: { ...agreed.dropoff, atMs: PICKUP_AT + 15 * MIN } };
    expect(admitTripProof(early, [latePickup], lateDropoff, now)).toMatchObject({ code: 'OUT_OF_ORDER' });
    expect(admitTripProof(early, [lateDropoff], latePickup, now)).toMatchObject({ code: 'OUT_OF_ORDER' });
    // The other party's proofs do not constrain this one.
    expect(admitTripProof(early, [proof('driver', 'pickup', { atMs: PICKUP_AT + 20 * MIN })], lateDropoff, now)).toEqual({ status: 'new' });
  });

  it('refuses a proof about another leg', () => {
    expect(admitTripProof(agreed, [], proof('rider', 'pickup', { legId: 'other' }), now)).toMatchObject({ code: 'WRONG_LEG' });
  });
});

describe('judgeTripLeg', () => {
  it('proves the leg, class C, as soon as both drop-offs agree, with or without pick-ups', () => {
    expect(judgeTripLeg(agreed, ALL(), DROPOFF_AT)).toEqual({
      status: 'proven', proofClass: 'C', codes: [], dropoff: { distanceM: 0, timeDeltaS: 0 }, pickup: { distanceM: 0, timeDeltaS: 0 },
    });
    expect(judgeTripLeg(agreed, [proof('driver', 'dropoff'), proof('rider', 'dropoff', { atMs: DROPOFF_AT + 300_000 })], DROPOFF_AT).status).toBe('proven');
  });

  it('disputes at once when the drop-offs disagree by more than 200 m or 5 min, naming why', () => {
    const far = judgeTripLeg(agreed, [proof('driver', 'dropoff'), proof('rider', 'dropoff', { latE6: agreed.dropoff.latE6 + 1_900 })], DROPOFF_AT);
    expect(far).toMatchObject({ status: 'disputed', proofClass: 'B', codes: ['DROPOFF_TOO_FAR'] });
    const late = judgeTripLeg(agreed, [proof('driver', 'dropoff'), proof('rider', 'dropoff', { atMs: DROPOFF_AT + 301_000 })], DROPOFF_AT);
    expect(late.codes).toEqual(['DROPOFF_TIME_MISMATCH']);
  });

  it('disputes when the pick-ups disagree even before any drop-off', () => {
    const out = judgeTripLeg(agreed, [proof('driver', 'pickup'), proof('rider', 'pickup', { atMs: PICKUP_AT + 10 * MIN })], PICKUP_AT + 10 * MIN);
    expect(out).toMatchObject({ status: 'disputed', codes: ['PICKUP_TIME_MISMATCH'] });
  });

  it('waits while proofs are missing before the deadline, then disputes naming what is missing', () => {
    const one = [proof('driver', 'pickup'), proof('driver', 'dropoff')];
    expect(judgeTripLeg(agreed, one, DROPOFF_AT + 10 * MIN)).toEqual({ status: 'pending', proofClass: 'B', codes: [] });
    expect(judgeTripLeg(agreed, one, AFTER_DEADLINE)).toMatchObject({ status: 'disputed', proofClass: 'B', codes: ['MISSING_RIDER_DROPOFF'] });
    expect(judgeTripLeg(agreed, [], AFTER_DEADLINE)).toEqual({ status: 'disputed', proofClass: 'A', codes: ['MISSING_DRIVER_DROPOFF', 'MISSING_RIDER_DROPOFF'] });
  });

  it('finds the rider absent when the driver was at the pick-up, waited 15 min, and the rider sent nothing', () => {
    const driverOnly = [proof('driver', 'pickup', { atMs: PICKUP_AT + 2 * MIN })];
    // A claim before the wait is over is not enough.
    expect(judgeTripLeg(agreed, driverOnly, PICKUP_AT + 16 * MIN, rules, { noShowClaimed: true }).status).toBe('pending');
    expect(judgeTripLeg(agreed, driverOnly, PICKUP_AT + 17 * MIN, rules, { noShowClaimed: true })).toEqual({
      status: 'rider-absent', proofClass: 'B', codes: [], driverPickupAtMs: PICKUP_AT + 2 * MIN,
    });
    // Without a claim, the deadline decides.
    expect(judgeTripLeg(agreed, driverOnly, PICKUP_AT + 17 * MIN).status).toBe('pending');
    expect(judgeTripLeg(agreed, driverOnly, AFTER_DEADLINE).status).toBe('rider-absent');
  });

  it('never finds the rider absent when the rider sent any proof, or the driver confirmed a drop-off', () => {
    const claimAt = AFTER_DEADLINE;
    const withRider = [proof('driver', 'pickup'), proof('rider', 'pickup')];
    expect(judgeTripLeg(agreed, withRider, claimAt, rules, { noShowClaimed: true })).toMatchObject({ status: 'disputed', codes: ['MISSING_DRIVER_DROPOFF', 'MISSING_RIDER_DROPOFF'] });
    const driverRode = [proof('driver', 'pickup'), proof('driver', 'dropoff')];
    expect(judgeTripLeg(agreed, driverRode, claimAt, rules, { noShowClaimed: true })).toMatchObject({ status: 'disputed', codes: ['MISSING_RIDER_DROPOFF'] });
  });

  it('is proven exactly when both drop-offs exist within tolerance and nothing else disagrees (random proofs)', () => {
    const offset = fc.record({ dLat: fc.integer({ min: -3_000, max: 3_000 }), dMs: fc.integer({ min: -600_000, max: 600_000 }) });
    fc.assert(
      fc.property(fc.option(offset), fc.option(offset), fc.option(offset), fc.option(offset), (dp, rp, dd, rd) => {
        const make = (role: TripRole, event: TripEvent, o: { dLat: number; dMs: number } | null) => {
          if (o === null) return [];
          const point = event === 'pickup' ? agreed.pickup : agreed.dropoff;
          return [proof(role, event, { latE6: point.latE6 + o.dLat, atMs: point.atMs + o.dMs })];
        };
        const proofs = [...make('driver', 'pickup', dp), ...make('rider', 'pickup', rp), ...make('driver', 'dropoff', dd), ...make('rider', 'dropoff', rd)];
        const out = judgeTripLeg(agreed, proofs, DROPOFF_AT);
        const agrees = (a: typeof dp, b: typeof dp) => Math.abs(a!.dLat - b!.dLat) * 0.1112 <= 200.5 && Math.abs(a!.dMs - b!.dMs) <= 300_000;
        const inOrder = (p: typeof dp, d: typeof dp, event: 'pickup') => p === null || d === null || agreed[event].atMs + p.dMs <= agreed.dropoff.atMs + d.dMs;
        const expectProven =
          dd !== null && rd !== null && agrees(dd, rd) && (dp === null || rp === null || agrees(dp, rp)) && inOrder(dp, dd, 'pickup') && inOrder(rp, rd, 'pickup');
        if (out.status === 'proven') expect(expectProven).toBe(true);
        // Near the 200 m boundary the flat-earth estimate above and the haversine may differ by centimetres.
        else if (expectProven) expect(out.codes.every((c) => c === 'DROPOFF_TOO_FAR' || c === 'PICKUP_TOO_FAR')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
