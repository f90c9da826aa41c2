import { createPublicKey, verify as opensslVerify } from 'node:crypto';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import {
  generateKeyPair,
  isValidEd25519PublicKey,
  publicKeyFromSecret,
  signEd25519,
  verifyEd25519,
  verifyEd25519Async,
} from './ed25519';
import { verifyEd25519Reference } from './ed25519-reference';
import { CryptoError } from './errors';
import { fromHex, hex } from './hex';
import { readTestdata } from '@ampool/testdata';

const { Point } = ed25519;
const L = Point.Fn.ORDER;

interface SignVector {
  line: number;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/** `sk‖pk:pk:msg:sig‖msg`, hex, one vector per line. */
function loadSignVectors(): SignVector[] {
  const lines = readTestdata('ed25519/rfc8032-and-noble-sign.input').split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, i) => {
    const [secretAndPublic, publicKey, message, signatureAndMessage] = line.trim().split(':');
    if (secretAndPublic === undefined || publicKey === undefined || message === undefined || signatureAndMessage === undefined) {
      throw new Error(`line ${i + 1}: expected four fields`);
    }
    if (signatureAndMessage.slice(128) !== message || secretAndPublic.slice(64) !== publicKey) {
      throw new Error(`line ${i + 1}: fields disagree with each other`);
    }
    return {
      line: i + 1,
      secretKey: fromHex(secretAndPublic.slice(0, 64)),
      publicKey: fromHex(publicKey),
      message: fromHex(message),
      signature: fromHex(signatureAndMessage.slice(0, 128)),
    };
  });
}

interface Zip215Case {
  vk_bytes: string;
  sig_bytes: string;
  valid_legacy: boolean;
  valid_zip215: boolean;
}

const ZIP215_MESSAGE = new TextEncoder().encode('Zcash');

function loadZip215(): Zip215Case[] {
  return JSON.parse(readTestdata('ed25519/zip215.json')) as Zip215Case[];
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  return value;
}

function toLittleEndian32(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0, rest = value; i < 32; i++, rest >>= 8n) out[i] = Number(rest & 0xffn);
  return out;
}

/** OpenSSL with none of our encoding checks in front of it. */
function opensslAlone(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  try {
    return opensslVerify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
}

/**
 * A signature made with secret scalar `a` whose R carries the small-order point `torsion`:
 * R = [r]B + T, S = r + k·a. The cofactored equation ignores T and accepts it; the
 * cofactorless one sees [S]B − [k]A = [r]B ≠ R and refuses it.
 */
function signWithTorsionInR(seed: Uint8Array, message: Uint8Array, nonce: bigint, torsion: InstanceType<typeof Point>): Uint8Array {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
  const r = Point.BASE.multiply(nonce).add(torsion).toBytes();
  const k = littleEndian(sha512(new Uint8Array([...r, ...pointBytes, ...message]))) % L;
  const s = (nonce + k * scalar) % L;
  return new Uint8Array([...r, ...toLittleEndian32(s)]);
}

describe('Ed25519 against the RFC 8032 and noble signing vectors', () => {
  const vectors = loadSignVectors();

  it('reads all 1024 vectors, the first being RFC 8032 §7.1 TEST 1', () => {
    expect(vectors).toHaveLength(1024);
    expect(hex(vectors[0]?.publicKey ?? new Uint8Array())).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  });

  it('derives every public key from its secret key', () => {
    const wrong = vectors.filter((v) => hex(publicKeyFromSecret(v.secretKey)) !== hex(v.publicKey)).map((v) => v.line);
    expect(wrong).toEqual([]);
  });

  it('signs every message to exactly the published signature', () => {
    const wrong = vectors.filter((v) => hex(signEd25519(v.secretKey, v.message)) !== hex(v.signature)).map((v) => v.line);
    expect(wrong).toEqual([]);
  });

  it('accepts every published signature', () => {
    const rejected = vectors.filter((v) => !verifyEd25519(v.publicKey, v.message, v.signature)).map((v) => v.line);
    expect(rejected).toEqual([]);
  });

  it('rejects every signature with one bit flipped, wherever the bit is', () => {
    // Bit (line × 7) mod 512 walks through R and S alike across the 1024 vectors.
    const accepted = vectors
      .filter((v) => verifyEd25519(v.publicKey, v.message, flipBit(v.signature, (v.line * 7) % 512)))
      .map((v) => v.line);
    expect(accepted).toEqual([]);
  });

  it('rejects every signature over a message with one bit flipped', () => {
    const withMessage = vectors.filter((v) => v.message.length > 0);
    const accepted = withMessage
      .filter((v) => verifyEd25519(v.publicKey, flipBit(v.message, v.line % (v.message.length * 8)), v.signature))
      .map((v) => v.line);
    expect(withMessage.length).toBeGreaterThan(1000);
    expect(accepted).toEqual([]);
  });

  it('gives the same verdicts asynchronously', async () => {
    const sample = vectors.slice(0, 64);
    const verdicts = await Promise.all(
      sample.flatMap((v) => [
        verifyEd25519Async(v.publicKey, v.message, v.signature),
        verifyEd25519Async(v.publicKey, v.message, flipBit(v.signature, v.line)),
      ]),
    );
    expect(verdicts).toEqual(sample.flatMap(() => [true, false]));
  });

  it('agrees with the independent pure-JS implementation of the rule on every vector', () => {
    const disagreements = vectors.filter(
      (v) =>
        verifyEd25519Reference(v.publicKey, v.message, v.signature) !== true ||
        verifyEd25519Reference(v.publicKey, v.message, flipBit(v.signature, v.line % 512)) !== false,
    );
    expect(disagreements.map((v) => v.line)).toEqual([]);
  });
});

// zip215.json holds 196 signatures over "Zcash": every pairing of 14 encodings of small-order
// points as public key A and as R, with S = 0 or a canonical S. Its two fields are the verdicts
// of two rules, and NEITHER is the rule shipped here:
// - `valid_zip215`: ZIP 215 (cofactored equation, non-canonical encodings of A and R allowed);
//   true for all 196.
// - `valid_legacy`: Zcash's pre-ZIP-215 consensus rule (the checks of libsodium 1.0.15, per
//   ZIP 215); true for 3.
// - OpenSSL on its own (Node 20.20, OpenSSL 3.0.19): cofactorless, canonical R and S, but it
//   accepts non-canonical and small-order A; true for 12 (a superset of the legacy 3).
// - Our rule (strict RFC 8032 plus refusing small-order and non-canonical A, as noble's
//   `zip215: false` also does): true for 0, because every A in the file has small order.
// So the test asserts our verdicts against the rule itself, evaluated independently: a case is
// valid iff its key passes the strict key check AND the cofactorless equation holds.
describe('Ed25519 against the ZIP 215 edge cases', () => {
  const cases = loadZip215().map((c, i) => ({
    ...c,
    index: i,
    publicKey: fromHex(c.vk_bytes),
    signature: fromHex(c.sig_bytes),
  }));

  it('reads all 196 cases, every one of them valid under ZIP 215', () => {
    expect(cases).toHaveLength(196);
    expect(cases.every((c) => c.valid_zip215)).toBe(true);
  });

  it('uses only small-order public keys (which is what makes the rules disagree)', () => {
    // Lenient decoding (zip215 = true) reads the non-canonical encodings too.
    expect(cases.every((c) => Point.fromBytes(c.publicKey, true).isSmallOrder())).toBe(true);
  });

  it('returns the verdict of the rule, evaluated independently, for every case: all 196 invalid', () => {
    const expected = cases.map((c) => {
      let strictKey: boolean;
      try {
        strictKey = !Point.fromBytes(c.publicKey, false).isSmallOrder();
      } catch {
        strictKey = false;
      }
      return strictKey && verifyEd25519Reference(c.publicKey, ZIP215_MESSAGE, c.signature);
    });
    const actual = cases.map((c) => verifyEd25519(c.publicKey, ZIP215_MESSAGE, c.signature));
    expect(actual).toEqual(expected);
    expect(actual.filter(Boolean)).toHaveLength(0);
  });

  it('rejects the three cases the legacy Zcash rule accepts', () => {
    const legacyValid = cases.filter((c) => c.valid_legacy);
    expect(legacyValid).toHaveLength(3);
    expect(legacyValid.map((c) => verifyEd25519(c.publicKey, ZIP215_MESSAGE, c.signature))).toEqual([false, false, false]);
  });

  it('matters: OpenSSL alone accepts some of these, all through keys our key check refuses', () => {
    const opensslAccepts = cases.filter((c) => opensslAlone(c.publicKey, ZIP215_MESSAGE, c.signature));
    expect(opensslAccepts.length).toBeGreaterThan(0);
    expect(opensslAccepts.filter((c) => isValidEd25519PublicKey(c.publicKey))).toEqual([]);
  });

  it('agrees with noble strict verification (zip215: false) on every case', () => {
    const disagreements = cases.filter(
      (c) => verifyEd25519(c.publicKey, ZIP215_MESSAGE, c.signature) !== ed25519.verify(c.signature, ZIP215_MESSAGE, c.publicKey, { zip215: false }),
    );
    expect(disagreements.map((c) => c.index)).toEqual([]);
  });
});

describe('verifyEd25519', () => {
  const { secretKey, publicKey } = generateKeyPair();
  const message = new TextEncoder().encode('POST /orders\nampool-date: 2025-01-01T00:00:00Z');
  const signature = signEd25519(secretKey, message);

  it('accepts a signature from a freshly generated key pair', () => {
    expect(verifyEd25519(publicKey, message, signature)).toBe(true);
  });

  it.each([
    ['a 31-byte public key', publicKey.subarray(0, 31), message, signature],
    ['a 33-byte public key', new Uint8Array([...publicKey, 0]), message, signature],
    ['a 63-byte signature', publicKey, message, signature.subarray(0, 63)],
    ['a 65-byte signature', publicKey, message, new Uint8Array([...signature, 0])],
    ['an empty signature', publicKey, message, new Uint8Array()],
    ['a string message', publicKey, 'hello' as unknown as Uint8Array, signature],
    ['a null public key', null as unknown as Uint8Array, message, signature],
    ['an array instead of bytes', [...publicKey] as unknown as Uint8Array, message, signature],
  ])('answers false, without throwing, for %s', (_label, key, msg, sig) => {
    expect(verifyEd25519(key, msg, sig)).toBe(false);
  });

  it('answers false asynchronously, without rejecting, for malformed input', async () => {
    await expect(verifyEd25519Async(publicKey.subarray(1), message, signature)).resolves.toBe(false);
    await expect(verifyEd25519Async(publicKey, message, signature.subarray(1))).resolves.toBe(false);
  });

  it('rejects S + L, the malleated twin of a valid signature', () => {
    const s = littleEndian(signature.subarray(32));
    const malleated = new Uint8Array([...signature.subarray(0, 32), ...toLittleEndian32(s + L)]);
    // The equation alone cannot tell them apart: only the S < L check does.
    expect(Point.BASE.multiply(s).equals(Point.BASE.multiplyUnsafe((s + L) % L))).toBe(true);
    expect(verifyEd25519(publicKey, message, malleated)).toBe(false);
  });

  it('rejects a signature whose R carries a small-order component, which noble (cofactored) accepts', () => {
    const torsion = Point.fromHex(ED25519_TORSION_SUBGROUP[1] as string);
    const crafted = signWithTorsionInR(secretKey, message, 123456789n, torsion);
    expect(ed25519.verify(crafted, message, publicKey, { zip215: false })).toBe(true);
    expect(verifyEd25519(publicKey, message, crafted)).toBe(false);
    expect(verifyEd25519Reference(publicKey, message, crafted)).toBe(false);
  });

  it('rejects R written as a non-canonical encoding of a valid R', () => {
    // Only y < 19 has a second 255-bit encoding (y + p). The identity (y = 1) is such a point,
    // and a signer gets R = identity with nonce r = 0, so S = k·a.
    const { scalar } = ed25519.utils.getExtendedPublicKey(secretKey);
    const identity = Point.ZERO.toBytes();
    const k = littleEndian(sha512(new Uint8Array([...identity, ...publicKey, ...message]))) % L;
    const s = toLittleEndian32((k * scalar) % L);
    expect(verifyEd25519(publicKey, message, new Uint8Array([...identity, ...s]))).toBe(true);
    // y = 1 + p, same point: 0xee ff…ff 7f. k changes with R's bytes, so recompute S for it.
    const nonCanonical = fromHex('ee' + 'ff'.repeat(30) + '7f');
    const k2 = littleEndian(sha512(new Uint8Array([...nonCanonical, ...publicKey, ...message]))) % L;
    const s2 = toLittleEndian32((k2 * scalar) % L);
    expect(verifyEd25519(publicKey, message, new Uint8Array([...nonCanonical, ...s2]))).toBe(false);
    expect(verifyEd25519Reference(publicKey, message, new Uint8Array([...nonCanonical, ...s2]))).toBe(false);
  });

  it('agrees with the pure-JS implementation on valid, mutated and torsion-laden signatures', () => {
    const torsionPoints = ED25519_TORSION_SUBGROUP.map((encoding) => Point.fromHex(encoding));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.bigInt({ min: 1n, max: L - 1n }),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom('valid', 'torsion-in-R', 'torsion-in-A', 'flipped', 'random'),
        fc.integer({ min: 0, max: 511 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (seed, msg, nonce, t, mutation, bit, randomSignature) => {
          const torsion = torsionPoints[t] as InstanceType<typeof Point>;
          let pub = publicKeyFromSecret(seed);
          let sig = signEd25519(seed, msg);
          if (mutation === 'torsion-in-R') sig = signWithTorsionInR(seed, msg, nonce, torsion);
          if (mutation === 'flipped') sig = flipBit(sig, bit);
          if (mutation === 'random') sig = randomSignature;
          if (mutation === 'torsion-in-A') {
            // A mixed-order key A + T: valid under the cofactorless equation only when
            // [k]T happens to vanish, which both implementations must see alike.
            const { scalar, point } = ed25519.utils.getExtendedPublicKey(seed);
            pub = point.add(torsion).toBytes();
            const r = Point.BASE.multiply(nonce).toBytes();
            const k = littleEndian(sha512(new Uint8Array([...r, ...pub, ...msg]))) % L;
            sig = new Uint8Array([...r, ...toLittleEndian32((nonce + k * scalar) % L)]);
          }
          expect(verifyEd25519(pub, msg, sig)).toBe(verifyEd25519Reference(pub, msg, sig));
          if (mutation === 'valid') expect(verifyEd25519(pub, msg, sig)).toBe(true);
          if (mutation === 'flipped' || mutation === 'torsion-in-R') {
            expect(verifyEd25519(pub, msg, sig)).toBe(t === 0 && mutation === 'torsion-in-R');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('signEd25519, publicKeyFromSecret and generateKeyPair', () => {
  it('refuse a secret key that is not 32 bytes with INVALID_KEY', () => {
    for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(64)]) {
      expect(() => signEd25519(bad, new Uint8Array())).toThrow(expect.objectContaining({ name: 'CryptoError', code: 'INVALID_KEY' }));
      expect(() => publicKeyFromSecret(bad)).toThrow(CryptoError);
    }
  });

  it('generate distinct key pairs whose public key matches the secret', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(hex(a.secretKey)).not.toBe(hex(b.secretKey));
    expect(a.secretKey).toHaveLength(32);
    expect(hex(publicKeyFromSecret(a.secretKey))).toBe(hex(a.publicKey));
    expect(isValidEd25519PublicKey(a.publicKey)).toBe(true);
  });

  it('sign deterministically, as noble does for the same seed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (seed, msg) => {
        expect(hex(signEd25519(seed, msg))).toBe(hex(ed25519.sign(msg, seed)));
        expect(hex(publicKeyFromSecret(seed))).toBe(hex(ed25519.getPublicKey(seed)));
      }),
      { numRuns: 100 },
    );
  });
});

describe('signEd25519 with a key it has signed with before', () => {
  it('signs as noble does when one array is signed with again, and again after its bytes change in place', () => {
    const seed = generateKeyPair().secretKey;
    const msg = new TextEncoder().encode('the same key, many entries');
    for (let i = 0; i < 3; i++) expect(hex(signEd25519(seed, msg))).toBe(hex(ed25519.sign(msg, seed)));
    // A parsed key is reused per array: a changed secret must not sign with the old one.
    seed.set(generateKeyPair().secretKey);
    expect(hex(signEd25519(seed, msg))).toBe(hex(ed25519.sign(msg, seed)));
    expect(verifyEd25519(publicKeyFromSecret(seed), msg, signEd25519(seed, msg))).toBe(true);
  });
});

describe('isValidEd25519PublicKey', () => {
  it('refuses every small-order point, in every encoding the ZIP 215 cases use', () => {
    const keys = new Set(loadZip215().map((c) => c.vk_bytes));
    expect(keys.size).toBe(14);
    expect([...keys].filter((k) => isValidEd25519PublicKey(fromHex(k)))).toEqual([]);
  });

  it('refuses an encoding of y ≥ p and one that is not on the curve', () => {
    expect(isValidEd25519PublicKey(fromHex('ed' + 'ff'.repeat(30) + '7f'))).toBe(false);
    // y = 2 has no x on edwards25519 (x² = (y² − 1)/(d·y² + 1) is not a square).
    expect(isValidEd25519PublicKey(fromHex('02' + '00'.repeat(31)))).toBe(false);
  });
});
