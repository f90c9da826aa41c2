/**
 * Proofs from stored subtree hashes, for a log kept in a database.
 *
 * The ledger stores the hash of every perfect subtree as it completes (what
 * `CompactMerkleRange.append` returns), keyed by (level, index). A proof for any tree size
 * then needs only O(log n) of those rows, named in advance by the `*ProofNodes` functions, so a
 * repository can fetch them in one query and hand them over through a synchronous getter:
 *
 *     const plan = inclusionProofNodes(index, treeSize);
 *     const rows = await repo.subtreeHashes(plan.flat());               // one SELECT … WHERE (level, index) IN …
 *     const proof = inclusionProofFromSubtrees(index, treeSize, (l, i) => rows.get(`${l}/${i}`)!);
 *
 * Each proof element is the MTH of an aligned leaf range; when the range is not itself a perfect
 * subtree (the right edge of a tree whose size is not a power of two) it is rebuilt from its
 * perfect parts, so no hash of a not-yet-complete subtree ever needs storing.
 */
import { CryptoError } from '../errors';
import { consistencyProofRanges, inclusionProofRanges, perfectSubtreesOf, type LeafRange, type SubtreeNodeId } from './proof-plan';
import { EMPTY_TREE_ROOT, assertTreeSize, isMerkleHash, nodeHash } from './tree-hash';

/**
 * Returns the stored hash of the perfect subtree (level, index): 2^level leaves from leaf
 * `index · 2^level`. Must return a 32-byte hash; anything else is reported as
 * `CryptoError('INVALID_ARGUMENT')`, since a proof built from a wrong hash would just fail later.
 */
export type SubtreeHashGetter = (level: number, index: number) => Uint8Array;

/** For each element of the inclusion proof of `index` in `treeSize`, the subtrees it is made of. */
export function inclusionProofNodes(index: number, treeSize: number): SubtreeNodeId[][] {
  return inclusionProofRanges(index, treeSize).map((range) => perfectSubtreesOf(range.start, range.end));
}

/** For each element of the consistency proof from `size1` to `size2`, the subtrees it is made of. */
export function consistencyProofNodes(size1: number, size2: number): SubtreeNodeId[][] {
  return consistencyProofRanges(size1, size2).map((range) => perfectSubtreesOf(range.start, range.end));
}

/** The subtrees whose hashes give the root of a tree of `treeSize` (none for the empty tree). */
export function rootNodes(treeSize: number): SubtreeNodeId[] {
  assertTreeSize(treeSize, 'tree size');
  return treeSize === 0 ? [] : perfectSubtreesOf(0, treeSize);
}

/** RFC 9162 inclusion proof of leaf `index` in the tree of `treeSize`, from stored subtrees. */
export function inclusionProofFromSubtrees(index: number, treeSize: number, getNode: SubtreeHashGetter): Uint8Array[] {
  return inclusionProofRanges(index, treeSize).map((range) => rangeHashFromSubtrees(range, getNode));
}

/** RFC 9162 consistency proof from `size1` to `size2` (0 < size1 ≤ size2), from stored subtrees. */
export function consistencyProofFromSubtrees(size1: number, size2: number, getNode: SubtreeHashGetter): Uint8Array[] {
  return consistencyProofRanges(size1, size2).map((range) => rangeHashFromSubtrees(range, getNode));
}

/** MTH of the first `treeSize` leaves, from stored subtrees. */
export function rootHashFromSubtrees(treeSize: number, getNode: SubtreeHashGetter): Uint8Array {
  const nodes = rootNodes(treeSize);
  return nodes.length === 0 ? EMPTY_TREE_ROOT : foldPerfectSubtrees(nodes.map((node) => fetch(node, getNode)));
}

/**
 * MTH of an aligned range from the hashes of its perfect subtrees, left to right. MTH splits
 * at the largest power of two, which is exactly the first (largest) part, so the parts fold
 * from the right: H(p1, H(p2, … H(pn−1, pn))).
 */
export function foldPerfectSubtrees(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes[hashes.length - 1];
  if (acc === undefined) throw new CryptoError('INVALID_ARGUMENT', 'nothing to fold');
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i] as Uint8Array, acc);
  return acc;
}

function rangeHashFromSubtrees(range: LeafRange, getNode: SubtreeHashGetter): Uint8Array {
  return foldPerfectSubtrees(perfectSubtreesOf(range.start, range.end).map((node) => fetch(node, getNode)));
}

function fetch(node: SubtreeNodeId, getNode: SubtreeHashGetter): Uint8Array {
  const hash = getNode(node.level, node.index);
  if (!isMerkleHash(hash)) {
    throw new CryptoError('INVALID_ARGUMENT', `subtree (${node.level}, ${node.index}) is not a 32-byte hash`);
  }
  return hash;
}
