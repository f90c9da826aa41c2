import { CompactMerkleRange, hex, leafHash, rootHash, type SubtreeNode } from '@ampool/crypto';
import { headerHash, headerJson, type BlockHeader } from './block';
import { checkEntry, entryJson, type RefusalCode, type SignatureCheck, type SignedEntry } from './entry';
import { membershipChangePayload } from './entry-schemas';
import { isMembershipChangeApproved, MembershipView, type Genesis, type Membership } from './genesis';

const utf8 = new TextEncoder();

/** One message of the submit stream, as JetStream delivered it. */
export interface StreamMessage {
  seq: number;
  /** Stream (server) time the message was stored, in ms. */
  timestampMs: number;
  subject: string;
  data: Uint8Array;
}

/** Subjects of the submit stream: entries, and ticks that close a quiet block. */
export const SUBMIT_SUBJECT = 'ledger.submit.entry';
export const TICK_SUBJECT = 'ledger.submit.tick';

/** An accepted entry with its place in the log. */
export interface LogEntry {
  entry: SignedEntry;
  /** Canonical JSON of the entry: the log's leaf data. */
  json: string;
  leafHash: Uint8Array;
  logIndex: number;
  streamSeq: number;
  subjectId: string | null;
}

export interface Refusal {
  streamSeq: number;
  entryId: string | null;
  code: RefusalCode;
  detail: string;
}

export interface ClosedBlock {
  header: BlockHeader;
  json: string;
  hash: string;
  entries: LogEntry[];
  /** Perfect subtrees the block's entries completed in the log (store them to serve proofs). */
  subtrees: SubtreeNode[];
  /** The membership in force after this block, when an entry of the block changed it. */
  membershipAfter?: Membership;
}

export interface ChainPosition {
  height: number;
  previousHeaderHash: string;
  streamSeq: number;
  log: CompactMerkleRange;
  membership: Membership;
}

/**
 * The deterministic heart of a validator: fed the submit stream in order, it checks each
 * entry, appends the accepted ones to the log and cuts blocks. It has no clock and no I/O:
 * the cut is decided by the stream alone — a block closes when it holds `maxEntries`
 * entries, when a message's stream time is `maxAgeMs` past the block's first entry (that
 * message starts the next block), or at a tick naming the open block's height — so two
 * validators fed the same stream produce byte-identical blocks.
 */
export class ChainEngine {
  private height: number;
  private previousHeaderHash: string;
  private streamSeq: number;
  private readonly log: CompactMerkleRange;
  private membership: MembershipView;
  private membershipChanged = false;
  private open: LogEntry[] = [];
  private openSubtrees: SubtreeNode[] = [];
  private openFirstMs = 0;
  private openLastMs = 0;
  private readonly openIds = new Set<string>();

  constructor(
    private readonly genesis: Genesis,
    position: ChainPosition,
  ) {
    this.height = position.height;
    this.previousHeaderHash = position.previousHeaderHash;
    this.streamSeq = position.streamSeq;
    this.log = position.log;
    this.membership = new MembershipView(position.membership);
  }

  /** Height of the block being filled. */
  get openHeight(): number {
    return this.height + 1;
  }

  get openEntryCount(): number {
    return this.open.length;
  }

  /** Stream time of the open block's first entry (0 when empty). */
  get openSinceMs(): number {
    return this.openFirstMs;
  }

  /** Stream sequence of the last message processed. */
  get position(): number {
    return this.streamSeq;
  }

  get currentMembership(): MembershipView {
    return this.membership;
  }

  /** Entry ids in the open block (not yet stored). */
  hasOpenId(id: string): boolean {
    return this.openIds.has(id);
  }

  /**
   * Processes the next stream message. `isRecorded(id)` tells whether an entry id is already
   * in a stored block. Returns the blocks this message closed and the refusal it caused.
   */
  process(msg: StreamMessage, isRecorded: (id: string) => boolean, verify?: SignatureCheck): { blocks: ClosedBlock[]; refusal?: Refusal } {
    if (msg.seq <= this.streamSeq) return { blocks: [] };
    const blocks: ClosedBlock[] = [];
    if (this.open.length > 0 && msg.timestampMs - this.openFirstMs >= this.genesis.blocks.maxAgeMs) {
      blocks.push(this.cut(this.streamSeq));
    }
    if (msg.subject === TICK_SUBJECT) {
      const height = Number(new TextDecoder().decode(msg.data));
      this.streamSeq = msg.seq;
      if (this.open.length > 0 && height === this.openHeight) blocks.push(this.cut(msg.seq));
      return { blocks };
    }
    const verdict = checkEntry(this.genesis.chainId, this.membership, this.genesis.maxPayloadBytes, msg.data, verify);
    this.streamSeq = msg.seq;
    if (!verdict.ok) return { blocks, refusal: { streamSeq: msg.seq, entryId: verdict.entryId, code: verdict.code, detail: verdict.detail } };
    const { entry } = verdict;
    if (this.openIds.has(entry.id) || isRecorded(entry.id)) {
      return { blocks, refusal: { streamSeq: msg.seq, entryId: entry.id, code: 'DUPLICATE', detail: 'entry id already in the ledger' } };
    }
    if (entry.type === 'ledger.membership') {
      const change = membershipChangePayload.parse(verdict.parsedPayload);
      if (this.membershipChanged) {
        return { blocks, refusal: { streamSeq: msg.seq, entryId: entry.id, code: 'MEMBERSHIP_NOT_APPROVED', detail: 'one membership change per block' } };
      }
      if (!isMembershipChangeApproved(this.genesis.chainId, this.membership, change)) {
        return { blocks, refusal: { streamSeq: msg.seq, entryId: entry.id, code: 'MEMBERSHIP_NOT_APPROVED', detail: 'not approved by a quorum of the current validators' } };
      }
    }
    // The leaf data is the canonical JSON: computed once, then hashed as its UTF-8 bytes.
    const json = entryJson(entry);
    const leaf = leafHash(utf8.encode(json));
    const logIndex = this.log.size;
    this.openSubtrees.push(...this.log.append(leaf));
    if (this.open.length === 0) this.openFirstMs = msg.timestampMs;
    this.openLastMs = msg.timestampMs;
    this.open.push({ entry, json, leafHash: leaf, logIndex, streamSeq: msg.seq, subjectId: verdict.subjectId });
    this.openIds.add(entry.id);
    if (entry.type === 'ledger.membership') {
      // Takes effect when this block closes: for the next block's entries and signatures.
      this.pendingMembership = membershipChangePayload.parse(verdict.parsedPayload).membership;
      this.membershipChanged = true;
    }
    if (this.open.length >= this.genesis.blocks.maxEntries) blocks.push(this.cut(msg.seq));
    return { blocks };
  }

  private pendingMembership: Membership | undefined;

  private cut(streamSeq: number): ClosedBlock {
    const header: BlockHeader = {
      chainId: this.genesis.chainId,
      height: this.height + 1,
      previousHeaderHash: this.previousHeaderHash,
      entriesRoot: hex(rootHash(this.open.map((e) => e.leafHash))),
      entryCount: this.open.length,
      logSize: this.log.size,
      logRoot: hex(this.log.root()),
      time: new Date(this.openLastMs).toISOString(),
      streamSeq,
      membershipHash: this.membership.hash,
    };
    const block: ClosedBlock = { header, json: headerJson(header), hash: headerHash(header), entries: this.open, subtrees: this.openSubtrees };
    if (this.membershipChanged && this.pendingMembership) {
      block.membershipAfter = this.pendingMembership;
      this.membership = new MembershipView(this.pendingMembership);
    }
    this.membershipChanged = false;
    this.pendingMembership = undefined;
    this.height = header.height;
    this.previousHeaderHash = block.hash;
    this.open = [];
    this.openSubtrees = [];
    this.openIds.clear();
    this.openFirstMs = 0;
    return block;
  }
}
