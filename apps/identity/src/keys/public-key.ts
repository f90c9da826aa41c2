import { AppError, ErrorCode } from '@ampool/contracts';
import { didKeyFromPublicKey, isValidEd25519PublicKey, verifyEd25519 } from '@ampool/crypto';

/** A checked Ed25519 public key with its did:key. */
export interface CheckedKey {
  bytes: Uint8Array<ArrayBuffer>;
  did: string;
}

/**
 * Decodes a base64url public key and refuses keys no one should be able to register: not
 * 32 bytes, not a canonical point, or of small order (such a key "signs" many messages).
 */
export function checkedPublicKey(base64url: string, field = 'publicKey'): CheckedKey {
  const bytes = new Uint8Array(Buffer.from(base64url, 'base64url'));
  if (bytes.length !== 32 || !isValidEd25519PublicKey(bytes)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `${field} is not an acceptable Ed25519 public key`, {
      issues: [{ path: field, message: 'not a canonical, full-order Ed25519 point' }],
    });
  }
  return { bytes, did: didKeyFromPublicKey(bytes) };
}

/** Checks a proof signature (base64url) over `statement`, or throws PROOF_INVALID naming it. */
export function requireProof(publicKey: Uint8Array, statement: Uint8Array, signatureB64: string, what: string): void {
  const signature = new Uint8Array(Buffer.from(signatureB64, 'base64url'));
  if (!verifyEd25519(publicKey, statement, signature)) {
    throw new AppError(ErrorCode.PROOF_INVALID, `${what} does not verify`);
  }
}
