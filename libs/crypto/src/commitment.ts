/**
 * Salted hash commitments to personal data kept off the ledger. The ledger stores only the
 * commitment; the owning service keeps the value and the salt, and can later prove what was
 * committed by disclosing both, or erase both and leave the chain verifiable but meaningless.
 *
 * Construction (version 1), all hashed as one SHA-256 input:
 *
 *     commitment = SHA-256( "ampool/commitment/v1" ‖ 0x00 ‖ salt ‖ UTF-8(canonicalJson(value)) )
 *
 * - The domain prefix keeps a commitment from ever equalling any other SHA-256 this system
 *   computes over similar bytes (Merkle leaves start 0x00, nodes 0x01, neither with this text).
 * - The salt is exactly 32 bytes, so where it ends is fixed and no other (salt, value) pair can
 *   produce the same input; 256 random bits stop anyone guessing a low-entropy value (a name,
 *   a postcode) and checking the guess against the ledger.
 * - The value is serialised with RFC 8785 (JCS), so any service that holds the same value
 *   computes the same commitment, whatever the key order of its objects.
 * Salt and commitment travel as lower-case hex.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { CryptoError } from './errors';
import { sha256 } from './hash';
import { fromHex, hex } from './hex';

/** Domain-separation prefix of version 1 commitments, NUL included. */
export const COMMITMENT_DOMAIN_V1 = 'ampool/commitment/v1\0';
/** Length in bytes of a commitment salt. */
export const COMMITMENT_SALT_BYTES = 32;

/** A commitment and the salt that opens it, both lower-case hex. */
export interface Commitment {
  commitment: string;
  salt: string;
}

const DOMAIN_BYTES = Buffer.from(COMMITMENT_DOMAIN_V1, 'utf8');

/**
 * Commits to `value` (module comment for the construction). A fresh random salt is drawn
 * unless one is given; give one only to recompute a known commitment, never reuse a salt
 * across values. Throws `CryptoError('NOT_CANONICALIZABLE')` for a value with no JCS form and
 * `CryptoError('INVALID_ARGUMENT')` for a salt that is not 32 bytes.
 */
export function commit(value: unknown, salt?: Uint8Array): Commitment {
  const saltBytes = salt ?? randomBytes(COMMITMENT_SALT_BYTES);
  if (!(saltBytes instanceof Uint8Array) || saltBytes.length !== COMMITMENT_SALT_BYTES) {
    throw new CryptoError('INVALID_ARGUMENT', `a commitment salt is ${COMMITMENT_SALT_BYTES} bytes`);
  }
  return { commitment: hex(commitmentDigest(value, saltBytes)), salt: hex(saltBytes) };
}

/**
 * Whether `value` with the hex `salt` opens the hex `commitment`. Malformed hex or wrong
 * lengths (data from outside) answer `false`; a value with no JCS form (a caller's bug) throws
 * `CryptoError('NOT_CANONICALIZABLE')`.
 */
export function verifyCommitment(value: unknown, salt: string, commitment: string): boolean {
  const saltBytes = tryFromHex(salt);
  const expected = tryFromHex(commitment);
  if (saltBytes?.length !== COMMITMENT_SALT_BYTES || expected?.length !== 32) return false;
  return timingSafeEqual(commitmentDigest(value, saltBytes), expected);
}

function commitmentDigest(value: unknown, salt: Uint8Array): Uint8Array {
  const body = Buffer.from(canonicalJson(value), 'utf8');
  return sha256(Buffer.concat([DOMAIN_BYTES, salt, body]));
}

function tryFromHex(text: string): Uint8Array | undefined {
  try {
    return fromHex(text);
  } catch {
    return undefined;
  }
}
