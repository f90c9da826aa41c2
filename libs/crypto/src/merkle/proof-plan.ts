/**
 * Which subtree hashes a proof is made of, independent of where the hashes come from.
 * RFC 9162's PATH and SUBPROOF recursions (§2.1.3.1, §2.1.4.1) are walked iteratively and
 * yield, for each proof element, the leaf range [start, end) whose MTH that element is.
 * Every such range is an aligned subtree: `start` is a multiple of the smallest power of two
 * ≥ `end − start`, so it splits into at most ~53 perfect subtrees that a store can hold.
 */
import { CryptoError } from '../errors';
import { assertTreeSize, largestPowerOfTwoBelow } from './tree-hash';

/** Half-open range of leaf indices [start, end). */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A perfect subtree: the 2^level leaves starting at leaf `index · 2^level`. Level 0 is the
 * leaf hashes themselves; (level, index) names a node of the complete binary tree over the log
 * and never changes once the log has `(index + 1) · 2^level` entries.
 */
export interface SubtreeNodeId {
  readonly level: number;
  readonly index: number;
}

/** Leaf ranges of the inclusion proof of leaf `index` in a tree of `treeSize`, leaf first. */
export function inclusionProofRanges(index: number, treeSize: number): LeafRange[] {
  assertTreeSize(index, 'index');
  assertTreeSize(treeSize, 'tree size');
  if (index >= treeSize) throw new CryptoError('INVALID_ARGUMENT', `index ${index} is not below tree size ${treeSize}`);
  const topDown: LeafRange[] = [];
  let offset = 0;
  let size = treeSize;
  let m = index;
  while (size > 1) {
    const k = largestPowerOfTwoBelow(size);
    if (m < k) {
      topDown.push({ start: offset + k, end: offset + size });
      size = k;
    } else {
      topDown.push({ start: offset, end: offset + k });
      offset += k;
      m -= k;
      size -= k;
    }
  }
  return topDown.reverse();
}

/**
 * Leaf ranges of the consistency proof from `size1` to `size2` (0 < size1 ≤ size2), in proof
 * order. Equal sizes give no ranges: the proof is empty.
 */
export function consistencyProofRanges(size1: number, size2: number): LeafRange[] {
  assertTreeSize(size1, 'size1');
  assertTreeSize(size2, 'size2');
  // A proof from the empty tree proves nothing, and RFC 9162 defines none.
  if (size1 === 0 || size1 > size2) {
    throw new CryptoError('INVALID_ARGUMENT', `no consistency proof from size ${size1} to size ${size2}`);
  }
  const topDown: LeafRange[] = [];
  let offset = 0;
  let size = size2;
  let m = size1;
  // RFC 9162's flag b: whether the subtree being walked is still the whole old tree's left edge.
  let onOldTreeEdge = true;
  while (m !== size) {
    const k = largestPowerOfTwoBelow(size);
    if (m <= k) {
      topDown.push({ start: offset + k, end: offset + size });
      size = k;
    } else {
      topDown.push({ start: offset, end: offset + k });
      offset += k;
      m -= k;
      size -= k;
      onOldTreeEdge = false;
    }
  }
  if (!onOldTreeEdge) topDown.push({ start: offset, end: offset + size });
  return topDown.reverse();
}

/**
 * The perfect subtrees that make up the aligned range [start, end), left to right (largest
 * first). Their hashes fold into the range's MTH with {@link foldPerfectSubtrees}. Throws
 * `CryptoError('INVALID_ARGUMENT')` for a range that is empty or not aligned.
 */
export function perfectSubtreesOf(start: number, end: number): SubtreeNodeId[] {
  if (!(start < end)) throw new CryptoError('INVALID_ARGUMENT', `empty leaf range [${start}, ${end})`);
  const nodes: SubtreeNodeId[] = [];
  let position = start;
  let remaining = end - start;
  while (remaining > 0) {
    let width = 1;
    let level = 0;
    while (width * 2 <= remaining) {
      width *= 2;
      level++;
    }
    if (position % width !== 0) {
      throw new CryptoError('INVALID_ARGUMENT', `leaf range [${start}, ${end}) is not an aligned subtree`);
    }
    nodes.push({ level, index: position / width });
    position += width;
    remaining -= width;
  }
  return nodes;
}
