/**
 * Trip proofs: the driver and the rider of a trip leg each sign a pick-up and a drop-off
 * confirmation (when and where) on their own device. Money for a ride moves on a `proven` leg.
 *
 * Positions are integers in micro-degrees (latE6 = round(latitude × 10^6)): exact, comparable
 * and canonical in JSON without any decimal-formatting question, and 10^-6 ° is 0.11 m at the
 * equator, far below what a phone's GPS resolves. Distances are great-circle (haversine on a
 * sphere of the Earth's mean radius, 6 371 008.8 m); being an approximation of ~0.5 % it is
 * used only against a tolerance, never for money.
 *
 * Proof classes follow the French "Registre de preuve de covoiturage": A — the operator
 * certifies the match only (a declaration); B — the operator also certifies the trip of one
 * occupant (that occupant's device gave time and position); C — the trips of all occupants,
 * driver and passenger, with distinct identities. Here: C when the leg is `proven` (both
 * parties, distinct, proofs that agree); B when at least one occupant's device proof verifies
 * but the leg is not proven (one-sided, disagreeing, or both roles played by one party); A when
 * no device proof verifies.
 */
import { bytesEqual, canonicalJson, didKeyFromPublicKey, verifyEd25519 } from '@ampool/crypto';
import { MAX_READING_MS } from './meter-reading';
import { MeteringError } from './metering-result';

/** Domain prefix of a trip proof, version 1. */
export const TRIP_PROOF_DOMAIN = 'ampool/trip-proof/v1\n';
/** Most proofs evaluated for one leg: two parties × two events, with room for retries. */
export const MAX_PROOFS_PER_LEG = 16;
/** Longest leg id or DID accepted. */
export const MAX_TRIP_ID_LENGTH = 128;
/** Mean radius of the Earth (IUGG), metres. */
export const EARTH_MEAN_RADIUS_M = 6_371_008.8;

/** Who signs. */
export type TripRole = 'driver' | 'rider';
/** What is confirmed. */
export type TripEvent = 'pickup' | 'dropoff';

/** One party's confirmation of a pick-up or a drop-off. */
export interface TripProof {
  /** The trip leg (booking) the proof is about. */
  readonly legId: string;
  readonly role: TripRole;
  readonly event: TripEvent;
  /** did:key of the signing key (the device's current key). */
  readonly signer: string;
  /** When, by the device's clock, epoch ms. */
  readonly atMs: number;
  /** Latitude in micro-degrees, −90 000 000..90 000 000. */
  readonly latE6: number;
  /** Longitude in micro-degrees, −180 000 000..180 000 000. */
  readonly lonE6: number;
}

/** A proof and its Ed25519 signature over {@link tripProofSigningBytes}. */
export interface SignedTripProof {
  readonly proof: TripProof;
  readonly signature: Uint8Array;
}

/** The key a party signs with, and the participant behind it (resolved by identity). */
export interface TripParty {
  /** The signing key: the current key of the party's device (or of the participant itself). */
  readonly publicKey: Uint8Array;
  /** did of the participant behind the key: the device's owner, or the participant itself when it signs with its own key. Two devices of one owner are one party. */
  readonly ownerDid: string;
}

/** Everything known about one leg. */
export interface TripLegEvidence {
  readonly legId: string;
  readonly driver: TripParty;
  readonly rider: TripParty;
  readonly proofs: readonly SignedTripProof[];
}

/** How far apart the two parties' proofs of one event may be. */
export interface TripProofTolerances {
  readonly distanceM: number;
  readonly timeS: number;
}

/**
 * Two people leaving one car stand a few metres apart, but phone fixes in a street are off by
 * tens of metres and a confirmation is tapped a little before or after: 200 m and 5 minutes.
 */
export const DEFAULT_TRIP_PROOF_TOLERANCES: TripProofTolerances = { distanceM: 200, timeS: 300 };

/** Why a leg is disputed (or why a proof was not counted). Stable codes: never rename, only add. */
export const TripProofCode = {
  /** Driver and rider are one party: the same key, or devices of the same owner. */
  SAME_PARTY: 'SAME_PARTY',
  /** No counted drop-off proof from the driver. */
  MISSING_DRIVER_DROPOFF: 'MISSING_DRIVER_DROPOFF',
  /** No counted drop-off proof from the rider. */
  MISSING_RIDER_DROPOFF: 'MISSING_RIDER_DROPOFF',
  /** The two drop-off positions are further apart than the distance tolerance. */
  DROPOFF_TOO_FAR: 'DROPOFF_TOO_FAR',
  /** The two drop-off times are further apart than the time tolerance. */
  DROPOFF_TIME_MISMATCH: 'DROPOFF_TIME_MISMATCH',
  /** Both pick-up proofs exist and their positions disagree. */
  PICKUP_TOO_FAR: 'PICKUP_TOO_FAR',
  /** Both pick-up proofs exist and their times disagree. */
  PICKUP_TIME_MISMATCH: 'PICKUP_TIME_MISMATCH',
  /** A party's pick-up is later than its own drop-off. */
  PICKUP_AFTER_DROPOFF: 'PICKUP_AFTER_DROPOFF',
  /** A proof's signature does not verify with its role's key; it is not counted. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** A proof names a signer other than its role's device; it is not counted. */
  UNEXPECTED_SIGNER: 'UNEXPECTED_SIGNER',
  /** A proof is about another leg; it is not counted. */
  WRONG_LEG: 'WRONG_LEG',
  /** A proof's fields are out of range or malformed; it is not counted. */
  INVALID_PROOF: 'INVALID_PROOF',
  /** One party signed two different proofs of the same event; neither is counted. */
  DUPLICATE_PROOF: 'DUPLICATE_PROOF',
  /** More than {@link MAX_PROOFS_PER_LEG} proofs were submitted; none is evaluated. */
  TOO_MANY_PROOFS: 'TOO_MANY_PROOFS',
} as const;

/** One of the {@link TripProofCode} values. */
export type TripProofCode = (typeof TripProofCode)[keyof typeof TripProofCode];

const CODE_ORDER: readonly TripProofCode[] = Object.values(TripProofCode);

/** Proof class after the French carpool proof register (module comment). */
export type ProofClass = 'A' | 'B' | 'C';

/** How far apart the two parties' proofs of one event are. */
export interface ProofAgreement {
  readonly distanceM: number;
  readonly timeDeltaS: number;
}

/** The outcome for a leg. */
export interface TripLegVerdict {
  readonly legId: string;
  /** `proven` exactly when `codes` is empty. */
  readonly status: 'proven' | 'disputed';
  readonly proofClass: ProofClass;
  /** Every reason found, in canonical order. */
  readonly codes: readonly TripProofCode[];
  /** Present when both parties' counted pick-up proofs exist. */
  readonly pickup?: ProofAgreement;
  /** Present when both parties' counted drop-off proofs exist. */
  readonly dropoff?: ProofAgreement;
}

const utf8 = new TextEncoder();
const ID = new RegExp(`^[\\x21-\\x7e]{1,${MAX_TRIP_ID_LENGTH}}$`);

/**
 * The bytes a device signs for `proof`:
 * `"ampool/trip-proof/v1\n" ‖ canonicalJson({ at, event, latE6, legId, lonE6, role, signer })`
 * with `at` in ISO 8601 UTC with milliseconds. Throws `MeteringError('INVALID_TRIP_PROOF')`
 * for a proof with out-of-range or malformed fields.
 */
export function tripProofSigningBytes(proof: TripProof): Uint8Array {
  const problem = proofProblem(proof);
  if (problem !== undefined) throw new MeteringError('INVALID_TRIP_PROOF', problem);
  return utf8.encode(
    TRIP_PROOF_DOMAIN +
      canonicalJson({
        legId: proof.legId,
        role: proof.role,
        event: proof.event,
        signer: proof.signer,
        at: new Date(proof.atMs).toISOString(),
        latE6: proof.latE6,
        lonE6: proof.lonE6,
      }),
  );
}

/**
 * Great-circle distance in metres between two positions in micro-degrees (haversine). In
 * double precision it is exact to well under a millimetre at the distances compared here
 * (metres to kilometres) and to a few tenths of a metre between antipodes.
 */
export function greatCircleDistanceM(a: { latE6: number; lonE6: number }, b: { latE6: number; lonE6: number }): number {
  const radians = Math.PI / 180 / 1e6;
  const phi1 = a.latE6 * radians;
  const phi2 = b.latE6 * radians;
  const dPhi = (b.latE6 - a.latE6) * radians;
  const dLambda = (b.lonE6 - a.lonE6) * radians;
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  // Rounding can push h a hair above 1 for antipodes; asin would then give NaN.
  return 2 * EARTH_MEAN_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Decides whether a leg is `proven` and its proof class. Proven: driver and rider are
 * distinct parties, each has one counted drop-off proof, the two agree within the tolerances,
 * the pick-up proofs agree too when both exist, nobody's pick-up is after their drop-off, and
 * no submitted proof was bad. A proof counts when it is well formed, about this leg, names its
 * role's device as signer and verifies with that device's key. Anything else is `disputed`
 * for an operator, with every reason in `codes`. Never throws for bad proofs; throws a
 * RangeError for negative or non-finite tolerances (a configuration error).
 */
export function evaluateTripLeg(evidence: TripLegEvidence, tolerances: TripProofTolerances = DEFAULT_TRIP_PROOF_TOLERANCES): TripLegVerdict {
  if (!(tolerances.distanceM >= 0) || !(tolerances.timeS >= 0) || !Number.isFinite(tolerances.distanceM) || !Number.isFinite(tolerances.timeS)) {
    throw new RangeError('trip proof tolerances must be finite and non-negative');
  }
  const { legId } = evidence;
  if (evidence.proofs.length > MAX_PROOFS_PER_LEG) {
    return { legId, status: 'disputed', proofClass: 'A', codes: [TripProofCode.TOO_MANY_PROOFS] };
  }
  const codes = new Set<TripProofCode>();
  const dids: Record<TripRole, string | undefined> = { driver: didOf(evidence.driver.publicKey), rider: didOf(evidence.rider.publicKey) };
  if (isSameParty(evidence.driver, evidence.rider, dids.driver, dids.rider)) codes.add(TripProofCode.SAME_PARTY);

  const counted = new Map<string, { proof: TripProof; bytes: Uint8Array } | 'conflict'>();
  for (const { proof, signature } of evidence.proofs) {
    if (proofProblem(proof) !== undefined) {
      codes.add(TripProofCode.INVALID_PROOF);
      continue;
    }
    if (proof.legId !== legId) {
      codes.add(TripProofCode.WRONG_LEG);
      continue;
    }
    const party = proof.role === 'driver' ? evidence.driver : evidence.rider;
    if (dids[proof.role] === undefined || proof.signer !== dids[proof.role]) {
      codes.add(TripProofCode.UNEXPECTED_SIGNER);
      continue;
    }
    const bytes = tripProofSigningBytes(proof);
    if (!verifyEd25519(party.publicKey, bytes, signature)) {
      codes.add(TripProofCode.BAD_SIGNATURE);
      continue;
    }
    const slot = `${proof.role}/${proof.event}`;
    const earlier = counted.get(slot);
    if (earlier === undefined) counted.set(slot, { proof, bytes });
    // The same statement submitted twice (a retry) is one proof; two different statements of
    // one event by one party leave no way to tell which is true.
    else if (earlier === 'conflict' || !bytesEqual(earlier.bytes, bytes)) {
      counted.set(slot, 'conflict');
      codes.add(TripProofCode.DUPLICATE_PROOF);
    }
  }
  const get = (role: TripRole, event: TripEvent): TripProof | undefined => {
    const entry = counted.get(`${role}/${event}`);
    return entry === undefined || entry === 'conflict' ? undefined : entry.proof;
  };

  for (const role of ['driver', 'rider'] as const) {
    const pickup = get(role, 'pickup');
    const dropoff = get(role, 'dropoff');
    if (pickup !== undefined && dropoff !== undefined && pickup.atMs > dropoff.atMs) codes.add(TripProofCode.PICKUP_AFTER_DROPOFF);
  }
  const compare = (event: TripEvent, tooFar: TripProofCode, timeMismatch: TripProofCode): ProofAgreement | undefined => {
    const driver = get('driver', event);
    const rider = get('rider', event);
    if (driver === undefined || rider === undefined) return undefined;
    const agreement = { distanceM: greatCircleDistanceM(driver, rider), timeDeltaS: Math.abs(driver.atMs - rider.atMs) / 1000 };
    if (agreement.distanceM > tolerances.distanceM) codes.add(tooFar);
    if (agreement.timeDeltaS > tolerances.timeS) codes.add(timeMismatch);
    return agreement;
  };
  const dropoff = compare('dropoff', TripProofCode.DROPOFF_TOO_FAR, TripProofCode.DROPOFF_TIME_MISMATCH);
  const pickup = compare('pickup', TripProofCode.PICKUP_TOO_FAR, TripProofCode.PICKUP_TIME_MISMATCH);
  if (get('driver', 'dropoff') === undefined) codes.add(TripProofCode.MISSING_DRIVER_DROPOFF);
  if (get('rider', 'dropoff') === undefined) codes.add(TripProofCode.MISSING_RIDER_DROPOFF);

  const sortedCodes = CODE_ORDER.filter((c) => codes.has(c));
  const anyCounted = [...counted.values()].some((entry) => entry !== 'conflict');
  const proven = sortedCodes.length === 0;
  const verdict: TripLegVerdict = {
    legId,
    status: proven ? 'proven' : 'disputed',
    proofClass: proven ? 'C' : anyCounted ? 'B' : 'A',
    codes: sortedCodes,
  };
  return { ...verdict, ...(pickup === undefined ? {} : { pickup }), ...(dropoff === undefined ? {} : { dropoff }) };
}

/**
 * One person playing both roles: the same device key, the same owner, or one role's device
 * owned by (or being) the other role's identity.
 */
function isSameParty(driver: TripParty, rider: TripParty, driverDid: string | undefined, riderDid: string | undefined): boolean {
  if (driver.publicKey instanceof Uint8Array && rider.publicKey instanceof Uint8Array && bytesEqual(driver.publicKey, rider.publicKey)) return true;
  if (driver.ownerDid === rider.ownerDid) return true;
  return (driverDid !== undefined && driverDid === rider.ownerDid) || (riderDid !== undefined && riderDid === driver.ownerDid);
}

function didOf(publicKey: Uint8Array): string | undefined {
  try {
    return didKeyFromPublicKey(publicKey);
  } catch {
    return undefined;
  }
}

function proofProblem(proof: TripProof): string | undefined {
  if (typeof proof !== 'object' || proof === null) return 'proof is not an object';
  if (typeof proof.legId !== 'string' || !ID.test(proof.legId)) return `legId must be 1–${MAX_TRIP_ID_LENGTH} printable ASCII characters`;
  if (proof.role !== 'driver' && proof.role !== 'rider') return 'role must be driver or rider';
  if (proof.event !== 'pickup' && proof.event !== 'dropoff') return 'event must be pickup or dropoff';
  if (typeof proof.signer !== 'string' || !ID.test(proof.signer)) return `signer must be 1–${MAX_TRIP_ID_LENGTH} printable ASCII characters`;
  if (!Number.isSafeInteger(proof.atMs) || proof.atMs < 0 || proof.atMs > MAX_READING_MS) return 'atMs must be an integer epoch millisecond between 1970 and 9999';
  if (!Number.isSafeInteger(proof.latE6) || Math.abs(proof.latE6) > 90_000_000) return 'latE6 must be an integer in ±90 000 000';
  if (!Number.isSafeInteger(proof.lonE6) || Math.abs(proof.lonE6) > 180_000_000) return 'lonE6 must be an integer in ±180 000 000';
  return undefined;
}
