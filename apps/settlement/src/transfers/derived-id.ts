import { createHash } from 'node:crypto';

/**
 * A transfer id derived from what the transfer is for (a trade and its leg, a participant and a
 * day): computing the same settlement again asks for the same ids, so a replay is recognised by
 * the transfer book itself as a retry. SHA-256 of the parts, shaped as a UUIDv7 (version and
 * variant bits set) so it travels wherever transfer ids do.
 */
export function derivedTransferId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
