import fc from 'fast-check';
import { base58Decode, base58Encode, BASE58_MAX_LENGTH } from './base58';
import { fromHex, hex } from './hex';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('base58btc', () => {
  // The first two are test vectors of draft-msporny-base58 (the IETF draft specifying
  // base58btc). The third is worked by hand: 0x287fb4cd = 679457997
  // = 1·58⁵ + 2·58⁴ + 2·58³ + 23·58² + 11·58 + 3 → digits "2 3 3 Q C 4", and each of the two
  // leading zero bytes becomes a "1".
  it.each([
    ['Hello World!', text('Hello World!'), '2NEpo7TZRRrLZSi2U'],
    [
      'The quick brown fox…',
      text('The quick brown fox jumps over the lazy dog.'),
      'USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z',
    ],
    ['0x0000287fb4cd (leading zero bytes)', fromHex('0000287fb4cd'), '11233QC4'],
  ])('encodes %s as the draft says, and back', (_label, bytes, encoded) => {
    expect(base58Encode(bytes)).toBe(encoded);
    expect(hex(base58Decode(encoded) ?? new Uint8Array([0xff]))).toBe(hex(bytes));
  });

  it('encodes the empty string as the empty string and zero bytes as 1s', () => {
    expect(base58Encode(new Uint8Array())).toBe('');
    expect(base58Encode(new Uint8Array(3))).toBe('111');
    expect(base58Decode('111')).toEqual(new Uint8Array(3));
  });

  it.each(['0', 'O', 'I', 'l', ' abc', 'abc\n', '+', 'é', '😀'])('refuses %j, which is not in the alphabet', (bad) => {
    expect(base58Decode(bad)).toBeUndefined();
  });

  it('refuses input beyond the length limit', () => {
    expect(base58Decode('2'.repeat(BASE58_MAX_LENGTH + 1))).toBeUndefined();
    expect(() => base58Encode(new Uint8Array(BASE58_MAX_LENGTH + 1))).toThrow(RangeError);
  });

  it('round-trips any bytes, and is a bijection (decode then encode gives the text back)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 0, 0, 1, 255, 57, 58), { maxLength: 4 }), fc.uint8Array({ maxLength: 64 }), (zeros, bytes) => {
        const input = new Uint8Array([...zeros, ...bytes]);
        const encoded = base58Encode(input);
        expect(hex(base58Decode(encoded) ?? new Uint8Array([0xff]))).toBe(hex(input));
      }),
    );
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (chars) => {
        const encoded = chars.join('');
        expect(base58Encode(base58Decode(encoded) as Uint8Array)).toBe(encoded);
      }),
    );
  });
});
