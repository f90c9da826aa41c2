/** RFC 9162 §2.1.4 consistency proofs: that a tree is an append-only extension of an older one. */
import { CryptoError } from '../errors';
import { bytesEqual } from '../hex';
import { consistencyProofRanges } from './proof-plan';
import { assertHash, isMerkleHash, isPowerOfTwo, isTreeSize, nodeHash, rangeRoot } from './tree-hash';

/**
 * The consistency proof (RFC 9162 PROOF) from the tree of the first `size1` leaves to the tree
 * of the first `size2` of `leafHashes` (default: all of them). Empty when the sizes are equal.
 * O(n) time: for large stored trees use `consistencyProofFromSubtrees`. Throws
 * `CryptoError('INVALID_ARGUMENT')` unless 0 < size1 ≤ size2 ≤ leafHashes.length.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], size1: number, size2: number = leafHashes.length): Uint8Array[] {
  if (size2 > leafHashes.length) {
    throw new CryptoError('INVALID_ARGUMENT', `size2 ${size2} exceeds the ${leafHashes.length} leaves given`);
  }
  const ranges = consistencyProofRanges(size1, size2);
  leafHashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
  return ranges.map((range) => rangeRoot(leafHashes, range.start, range.end));
}

/**
 * Whether `proof` shows that the tree of `size2` with root `root2` extends the tree of `size1`
 * with root `root1` — RFC 9162 §2.1.4.2, step by step, plus the input checks the RFC leaves
 * implicit. Never throws; `false` when:
 * - size1 is 0 (every tree extends the empty tree, so such a "proof" proves nothing and is
 *   treated as an error, as RFC 9162 defines proofs only for 0 < size1);
 * - size1 > size2, or a size is not a safe integer;
 * - any hash (roots or proof elements) is not 32 bytes;
 * - size1 = size2 and the proof is not empty or the roots differ.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isTreeSize(size1) || !isTreeSize(size2) || size1 === 0 || size1 > size2) return false;
  if (!isMerkleHash(root1) || !isMerkleHash(root2) || !Array.isArray(proof) || !proof.every(isMerkleHash)) {
    return false;
  }
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (proof.length === 0) return false;

  // When the old tree is a perfect subtree its root is the first node of the path, and the
  // proof leaves it out because the verifier already has it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // fr rebuilds the old root and sr the new one from the same path.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
