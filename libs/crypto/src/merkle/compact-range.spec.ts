import fc from 'fast-check';
import { hex } from '../hex';
import { CompactMerkleRange } from './compact-range';
import { rootNodes } from './stored-subtrees';
import { leafHash, rootHash } from './tree-hash';

const makeLeaves = (n: number, salt: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`${salt}:${i}`)));

describe('CompactMerkleRange', () => {
  it('starts empty, with the empty tree root', () => {
    const log = CompactMerkleRange.empty();
    expect(log.size).toBe(0);
    expect(hex(log.root())).toBe(hex(rootHash([])));
  });

  it('has the root of all leaves so far after every append', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, salt) => {
        const leaves = makeLeaves(n, salt);
        const log = CompactMerkleRange.empty();
        leaves.forEach((leaf, i) => {
          log.append(leaf);
          expect(log.size).toBe(i + 1);
          expect(hex(log.root())).toBe(hex(rootHash(leaves.slice(0, i + 1))));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('keeps one peak per set bit of its size: O(log n) memory', () => {
    const log = CompactMerkleRange.empty();
    for (const leaf of makeLeaves(1000, 1)) log.append(leaf);
    // 1000 = 0b1111101000: six set bits.
    expect(log.getPeaks()).toHaveLength(6);
  });

  it('reports each perfect subtree an append completes, with its correct hash', () => {
    const leaves = makeLeaves(37, 2);
    const log = CompactMerkleRange.empty();
    const seen = new Set<string>();
    leaves.forEach((leaf, i) => {
      const completed = log.append(leaf);
      // Appending leaf i completes one node per trailing one bit of i, plus the leaf itself.
      let trailingOnes = 0;
      for (let rest = i; rest % 2 === 1; rest = (rest - 1) / 2) trailingOnes++;
      expect(completed).toHaveLength(1 + trailingOnes);
      expect(completed[0]).toEqual({ level: 0, index: i, hash: leaf });
      for (const node of completed) {
        const width = 2 ** node.level;
        expect(hex(node.hash)).toBe(hex(rootHash(leaves.slice(node.index * width, (node.index + 1) * width))));
        seen.add(`${node.level}/${node.index}`);
      }
    });
    // 37 leaves, 18 pairs, 9 quads, 4 of 8, 2 of 16, 1 of 32.
    expect(seen.size).toBe(37 + 18 + 9 + 4 + 2 + 1);
  });

  it('resumes from its peaks and carries on exactly as if never stopped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 50 }), fc.nat(), (first, more, salt) => {
        const leaves = makeLeaves(first + more, salt);
        const original = CompactMerkleRange.empty();
        leaves.slice(0, first).forEach((leaf) => original.append(leaf));
        expect(original.getPeaks()).toHaveLength(rootNodes(first).length);
        const resumed = CompactMerkleRange.fromPeaks(first, original.getPeaks());
        leaves.slice(first).forEach((leaf) => resumed.append(leaf));
        expect(resumed.size).toBe(first + more);
        expect(hex(resumed.root())).toBe(hex(rootHash(leaves)));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses to resume from the wrong number of peaks or from a short hash', () => {
    const peaks = [new Uint8Array(32), new Uint8Array(32)];
    expect(() => CompactMerkleRange.fromPeaks(4, peaks)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => CompactMerkleRange.fromPeaks(3, [new Uint8Array(32), new Uint8Array(31)])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => CompactMerkleRange.empty().append(new Uint8Array(33))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
