/**
 * RFC 9162 Merkle log figures:
 * 1. `rootHash` of 1,000,000 leaf hashes (in memory, from scratch);
 * 2. appending 10,000,000 leaves to a `CompactMerkleRange` (the ledger's write path);
 * 3. inclusion and consistency proofs for tree size 10,000,000 assembled from stored subtree
 *    hashes, as the ledger's database would serve them, and their verification.
 *
 *     npx tsx bench/crypto/merkle.bench.ts [--json] [--root-leaves 1000000]
 *                                          [--log-leaves 10000000] [--proofs 2000] [--rounds 3]
 *
 * The "database" is a Map holding only the subtree hashes the sampled proofs need: they are
 * chosen before the log is built and kept as `append` reports them, so every hash is the real
 * one and every proof verifies. Proof time therefore excludes the database round trip (one
 * query for the ≤ 2·log2(n) rows `inclusionProofNodes` names) and is pure assembly.
 */
import { randomInt } from 'node:crypto';
import {
  CompactMerkleRange,
  consistencyProofFromSubtrees,
  consistencyProofNodes,
  inclusionProofFromSubtrees,
  inclusionProofNodes,
  leafHash,
  rootHash,
  rootHashFromSubtrees,
  rootNodes,
  verifyConsistency,
  verifyInclusion,
  type SubtreeNodeId,
} from '@ampool/crypto';
import { booleanFlag, machineInfo, median, nowMs, numberFlag, printTable } from './bench-harness';

/** Leaf i's entry: its index as 8 bytes, a stand-in for a serialised ledger entry. */
function entry(i: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, i);
  return bytes;
}

// (level, index) → one safe integer: level < 64, index < 2^46 for any log this bench builds.
const keyOf = (level: number, index: number): number => level * 2 ** 46 + index;

function main(): void {
  const rootLeaves = numberFlag('root-leaves', 1_000_000);
  const logLeaves = numberFlag('log-leaves', 10_000_000);
  const proofCount = numberFlag('proofs', 2000);
  const rounds = numberFlag('rounds', 3);

  // 1. rootHash of rootLeaves leaf hashes.
  const leaves = Array.from({ length: rootLeaves }, (_, i) => leafHash(entry(i)));
  rootHash(leaves.slice(0, 10_000)); // warm-up
  const rootTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = nowMs();
    rootHash(leaves);
    rootTimes.push(nowMs() - start);
  }
  const rootMs = median(rootTimes);

  // 2 + 3. Choose the proofs first, then build the log keeping exactly the nodes they need.
  const treeSize = logLeaves;
  const indices = Array.from({ length: proofCount }, () => randomInt(0, treeSize));
  const oldSizes = Array.from({ length: proofCount }, () => randomInt(1, treeSize));
  const needed = new Set<number>();
  const want = (nodes: SubtreeNodeId[]): void => nodes.forEach((n) => needed.add(keyOf(n.level, n.index)));
  for (const i of indices) want(inclusionProofNodes(i, treeSize).flat());
  for (const s of oldSizes) {
    want(consistencyProofNodes(s, treeSize).flat());
    want(rootNodes(s));
  }
  want(rootNodes(treeSize));

  const store = new Map<number, Uint8Array>();
  const log = CompactMerkleRange.empty();
  const buildStart = nowMs();
  for (let i = 0; i < treeSize; i++) {
    for (const node of log.append(leafHash(entry(i)))) {
      const key = keyOf(node.level, node.index);
      if (needed.has(key)) store.set(key, node.hash);
    }
  }
  const buildMs = nowMs() - buildStart;
  const getNode = (level: number, index: number): Uint8Array => {
    const hash = store.get(keyOf(level, index));
    if (hash === undefined) throw new Error(`node ${level}/${index} was not stored`);
    return hash;
  };
  const root = log.root();
  if (!rootHashFromSubtrees(treeSize, getNode).every((b, i) => b === root[i])) throw new Error('stored root differs');

  const time = <T>(fn: () => T): { ms: number; value: T } => {
    const start = nowMs();
    const value = fn();
    return { ms: nowMs() - start, value };
  };
  const inclusionProofMs: number[] = [];
  const inclusionVerifyMs: number[] = [];
  indices.forEach((index) => {
    const proof = time(() => inclusionProofFromSubtrees(index, treeSize, getNode));
    const leaf = leafHash(entry(index));
    const verified = time(() => verifyInclusion(leaf, index, treeSize, proof.value, root));
    if (!verified.value) throw new Error(`inclusion proof for ${index} failed`);
    inclusionProofMs.push(proof.ms);
    inclusionVerifyMs.push(verified.ms);
  });
  const consistencyProofMs: number[] = [];
  const consistencyVerifyMs: number[] = [];
  oldSizes.forEach((size1) => {
    const proof = time(() => consistencyProofFromSubtrees(size1, treeSize, getNode));
    const root1 = rootHashFromSubtrees(size1, getNode);
    const verified = time(() => verifyConsistency(size1, treeSize, proof.value, root1, root));
    if (!verified.value) throw new Error(`consistency proof from ${size1} failed`);
    consistencyProofMs.push(proof.ms);
    consistencyVerifyMs.push(verified.ms);
  });
  const p99 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)] as number;
  const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;

  printTable(`RFC 9162 Merkle log (median of ${rounds} rounds; proofs: median and p99 of ${proofCount})`, [
    [`rootHash of ${rootLeaves.toLocaleString('en-US')} leaf hashes`, `${rootMs.toFixed(0)} ms`],
    [`append ${treeSize.toLocaleString('en-US')} leaves (leaf hash + compact range)`, `${(buildMs / 1000).toFixed(1)} s = ${Math.round((treeSize * 1000) / buildMs).toLocaleString('en-US')} appends/s`],
    [`inclusion proof from stored subtrees, size ${treeSize.toLocaleString('en-US')}`, `${us(median(inclusionProofMs))} (p99 ${us(p99(inclusionProofMs))})`],
    ['inclusion proof verification', `${us(median(inclusionVerifyMs))} (p99 ${us(p99(inclusionVerifyMs))})`],
    ['consistency proof from stored subtrees', `${us(median(consistencyProofMs))} (p99 ${us(p99(consistencyProofMs))})`],
    ['consistency proof verification', `${us(median(consistencyVerifyMs))} (p99 ${us(p99(consistencyVerifyMs))})`],
    ['stored nodes needed for all sampled proofs', store.size.toLocaleString('en-US')],
  ]);

  if (booleanFlag('json')) {
    process.stdout.write(
      `${JSON.stringify({
        bench: 'merkle',
        rootLeaves,
        rootHashMs: Number(rootMs.toFixed(1)),
        logLeaves: treeSize,
        appendTotalMs: Math.round(buildMs),
        appendsPerSec: Math.round((treeSize * 1000) / buildMs),
        proofs: proofCount,
        inclusionProofMedianUs: Number((median(inclusionProofMs) * 1000).toFixed(1)),
        inclusionProofP99Us: Number((p99(inclusionProofMs) * 1000).toFixed(1)),
        inclusionVerifyMedianUs: Number((median(inclusionVerifyMs) * 1000).toFixed(1)),
        consistencyProofMedianUs: Number((median(consistencyProofMs) * 1000).toFixed(1)),
        consistencyProofP99Us: Number((p99(consistencyProofMs) * 1000).toFixed(1)),
        consistencyVerifyMedianUs: Number((median(consistencyVerifyMs) * 1000).toFixed(1)),
        machine: machineInfo(),
      })}\n`,
    );
  }
}

main();
