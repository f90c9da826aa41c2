import { createHash } from 'node:crypto';
import { parseDictionary } from 'structured-headers';

/** `Content-Digest` (RFC 9530) of a body, with SHA-256: `sha-256=:<base64>:`. */
export function contentDigest(body: Uint8Array | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/**
 * True when the header carries a SHA-256 digest equal to the body's. Other algorithms in the
 * header are ignored; a header without sha-256, or one that is not a valid RFC 8941
 * dictionary, does not match.
 */
export function contentDigestMatches(header: string, body: Uint8Array | string): boolean {
  let dict;
  try {
    dict = parseDictionary(header);
  } catch {
    return false;
  }
  const entry = dict.get('sha-256');
  if (!entry) return false;
  const value = entry[0];
  if (!(value instanceof ArrayBuffer)) return false;
  const expected = createHash('sha256').update(body).digest();
  const got = Buffer.from(value);
  return got.length === expected.length && got.equals(expected);
}
