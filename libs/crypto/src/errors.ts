/**
 * The closed set of failure codes of `@ampool/crypto`. Callers branch on these, never on
 * messages; a new code is a deliberate API change.
 *
 * - `INVALID_KEY`: a secret or public key has the wrong length or is not a usable key.
 * - `INVALID_DID_KEY`: a string is not a well-formed Ed25519 `did:key`.
 * - `NOT_CANONICALIZABLE`: a value has no RFC 8785 (JCS) form (bigint, function, NaN, cycle…).
 * - `INVALID_HEX`: a string is not an even-length run of hexadecimal digits.
 * - `INVALID_ARGUMENT`: a size, index or range is out of bounds, or a hash is not 32 bytes,
 *   where a caller (not untrusted data) supplied it, e.g. when generating a Merkle proof.
 */
export const CRYPTO_ERROR_CODES = [
  'INVALID_KEY',
  'INVALID_DID_KEY',
  'NOT_CANONICALIZABLE',
  'INVALID_HEX',
  'INVALID_ARGUMENT',
] as const;

/** One of {@link CRYPTO_ERROR_CODES}. */
export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

/**
 * A failure of this library with a stable {@link CryptoErrorCode}. Verification functions
 * never throw it for bad *data* (they answer `false`); it reports inputs that a caller must
 * fix, and decoding of identifiers that arrive from outside (`did:key`, hex).
 */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}
