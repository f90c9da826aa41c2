import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { commit, COMMITMENT_DOMAIN_V1, verifyCommitment } from './commitment';
import { CryptoError } from './errors';
import { sha256Hex } from './hash';
import { fromHex, hex } from './hex';

const person = { name: 'Ana Souza', postcode: '1012 AB', phone: '+31 20 123 4567' };
const fixedSalt = fromHex('00'.repeat(16) + 'ff'.repeat(16));

describe('commit and verifyCommitment', () => {
  it('is SHA-256 of the domain prefix, the 32-byte salt and the JCS text, in that order', () => {
    const { commitment, salt } = commit(person, fixedSalt);
    const input = Buffer.concat([Buffer.from('ampool/commitment/v1\0'), fixedSalt, Buffer.from(canonicalJson(person))]);
    expect(COMMITMENT_DOMAIN_V1).toBe('ampool/commitment/v1\0');
    expect(salt).toBe(hex(fixedSalt));
    expect(commitment).toBe(sha256Hex(input));
  });

  it('opens with the value and salt it was made from', () => {
    const { commitment, salt } = commit(person);
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyCommitment(person, salt, commitment)).toBe(true);
    expect(verifyCommitment(person, salt.toUpperCase(), commitment.toUpperCase())).toBe(true);
  });

  it('draws a fresh salt each time, so equal values give unlinkable commitments', () => {
    const a = commit(person);
    const b = commit(person);
    expect(a.salt).not.toBe(b.salt);
    expect(a.commitment).not.toBe(b.commitment);
  });

  it('does not depend on the key order of the value', () => {
    const reordered = { phone: person.phone, postcode: person.postcode, name: person.name };
    expect(commit(reordered, fixedSalt).commitment).toBe(commit(person, fixedSalt).commitment);
  });

  it('does not open with another value, another salt or a tampered commitment', () => {
    const { commitment, salt } = commit(person);
    expect(verifyCommitment({ ...person, postcode: '1012 AC' }, salt, commitment)).toBe(false);
    expect(verifyCommitment(person, hex(fixedSalt), commitment)).toBe(false);
    const tampered = (commitment[0] === '0' ? '1' : '0') + commitment.slice(1);
    expect(verifyCommitment(person, salt, tampered)).toBe(false);
  });

  it.each([
    ['a salt that is not hex', 'zz'.repeat(32), undefined],
    ['a 31-byte salt', '00'.repeat(31), undefined],
    ['a commitment that is not hex', undefined, 'x'.repeat(64)],
    ['a 33-byte commitment', undefined, '00'.repeat(33)],
    ['an empty commitment', undefined, ''],
  ])('answers false, without throwing, for %s', (_label, badSalt, badCommitment) => {
    const { commitment, salt } = commit(person);
    expect(verifyCommitment(person, badSalt ?? salt, badCommitment ?? commitment)).toBe(false);
  });

  it('refuses a salt that is not 32 bytes with INVALID_ARGUMENT', () => {
    expect(() => commit(person, new Uint8Array(16))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses a value with no canonical JSON form, when committing and when verifying', () => {
    expect(() => commit({ amount: 5n })).toThrow(CryptoError);
    expect(() => verifyCommitment({ amount: 5n }, hex(fixedSalt), '00'.repeat(32))).toThrow(
      expect.objectContaining({ code: 'NOT_CANONICALIZABLE' }),
    );
  });

  it('opens for every JSON value and salt, and only for a value with the same canonical form', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.uint8Array({ minLength: 32, maxLength: 32 }), (value, other, saltBytes) => {
        const { commitment, salt } = commit(value, saltBytes);
        expect(verifyCommitment(value, salt, commitment)).toBe(true);
        expect(verifyCommitment(other, salt, commitment)).toBe(canonicalJson(other) === canonicalJson(value));
      }),
    );
  });
});
