import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { sha256, sha256Hex } from './hash';
import { hex } from './hex';

describe('sha256', () => {
  // FIPS 180-2 appendix B examples.
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('hashes %j to the FIPS 180-2 digest', (input, digest) => {
    expect(sha256Hex(input)).toBe(digest);
    expect(hex(sha256(new TextEncoder().encode(input)))).toBe(digest);
  });

  it('hashes a string as its UTF-8 bytes', () => {
    expect(sha256Hex('€😀')).toBe(hex(sha256(new Uint8Array(Buffer.from('€😀', 'utf8')))));
  });

  it('returns a plain Uint8Array, not a Buffer', () => {
    const digest = sha256('x');
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(digest)).toBe(false);
    expect(digest).toHaveLength(32);
  });

  it('agrees with the pure-JS SHA-256 of @noble/hashes on any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(hex(sha256(bytes))).toBe(hex(nobleSha256(bytes)));
      }),
    );
  });
});
