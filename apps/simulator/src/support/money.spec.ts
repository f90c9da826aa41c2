import { kwh, money } from './money';

describe('simulator figures', () => {
  it('shows Wh as kWh with one decimal, exactly', () => {
    expect([kwh(0n), kwh(49n), kwh(50n), kwh(1_234_567n), kwh(-1_250n)]).toEqual(['0.0', '0.0', '0.1', '1,234.6', '-1.3']);
    expect(kwh(9_007_199_254_740_993_000n)).toBe('9,007,199,254,740,993.0');
  });
  it('shows µ-currency as a decimal amount', () => {
    expect([money(0n), money(1_500_000n), money('-250000')]).toEqual(['0.00', '1.50', '-0.25']);
  });
});
