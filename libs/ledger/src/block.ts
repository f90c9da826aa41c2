import { z } from 'zod';
import { canonicalJson, fromHex, sha256Hex, signEd25519, verifyEd25519 } from '@ampool/crypto';
import type { MembershipView } from './genesis';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A block header. Everything in it is decided by the submit stream and the chain before it,
 * so every honest validator computes the same bytes.
 */
export const blockHeaderSchema = z.strictObject({
  chainId: z.string(),
  height: z.number().int().min(1),
  /** SHA-256 of the previous header's canonical JSON (of the genesis for block 1). */
  previousHeaderHash: hex64,
  /** RFC 9162 root over the leaf hashes of this block's entries. */
  entriesRoot: hex64,
  entryCount: z.number().int().min(0),
  /** Size and RFC 9162 root of the one log of all entries, after this block. */
  logSize: z.number().int().min(0),
  logRoot: hex64,
  /** Stream time of the last message the block covers (ISO 8601, ms). */
  time: z.iso.datetime({ offset: false }),
  /** Stream sequence of the last message the block covers: where the next block starts. */
  streamSeq: z.number().int().min(0),
  /** The membership whose validators sign this block. */
  membershipHash: hex64,
});
export type BlockHeader = z.output<typeof blockHeaderSchema>;

/** The canonical JSON of a header: what is hashed and stored. */
export function headerJson(h: BlockHeader): string {
  return canonicalJson(h);
}

export function headerHash(h: BlockHeader): string {
  return sha256Hex(headerJson(h));
}

const VOTE_DOMAIN = 'ampool/ledger/block/v1\n';

/** The bytes a validator signs for a block: the domain, the chain, the height and the header hash. */
export function voteMessage(chainId: string, height: number, hash: string): Uint8Array {
  return new TextEncoder().encode(`${VOTE_DOMAIN}${chainId}\n${height}\n${hash}`);
}

/** A validator's signature of a block header, as published on the votes stream. */
export const blockVoteSchema = z.strictObject({
  chainId: z.string(),
  height: z.number().int().min(1),
  headerHash: hex64,
  validator: z.string().max(40),
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});
export type BlockVote = z.output<typeof blockVoteSchema>;

export function signHeader(chainId: string, height: number, hash: string, validator: string, secretKey: Uint8Array): BlockVote {
  return { chainId, height, headerHash: hash, validator, signature: Buffer.from(signEd25519(secretKey, voteMessage(chainId, height, hash))).toString('hex') };
}

/** Whether the vote is a valid signature by a validator of `membership` (the one the block names). */
export function isValidVote(chainId: string, membership: MembershipView, vote: BlockVote): boolean {
  if (vote.chainId !== chainId) return false;
  const key = membership.validatorKey(vote.validator);
  return key !== undefined && verifyEd25519(key, voteMessage(chainId, vote.height, vote.headerHash), fromHex(vote.signature));
}

/**
 * Whether `votes` make the header final: valid signatures, for exactly this header hash, by
 * at least `quorum` distinct validators of its membership.
 */
export function hasQuorum(chainId: string, membership: MembershipView, height: number, hash: string, votes: readonly BlockVote[]): { final: boolean; signers: string[] } {
  const signers = new Set<string>();
  for (const v of votes) {
    if (v.height !== height || v.headerHash !== hash || signers.has(v.validator)) continue;
    if (isValidVote(chainId, membership, v)) signers.add(v.validator);
  }
  return { final: signers.size >= membership.quorum, signers: [...signers].sort() };
}
