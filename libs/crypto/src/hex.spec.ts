import fc from 'fast-check';
import { CryptoError } from './errors';
import { bytesEqual, fromHex, hex } from './hex';

describe('hex and fromHex', () => {
  it('writes lower-case digits, two per byte', () => {
    expect(hex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff');
    expect(hex(new Uint8Array())).toBe('');
  });

  it('reads either case', () => {
    expect(fromHex('00ABff')).toEqual(new Uint8Array([0, 0xab, 0xff]));
  });

  it('writes only the viewed bytes of a subarray', () => {
    expect(hex(new Uint8Array([1, 2, 3, 4]).subarray(1, 3))).toBe('0203');
  });

  it.each(['0', 'abc', 'zz', '0x00', '00 ', ' 00', '0g', 'é0'])('refuses %j with INVALID_HEX', (bad) => {
    expect(() => fromHex(bad)).toThrow(CryptoError);
    expect(() => fromHex(bad)).toThrow(expect.objectContaining({ code: 'INVALID_HEX' }));
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(fromHex(hex(bytes))).toEqual(bytes);
        expect(fromHex(hex(bytes).toUpperCase())).toEqual(bytes);
      }),
    );
  });
});

describe('bytesEqual', () => {
  it('compares length and every byte', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
  });
});
