/**
 * Ed25519 for the whole system, with ONE verification rule (see README.md): strict RFC 8032
 * §5.1.7, cofactorless, canonical encodings only, small-order public keys refused.
 *
 * Who decides what. Every encoding is checked here, before OpenSSL sees it: A must be a
 * canonical encoding of a curve point that is not of small order (checked once per key, when
 * the key enters the cache), S must be below the group order L, and R must be a canonical
 * encoding. OpenSSL (`node:crypto`) then only evaluates the cofactorless equation
 * `encode([S]B − [k]A) == R`, which every correct implementation evaluates alike. On its own,
 * OpenSSL 3 accepts non-canonical and small-order public keys (12 of the 196 ZIP-215 edge cases
 * on Node 20.20 / OpenSSL 3.0.19); doing the checks ourselves means the verdict cannot change
 * with the OpenSSL build a validator happens to run, so two validators never disagree.
 *
 * Why not `ed25519.verify` from `@noble/curves`: even with `zip215: false` it checks the
 * *cofactored* equation, so it accepts signatures whose R carries a small-order component,
 * which OpenSSL (and this rule) reject; and OpenSSL verifies over 10× faster on these machines
 * (bench/crypto/ed25519.bench.ts).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { CryptoError } from './errors';
import { toUint8Array } from './hex';
import { LruCache } from './lru-cache';

/** Length in bytes of a raw Ed25519 public key. */
export const ED25519_PUBLIC_KEY_BYTES = 32;
/** Length in bytes of an Ed25519 secret key (the RFC 8032 32-byte seed). */
export const ED25519_SECRET_KEY_BYTES = 32;
/** Length in bytes of an Ed25519 signature (R ‖ S). */
export const ED25519_SIGNATURE_BYTES = 64;
/** Public keys whose parsed `KeyObject` is kept; services verify the same keys over and over. */
export const ED25519_KEY_CACHE_SIZE = 10_000;

/** An Ed25519 key pair: the 32-byte RFC 8032 secret (seed) and the 32-byte public key. */
export interface Ed25519KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

// DER prefixes that wrap a raw 32-byte key as SubjectPublicKeyInfo / PKCS#8 for OID 1.3.101.112.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** L, the order of the prime-order subgroup, little-endian as S is encoded. */
const GROUP_ORDER_LE = littleEndian32(ed25519.Point.Fn.ORDER);

const keyCache = new LruCache<string, KeyObject>(ED25519_KEY_CACHE_SIZE);

/**
 * Whether `signature` is a valid Ed25519 signature of `message` by `publicKey` under the
 * system's one rule (module comment). Never throws: wrong types or lengths, malformed keys and
 * malformed signatures are all simply `false`.
 */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = admit(publicKey, message, signature);
  if (key === undefined) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/**
 * {@link verifyEd25519} with the curve arithmetic on libuv's thread pool, so a burst of
 * verifications does not block the event loop. Same rule, same verdicts; never rejects.
 * Throughput is bounded by `UV_THREADPOOL_SIZE` (4 by default), which file and DNS work share.
 */
export function verifyEd25519Async(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = admit(publicKey, message, signature);
  if (key === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, message, key, signature, (error, valid) => resolve(error === null && valid));
    } catch {
      resolve(false);
    }
  });
}

/**
 * RFC 8032 signature of `message` with the 32-byte secret key (seed). Ed25519 signing is
 * deterministic: the same key and message always give the same 64 bytes. Throws
 * `CryptoError('INVALID_KEY')` if the secret is not 32 bytes.
 */
export function signEd25519(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return toUint8Array(sign(null, message, signingKeyObject(secretKey)));
}

/**
 * Parsed private keys by the array holding the secret. Building a `KeyObject` from a raw seed
 * derives the public key (a scalar multiplication) and costs about ten signatures, and
 * signers (a ledger relay signing every entry, a validator every block, a client every
 * request) sign with the same key again and again. Keyed by the array itself, so no copy of
 * a secret is kept and the entry goes when the array does; the SHA-256 of the bytes it was
 * built from guards against an array whose contents were changed since.
 */
const signingKeys = new WeakMap<Uint8Array, { key: KeyObject; digest: string }>();

function signingKeyObject(secretKey: Uint8Array): KeyObject {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== ED25519_SECRET_KEY_BYTES) return privateKeyObject(secretKey);
  const digest = createHash('sha256').update(secretKey).digest('base64');
  const cached = signingKeys.get(secretKey);
  if (cached !== undefined && cached.digest === digest) return cached.key;
  const key = privateKeyObject(secretKey);
  signingKeys.set(secretKey, { key, digest });
  return key;
}

/** The 32-byte public key of a 32-byte secret key (seed); `CryptoError('INVALID_KEY')` otherwise. */
export function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(secretKey)).export({ format: 'der', type: 'spki' });
  return toUint8Array(spki.subarray(SPKI_ED25519_PREFIX.length));
}

/** A fresh key pair from the operating system's CSPRNG. */
export function generateKeyPair(): Ed25519KeyPair {
  const secretKey = toUint8Array(randomBytes(ED25519_SECRET_KEY_BYTES));
  return { secretKey, publicKey: publicKeyFromSecret(secretKey) };
}

/**
 * Whether `publicKey` is acceptable as a signer's key under the rule: 32 bytes, a canonical
 * encoding (y < p, and no sign bit on x = 0) of a curve point that is not of small order.
 * A small-order key makes [k]A take at most 8 values, so one signature verifies for many
 * messages and proves nothing about who signed; identity should refuse such keys at
 * registration, and verification refuses them anyway.
 */
export function isValidEd25519PublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return false;
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}

/** The encoding checks of the rule; the cached `KeyObject` if the signature may be evaluated. */
function admit(publicKey: unknown, message: unknown, signature: unknown): KeyObject | undefined {
  if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) return undefined;
  if (signature.length !== ED25519_SIGNATURE_BYTES) return undefined;
  if (!isCanonicalScalar(signature.subarray(32)) || !isCanonicalPointEncoding(signature.subarray(0, 32))) {
    return undefined;
  }
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return undefined;
  return keyObjectFor(publicKey);
}

function keyObjectFor(publicKey: Uint8Array): KeyObject | undefined {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
  const cached = keyCache.get(id);
  if (cached !== undefined) return cached;
  // Refused keys are not cached: a flood of bad keys must not evict the good ones.
  if (!isValidEd25519PublicKey(publicKey)) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  keyCache.set(id, key);
  return key;
}

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== ED25519_SECRET_KEY_BYTES) {
    throw new CryptoError('INVALID_KEY', `an Ed25519 secret key is ${ED25519_SECRET_KEY_BYTES} bytes`);
  }
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
}

/** Whether the little-endian 32-byte S is below L (RFC 8032 §5.1.7 step 1). */
function isCanonicalScalar(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = s[i] as number;
    const b = GROUP_ORDER_LE[i] as number;
    if (a !== b) return a < b;
  }
  return false;
}

/**
 * Whether a 32-byte point encoding is canonical: y < p = 2^255 − 19, and the sign bit is clear
 * when x = 0 (y = 1 or y = p − 1). OpenSSL's byte comparison of R already refuses anything
 * else; checking it here keeps the rule ours rather than an implementation detail.
 */
function isCanonicalPointEncoding(encoding: Uint8Array): boolean {
  const top = (encoding[31] as number) & 0x7f;
  const sign = (encoding[31] as number) & 0x80;
  let middleAllOnes = true;
  let middleAllZeros = true;
  for (let i = 1; i < 31; i++) {
    if (encoding[i] !== 0xff) middleAllOnes = false;
    if (encoding[i] !== 0x00) middleAllZeros = false;
  }
  const first = encoding[0] as number;
  // y ≥ p: every bit of y set from bit 5 to 254, and the low byte ≥ 0xed.
  if (top === 0x7f && middleAllOnes && first >= 0xed) return false;
  if (sign === 0) return true;
  // x = 0 exactly when y = 1 or y = p − 1 = 0x7fff…ffec.
  const yIsOne = top === 0 && middleAllZeros && first === 0x01;
  const yIsMinusOne = top === 0x7f && middleAllOnes && first === 0xec;
  return !(yIsOne || yIsMinusOne);
}

function littleEndian32(value: bigint): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0, rest = value; i < 32; i++, rest >>= 8n) bytes[i] = Number(rest & 0xffn);
  return bytes;
}
