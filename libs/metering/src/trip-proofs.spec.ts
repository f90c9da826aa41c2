import fc from 'fast-check';
import { didKeyFromPublicKey, generateKeyPair, signEd25519, type Ed25519KeyPair } from '@ampool/crypto';
import { MeteringError } from './metering-result';
import {
  EARTH_MEAN_RADIUS_M,
  evaluateTripLeg,
  greatCircleDistanceM,
  MAX_PROOFS_PER_LEG,
  tripProofSigningBytes,
  type SignedTripProof,
  type TripEvent,
  type TripLegEvidence,
  type TripParty,
  type TripProof,
  type TripRole,
} from './trip-proofs';

const driverKey: Ed25519KeyPair = generateKeyPair();
const riderKey: Ed25519KeyPair = generateKeyPair();
const strangerKey: Ed25519KeyPair = generateKeyPair();
const didOf = (key: Ed25519KeyPair): string => didKeyFromPublicKey(key.publicKey);

const LEG = 'leg-0190f2a4-7c1e-7000-8000-000000000001';
const PICKUP_AT = Date.parse('2024-05-01T07:30:00Z');
const DROPOFF_AT = Date.parse('2024-05-01T08:05:00Z');
// Utrecht Centraal → Amersfoort, in micro-degrees.
const PICKUP = { latE6: 52_089_444, lonE6: 5_110_278 };
const DROPOFF = { latE6: 52_153_611, lonE6: 5_373_611 };
// 10^-6 degree of latitude is 0.1112 m, so 1_700 is 189 m and 1_900 is 211 m.
const METRES_189 = 1_700;
const METRES_211 = 1_900;

const driver: TripParty = { publicKey: driverKey.publicKey, ownerDid: 'did:key:owner-driver' };
const rider: TripParty = { publicKey: riderKey.publicKey, ownerDid: 'did:key:owner-rider' };

function proof(role: TripRole, event: TripEvent, changes: Partial<TripProof> = {}, key?: Ed25519KeyPair): SignedTripProof {
  const signerKey = key ?? (role === 'driver' ? driverKey : riderKey);
  const place = event === 'pickup' ? PICKUP : DROPOFF;
  const body: TripProof = { legId: LEG, role, event, signer: didOf(signerKey), atMs: event === 'pickup' ? PICKUP_AT : DROPOFF_AT, ...place, ...changes };
  return { proof: body, signature: signEd25519(signerKey.secretKey, tripProofSigningBytes(body)) };
}

const ALL = (): SignedTripProof[] => [proof('driver', 'pickup'), proof('rider', 'pickup'), proof('driver', 'dropoff'), proof('rider', 'dropoff')];
const evidence = (proofs: SignedTripProof[], parties: Partial<Pick<TripLegEvidence, 'driver' | 'rider'>> = {}): TripLegEvidence => ({
  legId: LEG,
  driver,
  rider,
  proofs,
  ...parties,
});
const outcome = (e: TripLegEvidence) => {
  const verdict = evaluateTripLeg(e);
  return [verdict.status, verdict.proofClass, verdict.codes] as const;
};

describe('evaluateTripLeg', () => {
  it('proves a leg, class C, when driver and rider confirm pick-up and drop-off at the same place and time', () => {
    const verdict = evaluateTripLeg(evidence(ALL()));
    expect(verdict).toEqual({
      legId: LEG,
      status: 'proven',
      proofClass: 'C',
      codes: [],
      pickup: { distanceM: 0, timeDeltaS: 0 },
      dropoff: { distanceM: 0, timeDeltaS: 0 },
    });
  });

  it('proves a leg on the two drop-off proofs alone, or with one pick-up', () => {
    expect(outcome(evidence([proof('driver', 'dropoff'), proof('rider', 'dropoff')]))).toEqual(['proven', 'C', []]);
    expect(outcome(evidence([proof('driver', 'pickup'), proof('driver', 'dropoff'), proof('rider', 'dropoff')]))).toEqual(['proven', 'C', []]);
  });

  it('accepts proofs within the tolerances: 189 m and 300 s apart', () => {
    const verdict = evaluateTripLeg(
      evidence([proof('driver', 'dropoff'), proof('rider', 'dropoff', { latE6: DROPOFF.latE6 + METRES_189, atMs: DROPOFF_AT + 300_000 })]),
    );
    expect(verdict.status).toBe('proven');
    expect(verdict.dropoff?.distanceM).toBeCloseTo(189, 0);
    expect(verdict.dropoff?.timeDeltaS).toBe(300);
  });

  it('disputes drop-offs 211 m apart, or 301 s apart', () => {
    expect(outcome(evidence([proof('driver', 'dropoff'), proof('rider', 'dropoff', { latE6: DROPOFF.latE6 + METRES_211 })]))).toEqual([
      'disputed',
      'B',
      ['DROPOFF_TOO_FAR'],
    ]);
    expect(outcome(evidence([proof('driver', 'dropoff'), proof('rider', 'dropoff', { atMs: DROPOFF_AT - 301_000 })]))).toEqual([
      'disputed',
      'B',
      ['DROPOFF_TIME_MISMATCH'],
    ]);
  });

  it('disputes pick-ups that disagree when both exist', () => {
    const far = [proof('driver', 'pickup'), proof('rider', 'pickup', { lonE6: PICKUP.lonE6 + 10_000 }), proof('driver', 'dropoff'), proof('rider', 'dropoff')];
    expect(outcome(evidence(far))).toEqual(['disputed', 'B', ['PICKUP_TOO_FAR']]);
    const late = [proof('driver', 'pickup'), proof('rider', 'pickup', { atMs: PICKUP_AT + 600_000 }), proof('driver', 'dropoff'), proof('rider', 'dropoff')];
    expect(outcome(evidence(late))).toEqual(['disputed', 'B', ['PICKUP_TIME_MISMATCH']]);
  });

  it('leaves a one-sided leg disputed, class B', () => {
    expect(outcome(evidence([proof('driver', 'pickup'), proof('driver', 'dropoff')]))).toEqual(['disputed', 'B', ['MISSING_RIDER_DROPOFF']]);
    expect(outcome(evidence([proof('rider', 'dropoff')]))).toEqual(['disputed', 'B', ['MISSING_DRIVER_DROPOFF']]);
  });

  it('leaves a leg with no device proof disputed, class A: only the operator declared it', () => {
    expect(outcome(evidence([]))).toEqual(['disputed', 'A', ['MISSING_DRIVER_DROPOFF', 'MISSING_RIDER_DROPOFF']]);
  });

  it('disputes a party whose pick-up is after its own drop-off', () => {
    const proofs = [proof('driver', 'pickup', { atMs: DROPOFF_AT + 1 }), proof('driver', 'dropoff'), proof('rider', 'dropoff')];
    expect(outcome(evidence(proofs))).toEqual(['disputed', 'B', ['PICKUP_AFTER_DROPOFF']]);
  });

  it('disputes one person playing both roles: the same key', () => {
    const proofs = [proof('driver', 'dropoff'), proof('rider', 'dropoff', {}, driverKey)];
    expect(outcome(evidence(proofs, { rider: { publicKey: driverKey.publicKey, ownerDid: 'did:key:someone-else' } }))).toEqual(['disputed', 'B', ['SAME_PARTY']]);
  });

  it('disputes one person playing both roles: two devices of the same owner', () => {
    const sameOwner = { publicKey: riderKey.publicKey, ownerDid: driver.ownerDid };
    expect(outcome(evidence(ALL(), { rider: sameOwner }))).toEqual(['disputed', 'B', ['SAME_PARTY']]);
  });

  it('disputes one person playing both roles: the driver device owned by the rider device', () => {
    expect(outcome(evidence(ALL(), { driver: { publicKey: driverKey.publicKey, ownerDid: didOf(riderKey) } }))).toEqual(['disputed', 'B', ['SAME_PARTY']]);
  });

  it('does not count a proof signed with another key', () => {
    const forged = { ...proof('rider', 'dropoff'), signature: signEd25519(strangerKey.secretKey, tripProofSigningBytes(proof('rider', 'dropoff').proof)) };
    expect(outcome(evidence([proof('driver', 'dropoff'), forged]))).toEqual(['disputed', 'B', ['MISSING_RIDER_DROPOFF', 'BAD_SIGNATURE']]);
  });

  it('does not count a proof whose fields were changed after signing', () => {
    const signed = proof('rider', 'dropoff');
    const moved = { ...signed, proof: { ...signed.proof, latE6: signed.proof.latE6 + 1 } };
    expect(outcome(evidence([proof('driver', 'dropoff'), moved]))).toEqual(['disputed', 'B', ['MISSING_RIDER_DROPOFF', 'BAD_SIGNATURE']]);
  });

  it('does not count a proof that names a signer other than its role device, such as the driver proof relabelled as the rider', () => {
    const relabelled = proof('rider', 'dropoff', {}, driverKey);
    expect(outcome(evidence([proof('driver', 'dropoff'), relabelled]))).toEqual(['disputed', 'B', ['MISSING_RIDER_DROPOFF', 'UNEXPECTED_SIGNER']]);
  });

  it('does not count a proof of another leg', () => {
    expect(outcome(evidence([proof('driver', 'dropoff'), proof('rider', 'dropoff', { legId: 'leg-other' })]))).toEqual([
      'disputed',
      'B',
      ['MISSING_RIDER_DROPOFF', 'WRONG_LEG'],
    ]);
  });

  it('does not count a malformed proof', () => {
    const signed = proof('rider', 'dropoff');
    for (const changes of [{ latE6: 90_000_001 }, { lonE6: -180_000_001 }, { latE6: 52.5 }, { atMs: -1 }, { role: 'passenger' }, { event: 'arrival' }]) {
      const malformed = { ...signed, proof: { ...signed.proof, ...changes } as TripProof };
      expect(outcome(evidence([proof('driver', 'dropoff'), malformed]))).toEqual(['disputed', 'B', ['MISSING_RIDER_DROPOFF', 'INVALID_PROOF']]);
    }
  });

  it('counts the same proof submitted twice once, and refuses two different proofs of one event by one party', () => {
    expect(outcome(evidence([...ALL(), proof('rider', 'dropoff')]))).toEqual(['proven', 'C', []]);
    const twice = [...ALL(), proof('rider', 'dropoff', { atMs: DROPOFF_AT + 1_000 })];
    expect(outcome(evidence(twice))).toEqual(['disputed', 'B', ['MISSING_RIDER_DROPOFF', 'DUPLICATE_PROOF']]);
  });

  it('refuses to evaluate more proofs than the limit', () => {
    const many = Array.from({ length: MAX_PROOFS_PER_LEG + 1 }, () => proof('driver', 'dropoff'));
    expect(outcome(evidence(many))).toEqual(['disputed', 'A', ['TOO_MANY_PROOFS']]);
  });

  it('honours tolerances given by the caller and refuses nonsensical ones', () => {
    const apart = [proof('driver', 'dropoff'), proof('rider', 'dropoff', { latE6: DROPOFF.latE6 + METRES_211 })];
    expect(evaluateTripLeg(evidence(apart), { distanceM: 250, timeS: 300 }).status).toBe('proven');
    expect(evaluateTripLeg(evidence(apart), { distanceM: 100, timeS: 300 }).status).toBe('disputed');
    expect(() => evaluateTripLeg(evidence(apart), { distanceM: -1, timeS: 300 })).toThrow(RangeError);
    expect(() => evaluateTripLeg(evidence(apart), { distanceM: 100, timeS: Number.NaN })).toThrow(RangeError);
  });
});

describe('tripProofSigningBytes', () => {
  it('is the domain prefix and the canonical JSON of the proof, positions as integer micro-degrees', () => {
    const body = proof('driver', 'pickup').proof;
    expect(new TextDecoder().decode(tripProofSigningBytes(body))).toBe(
      'ampool/trip-proof/v1\n' +
        `{"at":"2024-05-01T07:30:00.000Z","event":"pickup","latE6":52089444,"legId":"${LEG}","lonE6":5110278,"role":"driver","signer":"${didOf(driverKey)}"}`,
    );
  });

  it('refuses to produce bytes for a malformed proof', () => {
    expect(() => tripProofSigningBytes({ ...proof('driver', 'pickup').proof, lonE6: 1.5 })).toThrow(MeteringError);
    expect(() => tripProofSigningBytes({ ...proof('driver', 'pickup').proof, legId: '' })).toThrow(MeteringError);
  });
});

describe('greatCircleDistanceM', () => {
  it('measures one degree along a meridian and along the equator as R × π / 180', () => {
    const degree = (EARTH_MEAN_RADIUS_M * Math.PI) / 180;
    expect(greatCircleDistanceM({ latE6: 0, lonE6: 0 }, { latE6: 1_000_000, lonE6: 0 })).toBeCloseTo(degree, 6);
    expect(greatCircleDistanceM({ latE6: 0, lonE6: 0 }, { latE6: 0, lonE6: 1_000_000 })).toBeCloseTo(degree, 6);
  });

  it('is symmetric, zero for one place, and half the circumference between antipodes', () => {
    expect(greatCircleDistanceM(PICKUP, DROPOFF)).toBe(greatCircleDistanceM(DROPOFF, PICKUP));
    expect(greatCircleDistanceM(PICKUP, PICKUP)).toBe(0);
    const antipodes = greatCircleDistanceM({ latE6: 10_000_000, lonE6: 20_000_000 }, { latE6: -10_000_000, lonE6: -160_000_000 });
    expect(Math.abs(antipodes - Math.PI * EARTH_MEAN_RADIUS_M)).toBeLessThan(0.5);
  });

  it('agrees with the chord-length formula on random pairs of positions', () => {
    // Independent route: unit vectors in 3-D, the chord between them, angle = 2 asin(chord / 2).
    const unit = (p: { latE6: number; lonE6: number }): [number, number, number] => {
      const lat = (p.latE6 / 1e6) * (Math.PI / 180);
      const lon = (p.lonE6 / 1e6) * (Math.PI / 180);
      return [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
    };
    const position = fc.record({ latE6: fc.integer({ min: -90_000_000, max: 90_000_000 }), lonE6: fc.integer({ min: -180_000_000, max: 180_000_000 }) });
    fc.assert(
      fc.property(position, position, (a, b) => {
        const [u, v] = [unit(a), unit(b)];
        const chord = Math.hypot(u[0] - v[0], u[1] - v[1], u[2] - v[2]);
        const expected = 2 * EARTH_MEAN_RADIUS_M * Math.asin(Math.min(1, chord / 2));
        expect(Math.abs(greatCircleDistanceM(a, b) - expected)).toBeLessThan(0.001 + 5e-8 * expected);
      }),
      { numRuns: 1_000 },
    );
  });
});
