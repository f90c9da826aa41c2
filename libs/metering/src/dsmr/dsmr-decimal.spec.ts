import fc from 'fast-check';
import { decimalToScaledInteger } from './dsmr-decimal';

describe('decimalToScaledInteger', () => {
  it('reads a DSMR kWh register as exact Wh', () => {
    expect(decimalToScaledInteger('000123.456', 3)).toEqual({ kind: 'value', value: 123_456n });
    expect(decimalToScaledInteger('000000.001', 3)).toEqual({ kind: 'value', value: 1n });
    expect(decimalToScaledInteger('12', 3)).toEqual({ kind: 'value', value: 12_000n });
  });

  it('reads any decimal that is a whole multiple of 10^-scale back to the integer it was written from', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 6 }), (value, scale, extraZeros) => {
        const digits = value.toString().padStart(scale + 1, '0');
        const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
        const withZeros = extraZeros === 0 ? text : `${text}${scale === 0 ? '.' : ''}${'0'.repeat(extraZeros)}`;
        if (withZeros.replace('.', '').length > 24) return;
        expect(decimalToScaledInteger(withZeros, scale)).toEqual({ kind: 'value', value });
      }),
    );
  });

  it('refuses a non-zero digit beyond the scale as unrepresentable, however far out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), (scale, position, digit) => {
        const fraction = `${'0'.repeat(scale + position - 1)}${digit}`;
        if (fraction.length > 9) return;
        expect(decimalToScaledInteger(`1.${fraction}`, scale)).toEqual({ kind: 'unrepresentable' });
      }),
    );
  });

  it('refuses what is not an unsigned decimal', () => {
    for (const text of ['', '.', '1.', '.1', '+1', '-1', '1e3', '0x10', ' 1', '1 ', '1,5', '1.2.3', '1234567890123456', '1.1234567890']) {
      expect([text, decimalToScaledInteger(text, 3)]).toEqual([text, { kind: 'malformed' }]);
    }
  });
});
