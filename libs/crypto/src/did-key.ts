import { base58Decode, base58Encode } from './base58';
import { ED25519_PUBLIC_KEY_BYTES } from './ed25519';
import { CryptoError } from './errors';

const DID_KEY_PREFIX = 'did:key:';
/** Multibase prefix of base58btc. */
const BASE58BTC_MULTIBASE = 'z';
/** Multicodec `ed25519-pub` (0xed) as an unsigned varint: 0xed 0x01. */
const ED25519_PUB_MULTICODEC = Uint8Array.of(0xed, 0x01);

/**
 * The `did:key` of a raw 32-byte Ed25519 public key:
 * `did:key:z` + base58btc(0xed 0x01 ‖ publicKey). Throws `CryptoError('INVALID_KEY')` if the
 * key is not 32 bytes.
 */
export function didKeyFromPublicKey(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new CryptoError('INVALID_KEY', `an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes`);
  }
  const payload = new Uint8Array(ED25519_PUB_MULTICODEC.length + publicKey.length);
  payload.set(ED25519_PUB_MULTICODEC, 0);
  payload.set(publicKey, ED25519_PUB_MULTICODEC.length);
  return DID_KEY_PREFIX + BASE58BTC_MULTIBASE + base58Encode(payload);
}

/**
 * The raw 32-byte Ed25519 public key named by a `did:key`. Throws
 * `CryptoError('INVALID_DID_KEY')` unless `did` is exactly `did:key:z…` with a base58btc payload
 * of 0xed 0x01 followed by 32 bytes: other multibases and multicodecs (X25519, P-256…),
 * DID URLs with a fragment or query, whitespace and wrong lengths are all refused. Whether the
 * 32 bytes are a usable Ed25519 point is the verifier's business, not this parser's.
 */
export function publicKeyFromDidKey(did: string): Uint8Array {
  if (typeof did !== 'string' || !did.startsWith(DID_KEY_PREFIX)) {
    throw invalid('does not start with "did:key:"');
  }
  const multibase = did.slice(DID_KEY_PREFIX.length);
  if (!multibase.startsWith(BASE58BTC_MULTIBASE)) throw invalid('is not base58btc (multibase "z")');
  const payload = base58Decode(multibase.slice(BASE58BTC_MULTIBASE.length));
  if (payload === undefined) throw invalid('is not valid base58btc');
  if (payload[0] !== ED25519_PUB_MULTICODEC[0] || payload[1] !== ED25519_PUB_MULTICODEC[1]) {
    throw invalid('is not an ed25519-pub key (multicodec 0xed)');
  }
  if (payload.length !== ED25519_PUB_MULTICODEC.length + ED25519_PUBLIC_KEY_BYTES) {
    throw invalid(`does not carry a ${ED25519_PUBLIC_KEY_BYTES}-byte key`);
  }
  return payload.slice(ED25519_PUB_MULTICODEC.length);
}

function invalid(why: string): CryptoError {
  return new CryptoError('INVALID_DID_KEY', `did:key ${why}`);
}
