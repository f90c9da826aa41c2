import fc from 'fast-check';
import { leafHash, rootHash } from './tree-hash';
import { inclusionProof, isAlignedSubtree, verifyInclusion, verifySubtreeInclusion } from './inclusion-proof';
import { consistencyProof, verifyConsistency } from './consistency-proof';

const makeLeaves = (n: number, salt: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`${salt}/${i}`)));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  const at = (bit >> 3) % copy.length;
  copy[at] = (copy[at] as number) ^ (1 << (bit & 7));
  return copy;
}

/** A tree of 1–300 leaves, an index in it, and a seed for choosing mutations. */
const treeAndIndex = fc
  .record({ size: fc.integer({ min: 1, max: 300 }), salt: fc.nat(), pick: fc.nat(), bit: fc.nat({ max: 255 }) })
  .map(({ size, salt, pick, bit }) => ({ leaves: makeLeaves(size, salt), index: pick % size, pick, bit }));

describe('inclusion proofs', () => {
  it('verify for every leaf of every random tree', () => {
    fc.assert(
      fc.property(treeAndIndex, ({ leaves, index }) => {
        const root = rootHash(leaves);
        expect(verifyInclusion(leaves[index] as Uint8Array, index, leaves.length, inclusionProof(leaves, index), root)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('fail once the leaf, the index, the root or any proof element is changed, or the proof is cut or padded', () => {
    fc.assert(
      fc.property(treeAndIndex, fc.constantFrom('leaf', 'index', 'root', 'element', 'cut', 'pad'), ({ leaves, index, pick, bit }, mutation) => {
        const root = rootHash(leaves);
        let proof = inclusionProof(leaves, index);
        let leaf = leaves[index] as Uint8Array;
        let claimedIndex = index;
        let claimedRoot = root;
        if (mutation === 'leaf') leaf = flipBit(leaf, bit);
        if (mutation === 'index') claimedIndex = (index + 1 + (pick % (leaves.length - 1 || 1))) % leaves.length;
        if (mutation === 'root') claimedRoot = flipBit(root, bit);
        if (mutation === 'element' && proof.length > 0) {
          const at = pick % proof.length;
          proof = proof.map((p, i) => (i === at ? flipBit(p, bit) : p));
        }
        if (mutation === 'cut') proof = proof.slice(0, -1);
        if (mutation === 'pad') proof = [...proof, root];
        // In a one-leaf tree there is no other index and no element to change.
        const unchanged = leaves.length === 1 && (mutation === 'index' || mutation === 'element' || mutation === 'cut');
        expect(verifyInclusion(leaf, claimedIndex, leaves.length, proof, claimedRoot)).toBe(unchanged);
      }),
      { numRuns: 500 },
    );
  });

  it('answer false, never throw, for garbage', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), fc.anything(), (a, b, c, d, e) => {
        expect(verifyInclusion(a as Uint8Array, b as number, c as number, d as Uint8Array[], e as Uint8Array)).toBe(false);
      }),
    );
    const [leaf] = makeLeaves(1, 0) as [Uint8Array];
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    expect(verifyInclusion(leaf, -1, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0.5, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0, 2 ** 53, [], leaf)).toBe(false);
  });

  it('refuse to generate a proof for an index outside the tree', () => {
    const leaves = makeLeaves(5, 1);
    for (const bad of [-1, 5, 1.5]) expect(() => inclusionProof(leaves, bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('inclusion in an aligned subtree', () => {
  it('verifies against the subtree hash MTH(D[start:end]) for every aligned subtree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 20 }), fc.nat(), fc.nat(), (widthLog, slot, lengthPick, pick) => {
        const width = 2 ** widthLog;
        const start = slot * width;
        const length = 1 + (lengthPick % width);
        const end = start + length;
        const leaves = makeLeaves(end + 3, 7);
        const subtree = leaves.slice(start, end);
        const index = start + (pick % length);
        const proof = inclusionProof(subtree, index - start);
        expect(isAlignedSubtree(start, end)).toBe(true);
        expect(verifySubtreeInclusion(leaves[index] as Uint8Array, index, start, end, proof, rootHash(subtree))).toBe(true);
      }),
    );
  });

  it('refuses ranges that are empty, reversed or not aligned', () => {
    expect(isAlignedSubtree(3, 5)).toBe(false); // width 2 must start at an even leaf
    expect(isAlignedSubtree(4, 7)).toBe(true);
    expect(isAlignedSubtree(2, 6)).toBe(false); // width 4 must start at a multiple of 4
    expect(isAlignedSubtree(1, 1)).toBe(false);
    expect(isAlignedSubtree(2, 1)).toBe(false);
  });
});

/** Two sizes 1 ≤ size1 ≤ size2 ≤ 300 over one random tree. */
const twoSizes = fc
  .record({ a: fc.integer({ min: 1, max: 300 }), b: fc.integer({ min: 1, max: 300 }), salt: fc.nat(), pick: fc.nat(), bit: fc.nat({ max: 255 }) })
  .map(({ a, b, salt, pick, bit }) => ({ size1: Math.min(a, b), size2: Math.max(a, b), leaves: makeLeaves(Math.max(a, b), salt), pick, bit }));

describe('consistency proofs', () => {
  it('verify between every pair of random sizes', () => {
    fc.assert(
      fc.property(twoSizes, ({ size1, size2, leaves }) => {
        const proof = consistencyProof(leaves, size1, size2);
        expect(verifyConsistency(size1, size2, proof, rootHash(leaves.slice(0, size1)), rootHash(leaves))).toBe(true);
        if (size1 === size2) expect(proof).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('fail once a root or any proof element is changed, the roots swapped or the proof cut', () => {
    fc.assert(
      fc.property(twoSizes, fc.constantFrom('root1', 'root2', 'element', 'swap', 'cut', 'size1'), ({ size1, size2, leaves, pick, bit }, mutation) => {
        const root1 = rootHash(leaves.slice(0, size1));
        const root2 = rootHash(leaves);
        let proof = consistencyProof(leaves, size1, size2);
        let [r1, r2, s1] = [root1, root2, size1];
        if (mutation === 'root1') r1 = flipBit(root1, bit);
        if (mutation === 'root2') r2 = flipBit(root2, bit);
        if (mutation === 'swap') [r1, r2] = [root2, root1];
        if (mutation === 'element' && proof.length > 0) {
          const at = pick % proof.length;
          proof = proof.map((p, i) => (i === at ? flipBit(p, bit) : p));
        }
        if (mutation === 'cut') proof = proof.slice(0, -1);
        if (mutation === 'size1') s1 = size1 === 1 ? 2 : size1 - 1;
        // Between equal sizes the proof is empty and both roots are the same: nothing to change.
        const unchanged = size1 === size2 && (mutation === 'swap' || mutation === 'element' || mutation === 'cut');
        expect(verifyConsistency(s1, size2, proof, r1, r2)).toBe(unchanged);
      }),
      { numRuns: 500 },
    );
  });

  it('refuse to generate a proof from size 0, backwards, or beyond the leaves given', () => {
    const leaves = makeLeaves(5, 2);
    for (const [a, b] of [[0, 3], [4, 3], [2, 6]] as const) {
      expect(() => consistencyProof(leaves, a, b)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('treats a proof from the empty tree as an error, even between two empty trees', () => {
    const empty = rootHash([]);
    expect(verifyConsistency(0, 0, [], empty, empty)).toBe(false);
    expect(verifyConsistency(0, 3, [], empty, rootHash(makeLeaves(3, 3)))).toBe(false);
  });
});
