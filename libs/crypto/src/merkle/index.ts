export { CompactMerkleRange, type SubtreeNode } from './compact-range';
export { consistencyProof, verifyConsistency } from './consistency-proof';
export { inclusionProof, isAlignedSubtree, verifyInclusion, verifySubtreeInclusion } from './inclusion-proof';
export { perfectSubtreesOf, type LeafRange, type SubtreeNodeId } from './proof-plan';
export {
  consistencyProofFromSubtrees,
  consistencyProofNodes,
  foldPerfectSubtrees,
  inclusionProofFromSubtrees,
  inclusionProofNodes,
  rootHashFromSubtrees,
  rootNodes,
  type SubtreeHashGetter,
} from './stored-subtrees';
export { EMPTY_TREE_ROOT, MERKLE_HASH_BYTES, leafHash, nodeHash, rootHash } from './tree-hash';
