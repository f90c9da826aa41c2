/**
 * A second, pure-JavaScript implementation of the system's Ed25519 rule, built from
 * `@noble/curves` point arithmetic. It is NOT for production use (the rule has one entry
 * point, `verifyEd25519`); it exists so tests can compare OpenSSL's verdicts against an
 * independent implementation, and so benchmarks can price a pure-JS path.
 *
 * It spells the rule out step by step, as RFC 8032 §5.1.7 does, without OpenSSL and without
 * noble's own `verify` (whose equation is cofactored):
 * 1. A decodes canonically (noble strict decoding: y < p, no sign bit on x = 0) and is not of
 *    small order; 2. S < L; 3. k = SHA-512(R ‖ A ‖ M) mod L; 4. R' = [S]B − [k]A;
 * 5. valid iff encode(R') equals the 32 bytes of R (so R must be canonical too).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';

const { Point } = ed25519;
const GROUP_ORDER = Point.Fn.ORDER;

/** The system's Ed25519 rule in pure JS (module comment); never throws. */
export function verifyEd25519Reference(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || !(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    return false;
  }
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  let a: InstanceType<typeof Point>;
  try {
    a = Point.fromBytes(publicKey, false);
  } catch {
    return false;
  }
  if (a.isSmallOrder()) return false;
  const r = signature.subarray(0, 32);
  const s = littleEndianToBigInt(signature.subarray(32));
  if (s >= GROUP_ORDER) return false;
  const k = littleEndianToBigInt(sha512(concat(r, publicKey, message))) % GROUP_ORDER;
  const expectedR = Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k));
  const encoded = expectedR.toBytes();
  for (let i = 0; i < 32; i++) {
    if (encoded[i] !== r[i]) return false;
  }
  return true;
}

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  return value;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
