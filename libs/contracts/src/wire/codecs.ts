import { z } from 'zod';
import { MAX_INT64, isUuidV7 } from '@ampool/domain';

/**
 * Wire codecs. On the wire every integer that can exceed 2^53 is a decimal string; in code
 * it is a bigint. `schema.decode(wire)` gives the code form, `schema.encode(value)` the wire
 * form, so the conversion is written once per field type.
 */

const DECIMAL = /^(0|-?[1-9][0-9]*)$/;

/** A signed 64-bit integer as a decimal string on the wire, a bigint in code. */
export const int64 = z.codec(
  z.string().max(20).regex(DECIMAL, 'must be a decimal integer string'),
  z.bigint().min(-MAX_INT64 - 1n, 'below the 64-bit range').max(MAX_INT64, 'above the 64-bit range'),
  { decode: (s) => BigInt(s), encode: (b) => b.toString() },
);

/** A positive 64-bit integer (≥ 1). */
export const positiveInt64 = int64.refine((v) => v > 0n, 'must be positive');

/** A non-negative 64-bit integer (≥ 0). */
export const nonNegativeInt64 = int64.refine((v) => v >= 0n, 'must not be negative');

/** A client-chosen UUIDv7, lower case. */
export const uuidV7 = z.string().refine(isUuidV7, 'must be a lower-case UUIDv7');

/** A did:key for an Ed25519 key (checked in full by identity; this is the shape). */
export const didKey = z.string().regex(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/, 'must be an Ed25519 did:key');

/** An instant: an ISO-8601 UTC timestamp on the wire, a Date in code. */
export const instant = z.codec(z.iso.datetime({ offset: false }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/** A grid zone id (a feeder or substation): short, lower-case, url-safe. */
export const zoneId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 chars of a-z, 0-9, -');

/** Base64url without padding of exactly 32 bytes (an Ed25519 public key). */
export const ed25519PublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url');

/** Free text for people (names, reasons): trimmed, bounded, no control characters. */
export function text(maxLength: number, minLength = 0) {
  return z
    .string()
    .trim()
    .min(minLength)
    .max(maxLength)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
}

/** Lower-case hex SHA-256. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
