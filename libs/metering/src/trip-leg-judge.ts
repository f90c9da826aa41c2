/**
 * Judging one booking's leg over time, on proofs the service has already verified (signature,
 * and that the signing key belongs to the role's party). `evaluateTripLeg` decides on a fixed
 * set of signed proofs; here proofs arrive one by one, each is first checked against what the
 * booking agreed (the meeting points and their estimated times), and the leg's verdict can
 * also depend on time: a missing proof only counts as missing once its waiting time is over.
 *
 * Verdicts, in this order:
 * 1. **proven** — both drop-off proofs exist and agree within the tolerances, and the pick-up
 *    proofs agree too when both exist. Class C.
 * 2. **disputed** at once — both drop-offs (or both pick-ups) exist and disagree.
 * 3. **rider-absent** — the driver's pick-up proof exists, the rider has sent no proof at all,
 *    the driver has sent no drop-off, and the no-show wait (counted from the later of the
 *    agreed pick-up time and the driver's proof) is over; decided when the driver claims the
 *    no-show, or at the deadline without a claim. Class B (one occupant's device).
 * 4. **disputed** at the deadline (agreed drop-off + proof window) — whatever is still missing
 *    is named (MISSING_DRIVER_DROPOFF, MISSING_RIDER_DROPOFF). Class B with proofs, A without.
 * 5. otherwise **pending**.
 */
import { DEFAULT_TRIP_PROOF_TOLERANCES, greatCircleDistanceM, TripProofCode, type ProofAgreement, type ProofClass, type TripEvent, type TripProof, type TripProofTolerances, type TripRole } from './trip-proofs';

/** A meeting point and time as the booking agreed them. */
export interface AgreedPoint {
  readonly latE6: number;
  readonly lonE6: number;
  readonly atMs: number;
}

/** What a booking agreed: where and when the rider boards and leaves the car. */
export interface AgreedLeg {
  readonly legId: string;
  readonly pickup: AgreedPoint;
  readonly dropoff: AgreedPoint;
}

/** The rules a deployment publishes. All durations in ms, distances in metres. */
export interface TripJudgeRules {
  /** How far apart the driver's and the rider's proofs of one event may be. */
  readonly tolerances: TripProofTolerances;
  /** How far from the agreed meeting point a proof may be. */
  readonly agreedDistanceM: number;
  /** How long before the agreed time a proof may be. */
  readonly agreedEarlyMs: number;
  /** How long after the agreed time a proof may be (traffic, waiting). */
  readonly agreedLateMs: number;
  /** How far ahead of now a proof's time may be (device clocks drift). */
  readonly clockSkewMs: number;
  /** How long the driver waits at the pick-up before a rider counts as absent. */
  readonly noShowWaitMs: number;
  /** After the agreed drop-off time, how long the parties have to send their proofs. */
  readonly proofWindowMs: number;
}

/**
 * Defaults: meeting points are street corners reached on foot, so 500 m; estimated times move
 * with traffic, so 30 min early to 2 h late; phones' clocks 2 min ahead at most; a driver waits
 * 15 min; proofs are due 2 h after the agreed drop-off.
 */
export const DEFAULT_TRIP_JUDGE_RULES: TripJudgeRules = {
  tolerances: DEFAULT_TRIP_PROOF_TOLERANCES,
  agreedDistanceM: 500,
  agreedEarlyMs: 30 * 60_000,
  agreedLateMs: 2 * 3_600_000,
  clockSkewMs: 2 * 60_000,
  noShowWaitMs: 15 * 60_000,
  proofWindowMs: 2 * 3_600_000,
};

/** Why a proof is refused on arrival. Stable codes. */
export type TripProofRefusal = 'TOO_FAR' | 'OFF_TIME' | 'OUT_OF_ORDER' | 'CONFLICT' | 'WRONG_LEG';

/** The outcome of admitting one proof. */
export type TripProofAdmission =
  | { readonly status: 'new' }
  | { readonly status: 'duplicate' }
  | { readonly status: 'refused'; readonly code: TripProofRefusal; readonly message: string };

/** The verdict on a leg at some instant. */
export type TripLegJudgement =
  | { readonly status: 'pending'; readonly proofClass: ProofClass; readonly codes: readonly TripProofCode[] }
  | { readonly status: 'proven'; readonly proofClass: 'C'; readonly codes: readonly TripProofCode[]; readonly dropoff: ProofAgreement; readonly pickup?: ProofAgreement }
  | { readonly status: 'rider-absent'; readonly proofClass: 'B'; readonly codes: readonly TripProofCode[]; readonly driverPickupAtMs: number }
  | { readonly status: 'disputed'; readonly proofClass: ProofClass; readonly codes: readonly TripProofCode[]; readonly dropoff?: ProofAgreement; readonly pickup?: ProofAgreement };

const CODE_ORDER: readonly TripProofCode[] = Object.values(TripProofCode);

/** When a leg still missing proofs is judged on what it has: agreed drop-off + proof window. */
export function tripLegDeadlineMs(agreed: AgreedLeg, rules: TripJudgeRules = DEFAULT_TRIP_JUDGE_RULES): number {
  return agreed.dropoff.atMs + rules.proofWindowMs;
}

/**
 * Checks a verified proof against the agreement and the proofs already stored for the leg:
 * `duplicate` when the same party already stated exactly this, `refused` when it is about
 * another leg, too far from the agreed point or time (or ahead of `nowMs` by more than the
 * skew), out of order with the party's other proof, or contradicts the party's earlier proof
 * of the same event (the first one stands).
 */
export function admitTripProof(
  agreed: AgreedLeg,
  stored: readonly TripProof[],
  proof: TripProof,
  nowMs: number,
  rules: TripJudgeRules = DEFAULT_TRIP_JUDGE_RULES,
): TripProofAdmission {
  if (proof.legId !== agreed.legId) return refused('WRONG_LEG', `the proof is about ${proof.legId}, not ${agreed.legId}`);
  const same = stored.find((p) => p.role === proof.role && p.event === proof.event);
  if (same) {
    const identical = same.signer === proof.signer && same.atMs === proof.atMs && same.latE6 === proof.latE6 && same.lonE6 === proof.lonE6;
    return identical ? { status: 'duplicate' } : refused('CONFLICT', `the ${proof.role} already confirmed the ${proof.event} differently; the first confirmation stands`);
  }
  if (proof.atMs > nowMs + rules.clockSkewMs) return refused('OFF_TIME', `the proof's time is ${Math.round((proof.atMs - nowMs) / 1000)} s ahead of now`);
  const point = proof.event === 'pickup' ? agreed.pickup : agreed.dropoff;
  const distanceM = greatCircleDistanceM(proof, point);
  if (distanceM > rules.agreedDistanceM) return refused('TOO_FAR', `the ${proof.event} is ${Math.round(distanceM)} m from the agreed point (at most ${rules.agreedDistanceM} m)`);
  if (proof.atMs < point.atMs - rules.agreedEarlyMs || proof.atMs > point.atMs + rules.agreedLateMs) {
    return refused('OFF_TIME', `the ${proof.event} time is ${Math.round((proof.atMs - point.atMs) / 60_000)} min from the agreed time`);
  }
  const other = stored.find((p) => p.role === proof.role && p.event !== proof.event);
  if (other) {
    const pickupAt = proof.event === 'pickup' ? proof.atMs : other.atMs;
    const dropoffAt = proof.event === 'dropoff' ? proof.atMs : other.atMs;
    if (pickupAt > dropoffAt) return refused('OUT_OF_ORDER', `the ${proof.role}'s pick-up would be after their drop-off`);
  }
  return { status: 'new' };
}

/**
 * The leg's verdict at `nowMs` on its admitted proofs (at most one per role and event; see
 * the module comment for the order of the rules). `noShowClaimed`: the driver reports the
 * rider absent now, so a rider-absent verdict need not wait for the deadline.
 */
export function judgeTripLeg(
  agreed: AgreedLeg,
  proofs: readonly TripProof[],
  nowMs: number,
  rules: TripJudgeRules = DEFAULT_TRIP_JUDGE_RULES,
  options: { noShowClaimed?: boolean } = {},
): TripLegJudgement {
  const get = (role: TripRole, event: TripEvent) => proofs.find((p) => p.role === role && p.event === event && p.legId === agreed.legId);
  const codes = new Set<TripProofCode>();
  const compare = (event: TripEvent, tooFar: TripProofCode, timeMismatch: TripProofCode): ProofAgreement | undefined => {
    const d = get('driver', event);
    const r = get('rider', event);
    if (!d || !r) return undefined;
    const agreement = { distanceM: greatCircleDistanceM(d, r), timeDeltaS: Math.abs(d.atMs - r.atMs) / 1000 };
    if (agreement.distanceM > rules.tolerances.distanceM) codes.add(tooFar);
    if (agreement.timeDeltaS > rules.tolerances.timeS) codes.add(timeMismatch);
    return agreement;
  };
  const dropoff = compare('dropoff', TripProofCode.DROPOFF_TOO_FAR, TripProofCode.DROPOFF_TIME_MISMATCH);
  const pickup = compare('pickup', TripProofCode.PICKUP_TOO_FAR, TripProofCode.PICKUP_TIME_MISMATCH);
  for (const role of ['driver', 'rider'] as const) {
    const p = get(role, 'pickup');
    const d = get(role, 'dropoff');
    if (p && d && p.atMs > d.atMs) codes.add(TripProofCode.PICKUP_AFTER_DROPOFF);
  }
  const sorted = (): TripProofCode[] => CODE_ORDER.filter((c) => codes.has(c));
  const anyProof = proofs.some((p) => p.legId === agreed.legId);
  const withAgreements = { ...(dropoff ? { dropoff } : {}), ...(pickup ? { pickup } : {}) };
  if (codes.size > 0) return { status: 'disputed', proofClass: anyProof ? 'B' : 'A', codes: sorted(), ...withAgreements };
  if (dropoff) return { status: 'proven', proofClass: 'C', codes: [], dropoff, ...(pickup ? { pickup } : {}) };

  const deadlineMs = tripLegDeadlineMs(agreed, rules);
  const driverPickup = get('driver', 'pickup');
  const riderSilent = !get('rider', 'pickup') && !get('rider', 'dropoff');
  if (driverPickup && riderSilent && !get('driver', 'dropoff')) {
    const waitOver = nowMs >= Math.max(agreed.pickup.atMs, driverPickup.atMs) + rules.noShowWaitMs;
    if (waitOver && (options.noShowClaimed === true || nowMs >= deadlineMs)) {
      return { status: 'rider-absent', proofClass: 'B', codes: [], driverPickupAtMs: driverPickup.atMs };
    }
  }
  if (nowMs >= deadlineMs) {
    if (!get('driver', 'dropoff')) codes.add(TripProofCode.MISSING_DRIVER_DROPOFF);
    if (!get('rider', 'dropoff')) codes.add(TripProofCode.MISSING_RIDER_DROPOFF);
    return { status: 'disputed', proofClass: anyProof ? 'B' : 'A', codes: sorted(), ...withAgreements };
  }
  return { status: 'pending', proofClass: anyProof ? 'B' : 'A', codes: [] };
}

function refused(code: TripProofRefusal, message: string): TripProofAdmission {
  return { status: 'refused', code, message };
}
