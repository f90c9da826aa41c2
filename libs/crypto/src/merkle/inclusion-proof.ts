/** RFC 9162 §2.1.3 inclusion proofs: that a leaf hash is at an index of a tree with a given root. */
import { bytesEqual } from '../hex';
import { inclusionProofRanges } from './proof-plan';
import { assertHash, isMerkleHash, isTreeSize, nodeHash, rangeRoot } from './tree-hash';

/**
 * The inclusion proof (RFC 9162 PATH) of leaf `index` in the tree of all `leafHashes`, leaf
 * level first. O(n) time: for large stored trees use `inclusionProofFromSubtrees`. Throws
 * `CryptoError('INVALID_ARGUMENT')` if `index` is out of range or a leaf hash is not 32 bytes.
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  const ranges = inclusionProofRanges(index, leafHashes.length);
  leafHashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
  return ranges.map((range) => rangeRoot(leafHashes, range.start, range.end));
}

/**
 * Whether `proof` shows that `leafHash` is leaf `index` of the tree of `treeSize` whose root is
 * `root` — RFC 9162 §2.1.3.2, step by step. Never throws: an index outside the tree, sizes that
 * are not safe integers, hashes that are not 32 bytes and proofs of the wrong length are all
 * `false`.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isTreeSize(index) || !isTreeSize(treeSize) || index >= treeSize) return false;
  if (!isMerkleHash(leafHash) || !isMerkleHash(root) || !Array.isArray(proof) || !proof.every(isMerkleHash)) {
    return false;
  }
  // fn walks the leaf's position up the tree, sn the last leaf's; arithmetic rather than
  // bitwise shifts, because JavaScript's bit operators truncate to 32 bits.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // On the right edge of the tree a node may have no right sibling at several levels:
      // climb past them to the level where this proof element is the left sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * Whether `proof` shows that `leafHash` is leaf `index` of the aligned subtree [start, end)
 * whose hash is `subtreeHash`. A subtree is *aligned* when start is a multiple of the smallest
 * power of two ≥ end − start; its hash is then MTH(D[start:end]) and this is plain RFC 9162
 * inclusion in that smaller tree (index − start of end − start). Never throws.
 */
export function verifySubtreeInclusion(
  leafHash: Uint8Array,
  index: number,
  start: number,
  end: number,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
): boolean {
  if (!isTreeSize(index) || !isTreeSize(start) || !isTreeSize(end)) return false;
  if (!isAlignedSubtree(start, end) || index < start || index >= end) return false;
  return verifyInclusion(leafHash, index - start, end - start, proof, subtreeHash);
}

/** Whether [start, end) is a non-empty aligned subtree (see {@link verifySubtreeInclusion}). */
export function isAlignedSubtree(start: number, end: number): boolean {
  if (!isTreeSize(start) || !isTreeSize(end) || start >= end) return false;
  let width = 1;
  while (width < end - start) width *= 2;
  return start % width === 0;
}
