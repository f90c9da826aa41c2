import { Controller } from '@nestjs/common';
import {
  AppError,
  BlockGet,
  ConsistencyProof,
  EntryGet,
  EntryProof,
  ErrorCode,
  LedgerStatus,
  type LedgerEntryType,
  type RpcRequest,
  type RpcResponse,
  type SignedTreeHead,
} from '@ampool/contracts';
import { consistencyProofFromSubtrees, consistencyProofNodes, hex, inclusionProofFromSubtrees, inclusionProofNodes, rootHashFromSubtrees, rootNodes, type SubtreeNodeId } from '@ampool/crypto';
import { RpcHandler } from '@ampool/messaging';
import type { SignedEntry } from '@ampool/ledger';
import { ValidatorService } from '../chain/validator.service';

/** How long a read waits for this validator to store an entry other validators already made final. */
const CATCH_UP_WAIT_MS = 3_000;

/**
 * Reads from this validator's own copy: entries, proofs against its latest signed tree head,
 * blocks with their signatures, and its status. Any validator can answer; each answer
 * carries what a client needs to check it against the validators' public keys alone.
 */
@Controller()
export class LedgerController {
  constructor(private readonly validator: ValidatorService) {}

  private get store() {
    return this.validator.store;
  }

  @RpcHandler(EntryGet)
  async get(input: RpcRequest<typeof EntryGet>): Promise<RpcResponse<typeof EntryGet>> {
    const entry = await this.waitFor(() => this.store.entryBySubject(input.type, input.subjectId));
    if (!entry) throw new AppError(ErrorCode.NOT_FOUND, `no ${input.type} entry for ${input.subjectId}`);
    const block = await this.store.block(entry.height);
    const signed = JSON.parse(entry.json) as SignedEntry;
    return {
      entry: {
        id: entry.id,
        sequence: BigInt(entry.logIndex),
        type: entry.type as LedgerEntryType,
        subjectId: entry.subjectId!,
        canonicalPayload: signed.payload,
        payloadHash: entry.payloadHash,
        submittedBy: entry.submitter,
        recordedAt: new Date(block!.header.time),
      },
    };
  }

  @RpcHandler(EntryProof)
  async proof(input: RpcRequest<typeof EntryProof>): Promise<RpcResponse<typeof EntryProof>> {
    const entry = await this.waitFor(() => this.store.entryById(input.entryId));
    if (!entry) throw new AppError(ErrorCode.NOT_FOUND, `no entry ${input.entryId}`);
    await this.validator.waitFinal(entry.height, CATCH_UP_WAIT_MS);
    const treeHead = await this.treeHead();
    if (!treeHead || treeHead.header.logSize <= entry.logIndex) throw new AppError(ErrorCode.NOT_FOUND, `entry ${input.entryId} is not final yet`);
    const size = treeHead.header.logSize;
    const get = await this.getter(inclusionProofNodes(entry.logIndex, size).flat().concat([{ level: 0, index: entry.logIndex }]));
    return {
      entryId: entry.id,
      type: entry.type,
      entryJson: entry.json,
      height: entry.height,
      leafIndex: entry.logIndex,
      leafHash: hex(get(0, entry.logIndex)),
      treeSize: size,
      proof: inclusionProofFromSubtrees(entry.logIndex, size, get).map(hex),
      treeHead,
    };
  }

  @RpcHandler(ConsistencyProof)
  async consistency(input: RpcRequest<typeof ConsistencyProof>): Promise<RpcResponse<typeof ConsistencyProof>> {
    const treeHead = await this.treeHead();
    const { size1, size2 } = input;
    if (!treeHead || size1 > size2 || size2 > treeHead.header.logSize) {
      throw new AppError(ErrorCode.OUT_OF_RANGE, `sizes must satisfy 1 <= size1 <= size2 <= ${treeHead?.header.logSize ?? 0} (the latest signed tree head)`);
    }
    const get = await this.getter([...consistencyProofNodes(size1, size2).flat(), ...rootNodes(size1), ...rootNodes(size2)]);
    return {
      size1,
      size2,
      root1: hex(rootHashFromSubtrees(size1, get)),
      root2: hex(rootHashFromSubtrees(size2, get)),
      proof: consistencyProofFromSubtrees(size1, size2, get).map(hex),
      treeHead,
    };
  }

  @RpcHandler(BlockGet)
  async block(input: RpcRequest<typeof BlockGet>): Promise<RpcResponse<typeof BlockGet>> {
    const block = await this.store.block(input.height);
    if (!block) throw new AppError(ErrorCode.NOT_FOUND, `no block ${input.height}`);
    const votes = await this.store.acceptedVotes(this.validator.genesis.chainId, input.height);
    const final = (await this.store.finalHeights(input.height)).includes(input.height);
    const entries = await this.store.entriesOfBlocks(input.height, input.height);
    return {
      header: block.header,
      headerHash: block.hash,
      signatures: votes.map((v) => ({ validator: v.validator, signature: v.signature })),
      final,
      entryIds: entries.map((e) => e.id),
    };
  }

  @RpcHandler(LedgerStatus)
  async status(): Promise<RpcResponse<typeof LedgerStatus>> {
    const s = this.validator.status();
    const membership = this.validator.membershipAt(s.height + 1);
    return {
      validator: this.validator.name,
      chainId: this.validator.genesis.chainId,
      ...s,
      streamLastSeq: await this.validator.streamLastSeq(),
      refusals: await this.store.refusalCount(),
      quorum: membership.quorum,
      validators: membership.membership.validators.map((v) => v.name),
      validatorKeys: membership.membership.validators.map((v) => ({ name: v.name, did: v.did })),
    };
  }

  /** The latest final block's header with the signatures that made it final. */
  private async treeHead(): Promise<SignedTreeHead | null> {
    const height = this.validator.status().finalHeight;
    if (height === 0) return null;
    const block = await this.store.block(height);
    if (!block) return null;
    const votes = await this.store.acceptedVotes(this.validator.genesis.chainId, height);
    return { header: block.header, headerHash: block.hash, signatures: votes.filter((v) => v.headerHash === block.hash).map((v) => ({ validator: v.validator, signature: v.signature })) };
  }

  private async getter(ids: SubtreeNodeId[]) {
    const found = await this.store.subtrees(ids);
    return (level: number, index: number) => {
      const h = found.get(`${level}/${index}`);
      if (!h) throw new AppError(ErrorCode.NOT_FOUND, `log node ${level}/${index} is not stored here yet`);
      return h;
    };
  }

  private async waitFor<T>(read: () => Promise<T | null>): Promise<T | null> {
    const deadline = Date.now() + CATCH_UP_WAIT_MS;
    for (;;) {
      const found = await read();
      if (found || Date.now() >= deadline) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
