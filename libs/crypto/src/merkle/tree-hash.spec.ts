import fc from 'fast-check';
import { sha256 } from '../hash';
import { hex } from '../hex';
import { EMPTY_TREE_ROOT, isPowerOfTwo, largestPowerOfTwoBelow, leafHash, nodeHash, rootHash } from './tree-hash';

const leaves = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));

/** MTH exactly as RFC 9162 §2.1.1 writes it: split at the largest power of two below n. */
function mthByDefinition(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array());
  if (d.length === 1) return d[0] as Uint8Array;
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha256(new Uint8Array([1, ...mthByDefinition(d.slice(0, k)), ...mthByDefinition(d.slice(k))]));
}

describe('RFC 9162 tree hashing', () => {
  it('hashes a leaf as SHA-256(0x00 ‖ data) and a node as SHA-256(0x01 ‖ left ‖ right)', () => {
    // The RFC 6962 test leaf "" hashes to 6e340b9c…, the root of its one-leaf tree.
    expect(hex(leafHash(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const [a, b] = leaves(2) as [Uint8Array, Uint8Array];
    expect(hex(nodeHash(a, b))).toBe(hex(sha256(new Uint8Array([1, ...a, ...b]))));
    expect(hex(leafHash(a))).toBe(hex(sha256(new Uint8Array([0, ...a]))));
  });

  it('gives the empty tree the hash of the empty string, and a one-leaf tree its leaf hash', () => {
    expect(hex(rootHash([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(EMPTY_TREE_ROOT)).toBe(hex(rootHash([])));
    const [only] = leaves(1) as [Uint8Array];
    expect(hex(rootHash([only]))).toBe(hex(only));
  });

  it('equals the recursive definition for every size up to 70', () => {
    const all = leaves(70);
    for (let n = 0; n <= 70; n++) expect(hex(rootHash(all.slice(0, n)))).toBe(hex(mthByDefinition(all.slice(0, n))));
  });

  it('refuses to hash children that are not 32 bytes', () => {
    const [a] = leaves(1) as [Uint8Array];
    expect(() => nodeHash(a, new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => nodeHash(new Uint8Array(33), a)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses a leaf hash that is not 32 bytes', () => {
    expect(() => rootHash([...leaves(3), new Uint8Array(31)])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('does not treat a leaf as a node (the domain prefixes differ)', () => {
    const [a, b] = leaves(2) as [Uint8Array, Uint8Array];
    expect(hex(leafHash(new Uint8Array([...a, ...b])))).not.toBe(hex(nodeHash(a, b)));
  });

  it('splits at the largest power of two strictly below n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const k = largestPowerOfTwoBelow(n);
        expect(isPowerOfTwo(k)).toBe(true);
        expect(k < n && 2 * k >= n).toBe(true);
      }),
    );
  });
});
