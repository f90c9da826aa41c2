import { hash } from 'node:crypto';
import { hex, toUint8Array } from './hex';

/** Length in bytes of a SHA-256 digest. */
export const SHA256_BYTES = 32;

/**
 * SHA-256 of `data`; a string is hashed as its UTF-8 encoding. Uses the one-shot
 * `crypto.hash` (Node ≥ 20.12): for the 65-byte inputs of Merkle nodes it is about twice as
 * fast as a pure-JS SHA-256, and tree building is dominated by these calls.
 */
export function sha256(data: Uint8Array | string): Uint8Array {
  return toUint8Array(hash('sha256', data, 'buffer'));
}

/** Lower-case hexadecimal SHA-256 of `data` (strings hashed as UTF-8). */
export function sha256Hex(data: Uint8Array | string): string {
  return hex(sha256(data));
}
