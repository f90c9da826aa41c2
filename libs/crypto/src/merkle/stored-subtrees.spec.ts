import fc from 'fast-check';
import { hex } from '../hex';
import { CompactMerkleRange } from './compact-range';
import { consistencyProof, verifyConsistency } from './consistency-proof';
import { inclusionProof, verifyInclusion } from './inclusion-proof';
import { perfectSubtreesOf } from './proof-plan';
import {
  consistencyProofFromSubtrees,
  consistencyProofNodes,
  inclusionProofFromSubtrees,
  inclusionProofNodes,
  rootHashFromSubtrees,
  type SubtreeHashGetter,
} from './stored-subtrees';
import { leafHash, nodeHash, rootHash } from './tree-hash';

const makeLeaves = (n: number, salt: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`${salt}-${i}`)));

/** A "database" of every perfect subtree hash, filled the way the ledger fills it. */
function storeOf(leaves: Uint8Array[]): { getNode: SubtreeHashGetter; reads: string[] } {
  const rows = new Map<string, Uint8Array>();
  const log = CompactMerkleRange.empty();
  for (const leaf of leaves) for (const node of log.append(leaf)) rows.set(`${node.level}/${node.index}`, node.hash);
  const reads: string[] = [];
  const getNode: SubtreeHashGetter = (level, index) => {
    reads.push(`${level}/${index}`);
    const hash = rows.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`no stored node ${level}/${index}`);
    return hash;
  };
  return { getNode, reads };
}

/**
 * A log of n identical leaves, stored lazily: every perfect subtree of level l has the same
 * hash, so any size up to 2^53 can be served without building anything. It exercises the index
 * arithmetic far beyond 32 bits, where bitwise operators would silently truncate.
 */
function uniformLog(): SubtreeHashGetter {
  const byLevel: Uint8Array[] = [leafHash(new Uint8Array([42]))];
  return (level) => {
    while (byLevel.length <= level) {
      const below = byLevel[byLevel.length - 1] as Uint8Array;
      byLevel.push(nodeHash(below, below));
    }
    return byLevel[level] as Uint8Array;
  };
}

describe('proofs from stored subtree hashes', () => {
  it('equal the in-memory proofs and roots for every index and size of a random log', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(), fc.nat(), (total, salt, a, b) => {
        const leaves = makeLeaves(total, salt);
        const { getNode } = storeOf(leaves);
        // Any older tree size can be served from the same rows.
        const size = 1 + (a % total);
        const index = b % size;
        const older = leaves.slice(0, size);
        expect(hex(rootHashFromSubtrees(size, getNode))).toBe(hex(rootHash(older)));
        expect(inclusionProofFromSubtrees(index, size, getNode).map(hex)).toEqual(inclusionProof(older, index).map(hex));
        const size1 = 1 + (b % size);
        expect(consistencyProofFromSubtrees(size1, size, getNode).map(hex)).toEqual(consistencyProof(older, size1, size).map(hex));
      }),
      { numRuns: 150 },
    );
  });

  it('read exactly the nodes the plan names, and at most two per level', () => {
    const leaves = makeLeaves(1000, 9);
    const { getNode, reads } = storeOf(leaves);
    inclusionProofFromSubtrees(613, 999, getNode);
    const planned = inclusionProofNodes(613, 999).flat().map((n) => `${n.level}/${n.index}`);
    expect(reads).toEqual(planned);
    expect(planned.length).toBeLessThanOrEqual(2 * 10);
    reads.length = 0;
    consistencyProofFromSubtrees(377, 999, getNode);
    expect(reads).toEqual(consistencyProofNodes(377, 999).flat().map((n) => `${n.level}/${n.index}`));
  });

  it('verify at indices and sizes far beyond 2^32', () => {
    const getNode = uniformLog();
    fc.assert(
      fc.property(fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }), fc.nat(), fc.nat(), (size, a, b) => {
        const index = Math.floor((a / 2 ** 31) * size) % size;
        const root = rootHashFromSubtrees(size, getNode);
        expect(verifyInclusion(getNode(0, index), index, size, inclusionProofFromSubtrees(index, size, getNode), root)).toBe(true);
        const size1 = 1 + (Math.floor((b / 2 ** 31) * size) % size);
        const proof = consistencyProofFromSubtrees(size1, size, getNode);
        expect(verifyConsistency(size1, size, proof, rootHashFromSubtrees(size1, getNode), root)).toBe(true);
        // One leaf fewer gives a different tree shape, so a different root.
        expect(verifyInclusion(getNode(0, 0), 0, size, inclusionProofFromSubtrees(0, size, getNode), rootHashFromSubtrees(size - 1, getNode))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('report a stored hash of the wrong length instead of building a bad proof', () => {
    expect(() => inclusionProofFromSubtrees(0, 4, () => new Uint8Array(20))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('perfectSubtreesOf', () => {
  it('splits an aligned range into perfect subtrees, largest first', () => {
    expect(perfectSubtreesOf(0, 13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(perfectSubtreesOf(16, 22)).toEqual([
      { level: 2, index: 4 },
      { level: 1, index: 10 },
    ]);
  });

  it('refuses an empty or unaligned range', () => {
    expect(() => perfectSubtreesOf(3, 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => perfectSubtreesOf(2, 6)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
