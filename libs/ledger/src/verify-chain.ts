import { CompactMerkleRange, hex, leafHash, rootHash } from '@ampool/crypto';
import { blockHeaderSchema, hasQuorum, headerHash, headerJson, isValidVote, type BlockHeader, type BlockVote } from './block';
import { checkEntry, entryJson } from './entry';
import { membershipChangePayload } from './entry-schemas';
import { genesisHash, MembershipView, type Genesis } from './genesis';

/** A block as a validator stored it, for the verifier. */
export interface StoredBlock {
  height: number;
  headerJson: string;
  headerHash: string;
  entries: { logIndex: number; id: string; json: string }[];
  votes: BlockVote[];
}

/** The first thing found wrong, named precisely. */
export interface ChainProblem {
  height: number;
  /** Set when the problem is one entry. */
  logIndex?: number;
  entryId?: string;
  message: string;
}

/**
 * Re-checks a validator's copy block by block, trusting nothing stored: it recomputes each
 * header hash and the chain of previous-header hashes, re-checks every entry (schema,
 * payload hash, submitter's right and signature), recomputes each block's entries root and
 * the whole log's size and root, and checks that a quorum of the block's membership signed
 * exactly that header. Feed blocks in height order; the first problem is returned.
 */
export class ChainVerifier {
  private expectedHeight = 1;
  private previousHash: string;
  private readonly log = CompactMerkleRange.empty();
  private membership: MembershipView;
  private seenIds = new Set<string>();
  /** Signatures refused (valid key but not for the header this copy holds, or not verifying). */
  readonly refusedVotes: { height: number; validator: string; reason: string }[] = [];

  constructor(private readonly genesis: Genesis) {
    this.previousHash = genesisHash(genesis);
    this.membership = new MembershipView(genesis.membership);
  }

  get height(): number {
    return this.expectedHeight - 1;
  }

  get logSize(): number {
    return this.log.size;
  }

  /**
   * Checks the next block. With `requireQuorum: false` (blocks a validator holds above its
   * last final one) the signatures are still judged, but a missing quorum is not a problem.
   */
  check(block: StoredBlock, options: { requireQuorum?: boolean } = {}): ChainProblem | null {
    const height = this.expectedHeight;
    if (block.height !== height) return { height, message: block.height > height ? `block ${height} is missing (next stored block is ${block.height})` : `block ${block.height} appears twice` };
    let header: BlockHeader;
    try {
      header = blockHeaderSchema.parse(JSON.parse(block.headerJson));
    } catch {
      return { height, message: 'stored header is not a valid header' };
    }
    if (headerJson(header) !== block.headerJson) return { height, message: 'stored header is not canonical JSON' };
    if (headerHash(header) !== block.headerHash) return { height, message: 'stored header hash does not match the header' };
    if (header.height !== height) return { height, message: `header says height ${header.height}` };
    if (header.chainId !== this.genesis.chainId) return { height, message: `header names chain ${header.chainId}` };
    if (header.previousHeaderHash !== this.previousHash) return { height, message: 'previous header hash does not match the block before' };
    if (header.membershipHash !== this.membership.hash) return { height, message: 'header names a membership other than the one in force' };
    if (block.entries.length !== header.entryCount) return { height, message: `header counts ${header.entryCount} entries, ${block.entries.length} are stored` };
    const leaves: Uint8Array[] = [];
    let nextMembership: MembershipView | undefined;
    for (const e of block.entries) {
      const named = { height, logIndex: e.logIndex, entryId: e.id };
      if (e.logIndex !== this.log.size + leaves.length) return { ...named, message: `entry at log index ${e.logIndex} where ${this.log.size + leaves.length} was expected` };
      const verdict = checkEntry(this.genesis.chainId, this.membership, this.genesis.maxPayloadBytes, new TextEncoder().encode(e.json));
      if (!verdict.ok) return { ...named, message: `entry does not verify: ${verdict.code} (${verdict.detail})` };
      if (entryJson(verdict.entry) !== e.json) return { ...named, message: 'entry is not stored as canonical JSON' };
      if (verdict.entry.id !== e.id) return { ...named, message: 'entry id column differs from the signed entry' };
      if (this.seenIds.has(e.id)) return { ...named, message: 'entry id appears twice in the log' };
      this.seenIds.add(e.id);
      if (verdict.entry.type === 'ledger.membership') nextMembership = new MembershipView(membershipChangePayload.parse(verdict.parsedPayload).membership);
      leaves.push(leafHash(new TextEncoder().encode(e.json)));
    }
    if (hex(rootHash(leaves)) !== header.entriesRoot) return { height, message: "entries root does not match the block's entries" };
    for (const leaf of leaves) this.log.append(leaf);
    if (this.log.size !== header.logSize) return { height, message: `log size ${header.logSize} in the header, ${this.log.size} recomputed` };
    if (hex(this.log.root()) !== header.logRoot) return { height, message: 'log root does not match the log recomputed from the entries' };
    for (const v of block.votes) {
      if (v.height !== height) this.refusedVotes.push({ height, validator: v.validator, reason: `signature for height ${v.height}` });
      else if (!isValidVote(this.genesis.chainId, this.membership, v)) this.refusedVotes.push({ height, validator: v.validator, reason: 'signature does not verify' });
      else if (v.headerHash !== block.headerHash) this.refusedVotes.push({ height, validator: v.validator, reason: 'signed a different header' });
    }
    const quorum = hasQuorum(this.genesis.chainId, this.membership, height, block.headerHash, block.votes);
    if (!quorum.final && options.requireQuorum !== false) return { height, message: `only ${quorum.signers.length} valid signature(s) (${quorum.signers.join(', ') || 'none'}), quorum is ${this.membership.quorum}` };
    if (nextMembership) this.membership = nextMembership;
    this.previousHash = block.headerHash;
    this.expectedHeight++;
    return null;
  }
}
