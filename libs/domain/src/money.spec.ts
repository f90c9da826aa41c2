import fc from 'fast-check';
import { divRoundHalfEven, fillValueMicro } from './money';

describe('divRoundHalfEven', () => {
  it.each([
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [14n, 10n, 1n],
    [15n, 10n, 2n],
    [25n, 10n, 2n],
    [26n, 10n, 3n],
    [0n, 7n, 0n],
  ])('rounds %p / %p to %p', (n, d, expected) => {
    expect(divRoundHalfEven(n, d)).toBe(expected);
  });

  it('refuses a zero or negative denominator', () => {
    expect(() => divRoundHalfEven(1n, 0n)).toThrow(RangeError);
    expect(() => divRoundHalfEven(1n, -3n)).toThrow(RangeError);
  });

  it('is within half a unit of the exact quotient and symmetric around zero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (n, d) => {
        const q = divRoundHalfEven(n, d);
        const error = q * d - n;
        expect(2n * (error < 0n ? -error : error) <= d).toBe(true);
        expect(divRoundHalfEven(-n, d)).toBe(-q);
      }),
    );
  });
});

describe('fillValueMicro', () => {
  it('prices 2 kWh at 250,000 µ/kWh as 500,000 µ', () => {
    expect(fillValueMicro(250_000n, 2_000n)).toBe(500_000n);
  });

  it('rounds a half micro-unit to even', () => {
    // 1 µ/kWh × 500 Wh = 0.5 µ → 0; 3 µ/kWh × 500 Wh = 1.5 µ → 2
    expect(fillValueMicro(1n, 500n)).toBe(0n);
    expect(fillValueMicro(3n, 500n)).toBe(2n);
  });
});
