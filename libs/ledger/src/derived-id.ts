import { sha256 } from '@ampool/crypto';
import { isUuidV7, uuidV7TimeMs } from '@ampool/domain';

/**
 * A UUIDv7 derived from another id and a purpose: the same inputs always give the same id,
 * so every ledger process (and every redelivery) names the same fact the same way, and
 * JetStream's `Nats-Msg-Id` de-duplication drops the copies. The 48-bit time prefix is the
 * source id's (when it is a UUIDv7) so ids stay time-ordered; the rest is a hash.
 */
export function derivedUuidV7(sourceId: string, purpose: string, timeMs?: number): string {
  const h = sha256(`ampool/derived-id/v1\0${purpose}\0${sourceId}`);
  const bytes = Uint8Array.from(h.subarray(0, 16));
  const ms = timeMs ?? timeOf(sourceId);
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const x = Buffer.from(bytes).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function timeOf(id: string): number {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id)) return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  return 0;
}

/**
 * The id of the entry about `subjectId` of `type`: every submission of the same fact (a
 * redelivery, an outbox row published again after a crash) is the same entry, which the
 * submit stream and the validators keep once. Its time is the subject's (when the subject id
 * is a UUIDv7), otherwise `fallbackTimeMs`.
 */
export function ledgerEntryId(type: string, subjectId: string, fallbackTimeMs: number): string {
  return derivedUuidV7(`${type}:${subjectId}`, 'ledger-entry', isUuidV7(subjectId) ? uuidV7TimeMs(subjectId) : fallbackTimeMs);
}
