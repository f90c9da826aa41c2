import { z } from 'zod';
import { canonicalJson, fromHex, leafHash, sha256Hex, signEd25519, verifyEd25519 } from '@ampool/crypto';
import { ENTRY_TYPE_NAMES, type EntryTypeName } from './entry-types';
import { ENTRY_TYPES } from './entry-schemas';
import type { MembershipView } from './genesis';

/**
 * An entry as submitted and as stored: the type, the canonical JSON (RFC 8785) of its
 * payload, the payload's SHA-256, the submitter's name and its Ed25519 signature.
 */
export interface SignedEntry {
  id: string;
  type: EntryTypeName;
  payload: string;
  payloadHash: string;
  submitter: string;
  signature: string;
}

/** What the submit stream carries: the shape only (the meaning is checked by {@link checkEntry}). */
export const signedEntrySchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  type: z.string().max(64),
  payload: z.string(),
  payloadHash: z.string().regex(/^[0-9a-f]{64}$/),
  submitter: z.string().max(40),
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});

const ENTRY_DOMAIN = 'ampool/ledger/entry/v1\n';
const encoder = new TextEncoder();

/** The bytes a submitter signs: the chain, the id, the type, the payload hash and its own name. */
export function entrySigningMessage(chainId: string, e: Pick<SignedEntry, 'id' | 'type' | 'payloadHash' | 'submitter'>): Uint8Array {
  return encoder.encode(ENTRY_DOMAIN + canonicalJson({ chainId, id: e.id, payloadHash: e.payloadHash, submitter: e.submitter, type: e.type }));
}

/** Builds and signs an entry over the canonical JSON of `payload` (given in its wire form). */
export function signEntry(chainId: string, input: { id: string; type: EntryTypeName; payload: unknown; submitter: string }, secretKey: Uint8Array): SignedEntry {
  const payload = canonicalJson(input.payload);
  const payloadHash = sha256Hex(payload);
  const unsigned = { id: input.id, type: input.type, payloadHash, submitter: input.submitter };
  const signature = Buffer.from(signEd25519(secretKey, entrySigningMessage(chainId, unsigned))).toString('hex');
  return { ...unsigned, payload, signature };
}

/** The bytes of an entry in the log (the RFC 9162 leaf data): its canonical JSON. */
export function entryBytes(e: SignedEntry): Uint8Array {
  return encoder.encode(entryJson(e));
}

/** The canonical JSON of an entry (what the stream carries and the log hashes). */
export function entryJson(e: SignedEntry): string {
  return canonicalJson({ id: e.id, payload: e.payload, payloadHash: e.payloadHash, signature: e.signature, submitter: e.submitter, type: e.type });
}

/** RFC 9162 leaf hash of an entry. */
export function entryLeafHash(e: SignedEntry): Uint8Array {
  return leafHash(entryBytes(e));
}

/** Why a validator refused a stream message. Stable: stored with each refusal. */
export const REFUSAL_CODES = ['TOO_LARGE', 'BAD_SCHEMA', 'UNKNOWN_TYPE', 'HASH_MISMATCH', 'UNAUTHORIZED', 'BAD_SIGNATURE', 'DUPLICATE', 'MEMBERSHIP_NOT_APPROVED'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The one Ed25519 rule (@ampool/crypto's `verifyEd25519`), or a cache of its verdicts computed ahead. */
export type SignatureCheck = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

export type EntryCheck = { ok: true; entry: SignedEntry; subjectId: string | null; parsedPayload: unknown } | { ok: false; code: RefusalCode; detail: string; entryId: string | null };

/**
 * The checks every validator runs, in this fixed order, on one message of the submit
 * stream. Everything is decided by the bytes, the membership and the history, so every
 * validator reaches the same verdict (Ed25519 is the one strict rule of @ampool/crypto).
 * Duplicates are checked by the caller (it knows the history).
 */
export function checkEntry(chainId: string, membership: MembershipView, maxPayloadBytes: number, data: Uint8Array, verify: SignatureCheck = verifyEd25519): EntryCheck {
  // Room for the fixed fields around the payload (and JSON escaping of it).
  if (data.length > maxPayloadBytes * 2 + 1024) {
    // Not parsed at all; the id is named when the message starts like an entry (its first key, in canonical JSON).
    const id = /^\{"id":"([0-9a-f-]{36})"/.exec(new TextDecoder().decode(data.subarray(0, 64)))?.[1] ?? null;
    return { ok: false, code: 'TOO_LARGE', detail: `${data.length} bytes`, entryId: id };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return { ok: false, code: 'BAD_SCHEMA', detail: 'not UTF-8 JSON', entryId: null };
  }
  const shape = signedEntrySchema.safeParse(raw);
  const rawId = typeof (raw as { id?: unknown })?.id === 'string' ? String((raw as { id: string }).id).slice(0, 64) : null;
  if (!shape.success) return { ok: false, code: 'BAD_SCHEMA', detail: shape.error.issues[0]?.message ?? 'bad entry', entryId: rawId };
  const e = shape.data;
  if (Buffer.byteLength(e.payload) > maxPayloadBytes) return { ok: false, code: 'TOO_LARGE', detail: `payload of ${Buffer.byteLength(e.payload)} bytes`, entryId: e.id };
  if (!(ENTRY_TYPE_NAMES as readonly string[]).includes(e.type)) return { ok: false, code: 'UNKNOWN_TYPE', detail: e.type, entryId: e.id };
  const type = e.type as EntryTypeName;
  if (sha256Hex(e.payload) !== e.payloadHash) return { ok: false, code: 'HASH_MISMATCH', detail: 'payloadHash is not the SHA-256 of payload', entryId: e.id };
  let payload: unknown;
  try {
    payload = JSON.parse(e.payload);
    if (canonicalJson(payload) !== e.payload) return { ok: false, code: 'BAD_SCHEMA', detail: 'payload is not canonical JSON (RFC 8785)', entryId: e.id };
  } catch {
    return { ok: false, code: 'BAD_SCHEMA', detail: 'payload is not JSON', entryId: e.id };
  }
  const spec = ENTRY_TYPES[type];
  const parsed = spec.payload.safeParse(payload);
  if (!parsed.success) return { ok: false, code: 'BAD_SCHEMA', detail: `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, entryId: e.id };
  const key = membership.submitterKey(e.submitter, type);
  if (!key) return { ok: false, code: 'UNAUTHORIZED', detail: `${e.submitter} may not submit ${type}`, entryId: e.id };
  if (!verify(key, entrySigningMessage(chainId, { ...e, type }), fromHex(e.signature))) {
    return { ok: false, code: 'BAD_SIGNATURE', detail: `signature of ${e.submitter} does not verify`, entryId: e.id };
  }
  const entry: SignedEntry = { ...e, type };
  return { ok: true, entry, subjectId: spec.subjectId(payload as Record<string, unknown>), parsedPayload: payload };
}
