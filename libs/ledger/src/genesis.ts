import { z } from 'zod';
import { canonicalJson, didKeyFromPublicKey, publicKeyFromDidKey, sha256Hex, signEd25519, verifyEd25519, fromHex } from '@ampool/crypto';
import { ENTRY_TYPE_NAMES, type EntryTypeName } from './entry-types';

const memberName = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be 1-40 chars of a-z, 0-9, -, starting with a letter');
const didKey = z.string().regex(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/, 'must be an Ed25519 did:key');
const entryTypeName = z.enum(ENTRY_TYPE_NAMES);

/** Who may sign blocks, how many signatures make a block final, and who may submit what. */
export const membershipSchema = z
  .strictObject({
    validators: z.array(z.strictObject({ name: memberName, did: didKey })).min(1).max(64),
    quorum: z.number().int().min(1),
    submitters: z.array(z.strictObject({ name: memberName, did: didKey, types: z.array(entryTypeName).min(1).max(16) })).max(256),
  })
  .superRefine((m, ctx) => {
    if (m.quorum > m.validators.length) ctx.addIssue({ code: 'custom', message: 'quorum exceeds the number of validators', path: ['quorum'] });
    // More than half: two disjoint quorums could otherwise finalize two different blocks.
    if (m.quorum * 2 <= m.validators.length) ctx.addIssue({ code: 'custom', message: 'quorum must be a majority of the validators', path: ['quorum'] });
    const names = [...m.validators.map((v) => v.name)];
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: 'validator names must be unique', path: ['validators'] });
    const dids = m.validators.map((v) => v.did);
    if (new Set(dids).size !== dids.length) ctx.addIssue({ code: 'custom', message: 'validator keys must be unique', path: ['validators'] });
    const subs = m.submitters.map((s) => s.name);
    if (new Set(subs).size !== subs.length) ctx.addIssue({ code: 'custom', message: 'submitter names must be unique', path: ['submitters'] });
  });
export type Membership = z.output<typeof membershipSchema>;

/** The genesis file: the chain's identity, its first membership, and its block rules. */
export const genesisSchema = z.strictObject({
  version: z.literal(1),
  chainId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  createdAt: z.iso.datetime({ offset: false }),
  membership: membershipSchema,
  blocks: z.strictObject({
    /** A block closes once it holds this many accepted entries. */
    maxEntries: z.number().int().min(1).max(100_000),
    /** ...or once a stream message is this much younger (stream time) than its first entry. */
    maxAgeMs: z.number().int().min(1).max(600_000),
  }),
  /** Largest canonical payload accepted, in bytes. */
  maxPayloadBytes: z.number().int().min(64).max(1_000_000),
});
export type Genesis = z.output<typeof genesisSchema>;

/** Parses and checks a genesis document; throws a readable error on anything wrong. */
export function parseGenesis(json: string): Genesis {
  const parsed = genesisSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`invalid ledger genesis: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** SHA-256 (hex) of the genesis' canonical JSON: the "previous header hash" of block 1. */
export function genesisHash(genesis: Genesis): string {
  return sha256Hex(canonicalJson(genesis));
}

/** SHA-256 (hex) of a membership's canonical JSON; block headers name the one they are signed under. */
export function membershipHash(m: Membership): string {
  return sha256Hex(canonicalJson(m));
}

/** Defaults for {@link createGenesis}: 2 of 3, blocks of up to 1,000 entries or 200 ms. */
export const GENESIS_DEFAULTS = { quorum: 2, maxEntries: 1_000, maxAgeMs: 200, maxPayloadBytes: 16_384 } as const;

/**
 * Builds a genesis document from public keys (deterministic: the same inputs give the same
 * bytes). Secret keys never enter it.
 */
export function createGenesis(input: {
  chainId: string;
  createdAt: Date;
  validators: { name: string; publicKey: Uint8Array }[];
  submitters: { name: string; publicKey: Uint8Array; types: EntryTypeName[] }[];
  quorum?: number;
  maxEntries?: number;
  maxAgeMs?: number;
  maxPayloadBytes?: number;
}): Genesis {
  return genesisSchema.parse({
    version: 1,
    chainId: input.chainId,
    createdAt: input.createdAt.toISOString(),
    membership: {
      validators: input.validators.map((v) => ({ name: v.name, did: didKeyFromPublicKey(v.publicKey) })),
      quorum: input.quorum ?? Math.min(GENESIS_DEFAULTS.quorum, input.validators.length),
      submitters: input.submitters.map((s) => ({ name: s.name, did: didKeyFromPublicKey(s.publicKey), types: s.types })),
    },
    blocks: { maxEntries: input.maxEntries ?? GENESIS_DEFAULTS.maxEntries, maxAgeMs: input.maxAgeMs ?? GENESIS_DEFAULTS.maxAgeMs },
    maxPayloadBytes: input.maxPayloadBytes ?? GENESIS_DEFAULTS.maxPayloadBytes,
  });
}

/** A membership with its lookups, as the validators use it. */
export class MembershipView {
  readonly hash: string;
  private readonly validatorKeys = new Map<string, Uint8Array>();
  private readonly submitterKeys = new Map<string, { key: Uint8Array; types: Set<string> }>();

  constructor(readonly membership: Membership) {
    this.hash = membershipHash(membership);
    for (const v of membership.validators) this.validatorKeys.set(v.name, publicKeyFromDidKey(v.did));
    for (const s of membership.submitters) this.submitterKeys.set(s.name, { key: publicKeyFromDidKey(s.did), types: new Set(s.types) });
  }

  get quorum(): number {
    return this.membership.quorum;
  }

  validatorKey(name: string): Uint8Array | undefined {
    return this.validatorKeys.get(name);
  }

  /** The key a submitter signs `type` entries with, or undefined when it may not submit them. Validators may always submit membership changes. */
  submitterKey(name: string, type: string): Uint8Array | undefined {
    const s = this.submitterKeys.get(name);
    if (s && s.types.has(type)) return s.key;
    if (type === 'ledger.membership') return this.validatorKeys.get(name);
    return undefined;
  }
}

const MEMBERSHIP_DOMAIN = 'ampool/ledger/membership/v1\n';

/** The bytes a validator signs to approve replacing membership `previousHash` with `next`. */
export function membershipApprovalMessage(chainId: string, previousHash: string, next: Membership): Uint8Array {
  return new TextEncoder().encode(`${MEMBERSHIP_DOMAIN}${chainId}\n${previousHash}\n${membershipHash(next)}`);
}

/** A validator's approval of a membership change. */
export function approveMembership(chainId: string, previousHash: string, next: Membership, validator: string, secretKey: Uint8Array) {
  return { validator, signature: Buffer.from(signEd25519(secretKey, membershipApprovalMessage(chainId, previousHash, next))).toString('hex') };
}

/** Whether a quorum of the current validators approved the change (distinct, valid signatures). */
export function isMembershipChangeApproved(
  chainId: string,
  current: MembershipView,
  change: { previousMembershipHash: string; membership: Membership; approvals: { validator: string; signature: string }[] },
): boolean {
  if (change.previousMembershipHash !== current.hash) return false;
  if (!membershipSchema.safeParse(change.membership).success) return false;
  const message = membershipApprovalMessage(chainId, current.hash, change.membership);
  const approvedBy = new Set<string>();
  for (const a of change.approvals) {
    const key = current.validatorKey(a.validator);
    if (!key || approvedBy.has(a.validator) || !/^[0-9a-f]{128}$/.test(a.signature)) continue;
    if (verifyEd25519(key, message, fromHex(a.signature))) approvedBy.add(a.validator);
  }
  return approvedBy.size >= current.quorum;
}
