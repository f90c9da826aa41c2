export { canonicalJson, CANONICAL_JSON_MAX_DEPTH } from './canonical-json';
export { commit, verifyCommitment, COMMITMENT_DOMAIN_V1, COMMITMENT_SALT_BYTES, type Commitment } from './commitment';
export { didKeyFromPublicKey, publicKeyFromDidKey } from './did-key';
export {
  generateKeyPair,
  isValidEd25519PublicKey,
  publicKeyFromSecret,
  signEd25519,
  verifyEd25519,
  verifyEd25519Async,
  ED25519_KEY_CACHE_SIZE,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SECRET_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  type Ed25519KeyPair,
} from './ed25519';
export { CryptoError, CRYPTO_ERROR_CODES, type CryptoErrorCode } from './errors';
export { sha256, sha256Hex, SHA256_BYTES } from './hash';
export { bytesEqual, fromHex, hex } from './hex';
export * from './merkle';
