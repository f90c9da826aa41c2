/**
 * An append-only Merkle log in O(log n) memory: the compact range [0, size) of the tree.
 * It holds only the roots of the perfect subtrees that the binary digits of `size` split the
 * leaves into (one per set bit, largest first, at most 53), which is all that is needed to
 * append the next leaf and to compute the current root.
 */
import { CryptoError } from '../errors';
import { foldPerfectSubtrees, rootNodes } from './stored-subtrees';
import type { SubtreeNodeId } from './proof-plan';
import { EMPTY_TREE_ROOT, assertHash, assertTreeSize, nodeHash } from './tree-hash';

/** A perfect subtree (see {@link SubtreeNodeId}) with its hash. */
export interface SubtreeNode extends SubtreeNodeId {
  readonly hash: Uint8Array;
}

/** The incremental log the ledger appends to; see the module comment. */
export class CompactMerkleRange {
  private constructor(
    private leafCount: number,
    // Roots of the perfect subtrees covering [0, leafCount), left (largest) to right.
    private readonly peaks: Uint8Array[],
  ) {}

  /** An empty log. */
  static empty(): CompactMerkleRange {
    return new CompactMerkleRange(0, []);
  }

  /**
   * Resumes a log of `size` leaves from stored subtree hashes: `peaks` are the hashes of
   * `rootNodes(size)`, in that order. Throws `CryptoError('INVALID_ARGUMENT')` on a wrong count
   * or a hash that is not 32 bytes.
   */
  static fromPeaks(size: number, peaks: readonly Uint8Array[]): CompactMerkleRange {
    const expected = rootNodes(size).length;
    if (peaks.length !== expected) {
      throw new CryptoError('INVALID_ARGUMENT', `a log of ${size} leaves has ${expected} peaks, got ${peaks.length}`);
    }
    peaks.forEach((peak, i) => assertHash(peak, `peak ${i}`));
    return new CompactMerkleRange(size, [...peaks]);
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.leafCount;
  }

  /** The current peak hashes, left to right (what {@link fromPeaks} takes back). */
  getPeaks(): Uint8Array[] {
    return [...this.peaks];
  }

  /**
   * Appends one leaf hash and returns every perfect subtree it completes, the leaf itself
   * (level 0) first, then each parent up to the new peak. Storing these is what lets
   * `inclusionProofFromSubtrees` and friends serve proofs for any later tree size.
   */
  append(leafHash: Uint8Array): SubtreeNode[] {
    assertHash(leafHash, 'leaf hash');
    assertTreeSize(this.leafCount + 1, 'log size');
    const completed: SubtreeNode[] = [{ level: 0, index: this.leafCount, hash: leafHash }];
    let hash = leafHash;
    let index = this.leafCount;
    // Each trailing 1 bit of the old size is a peak of the same width as `hash`: merge them,
    // as binary addition of 1 carries through trailing ones.
    for (let level = 0, rest = this.leafCount; rest % 2 === 1; level++, rest = (rest - 1) / 2) {
      const left = this.peaks.pop() as Uint8Array;
      hash = nodeHash(left, hash);
      index = (index - 1) / 2;
      completed.push({ level: level + 1, index, hash });
    }
    this.peaks.push(hash);
    this.leafCount++;
    return completed;
  }

  /** MTH of all leaves appended so far; {@link EMPTY_TREE_ROOT} while empty. O(log n). */
  root(): Uint8Array {
    return this.peaks.length === 0 ? EMPTY_TREE_ROOT : foldPerfectSubtrees(this.peaks);
  }
}
