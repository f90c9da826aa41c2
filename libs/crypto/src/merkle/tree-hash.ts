/**
 * RFC 9162 (Certificate Transparency v2) §2.1.1 Merkle tree hashing with SHA-256. Leaves and
 * interior nodes are hashed with different one-byte prefixes so that no leaf can ever be
 * passed off as an interior node (second-preimage resistance of the tree).
 *
 * Conventions for the whole `merkle/` folder:
 * - Trees are built from *leaf hashes* (`leafHash(entry)`), never from raw entries.
 * - Every hash is exactly 32 bytes; verifiers answer `false` for anything else.
 * - Sizes and indices are `number`s that must be safe integers (< 2^53): a log will never hold
 *   more entries than that, and plain numbers keep proofs cheap. Convert a `bigint` sequence
 *   number with `Number()` after checking it is below `Number.MAX_SAFE_INTEGER`.
 * - Proof elements are ordered from the leaf (or the older tree) upwards, as RFC 9162 does.
 */
import { CryptoError } from '../errors';
import { sha256, SHA256_BYTES } from '../hash';

/** Length in bytes of every Merkle hash. */
export const MERKLE_HASH_BYTES = SHA256_BYTES;

/** MTH({}) — the root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Uint8Array = sha256(new Uint8Array(0));

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** Leaf hash of a log entry: SHA-256(0x00 ‖ entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + entry.length);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return sha256(input);
}

// One reusable input buffer for nodeHash: allocating 65 bytes per call doubled its cost, and
// tree building is nothing but nodeHash calls. Safe because hashing is synchronous.
const nodeInput = new Uint8Array(1 + 2 * MERKLE_HASH_BYTES);
nodeInput[0] = NODE_PREFIX;

/**
 * Interior node hash: SHA-256(0x01 ‖ left ‖ right). Throws `CryptoError('INVALID_ARGUMENT')`
 * unless both children are 32-byte hashes.
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== MERKLE_HASH_BYTES || right.length !== MERKLE_HASH_BYTES) {
    throw new CryptoError('INVALID_ARGUMENT', `a node's children are ${MERKLE_HASH_BYTES}-byte hashes`);
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + MERKLE_HASH_BYTES);
  return sha256(nodeInput);
}

/**
 * MTH(D[n]): the root of the tree whose leaf hashes are `leafHashes`, in order.
 * The empty tree's root is {@link EMPTY_TREE_ROOT}; one leaf's root is its leaf hash.
 * Throws `CryptoError('INVALID_ARGUMENT')` if a leaf hash is not 32 bytes.
 */
export function rootHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  leafHashes.forEach((hash, i) => assertHash(hash, `leaf hash ${i}`));
  return rangeRoot(leafHashes, 0, leafHashes.length);
}

/**
 * MTH(D[start:end]) of trusted (already checked) leaf hashes. Pairs neighbours level by level
 * and carries an odd last node up unchanged; that equals RFC 9162's recursive split at the
 * largest power of two, because the split points are exactly where pairing groups them.
 */
export function rangeRoot(leafHashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end <= start) return EMPTY_TREE_ROOT;
  let level: Uint8Array[] = leafHashes.slice(start, end);
  while (level.length > 1) {
    const next: Uint8Array[] = new Array<Uint8Array>(Math.ceil(level.length / 2));
    for (let i = 0; i + 1 < level.length; i += 2) {
      next[i / 2] = nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array);
    }
    if (level.length % 2 === 1) next[next.length - 1] = level[level.length - 1] as Uint8Array;
    level = next;
  }
  return level[0] as Uint8Array;
}

/** Whether `value` is a 32-byte hash. */
export function isMerkleHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === MERKLE_HASH_BYTES;
}

/** Whether `value` is a usable tree size or index: a non-negative safe integer. */
export function isTreeSize(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Throws `CryptoError('INVALID_ARGUMENT')` unless `value` is a 32-byte hash. */
export function assertHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!isMerkleHash(value)) throw new CryptoError('INVALID_ARGUMENT', `${what} is not a ${MERKLE_HASH_BYTES}-byte hash`);
}

/** Throws `CryptoError('INVALID_ARGUMENT')` unless `value` is a non-negative safe integer. */
export function assertTreeSize(value: unknown, what: string): asserts value is number {
  if (!isTreeSize(value)) throw new CryptoError('INVALID_ARGUMENT', `${what} must be a non-negative safe integer`);
}

/** The largest power of two strictly below `n` (n ≥ 2): RFC 9162's split point k. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Whether `n` is 2^i for some i ≥ 0. */
export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
