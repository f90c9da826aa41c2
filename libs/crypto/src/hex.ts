import { CryptoError } from './errors';

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/;

/** Lower-case hexadecimal form of `bytes`, two digits per byte. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Bytes of a hexadecimal string (either case). Throws `CryptoError('INVALID_HEX')` on an odd
 * length or any non-hex character: `Buffer.from(s, 'hex')` would silently stop at the first
 * bad digit and hand back a shorter value, which for a hash or key is worse than an error.
 */
export function fromHex(text: string): Uint8Array {
  if (typeof text !== 'string' || !HEX_PATTERN.test(text)) {
    throw new CryptoError('INVALID_HEX', 'expected an even number of hexadecimal digits');
  }
  return toUint8Array(Buffer.from(text, 'hex'));
}

/**
 * A plain `Uint8Array` view of a Node `Buffer` (no copy), so that results compare equal to
 * other `Uint8Array`s and callers are not handed Buffer-only methods they might come to rely on.
 */
export function toUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Whether two byte strings are equal. Not constant-time: use it for public values only. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
