import { formatEnergy, formatMoney, formatPower, formatPrice, formatTime, shortDid } from './format';

describe('dashboard formats', () => {
  it('formats µ-currency with bigint arithmetic, rounding half away from zero', () => {
    expect(formatMoney('0')).toBe('0.00');
    expect(formatMoney(1_234_565_000n)).toBe('1,234.57');
    expect(formatMoney('1234564999')).toBe('1,234.56');
    expect(formatMoney(-5_000n)).toBe('−0.01');
    expect(formatMoney(-4_999n)).toBe('0.00');
    expect(formatMoney('9223372036854775807', 6)).toBe('9,223,372,036,854.775807');
    expect(formatMoney(2_500_000n, 0)).toBe('3');
  });

  it('scales energy to Wh, kWh or MWh', () => {
    expect(formatEnergy('999')).toBe('999 Wh');
    expect(formatEnergy(12_449n)).toBe('12.4 kWh');
    expect([formatPower('800'), formatPower(5_000n), formatPower(1_200_000n)]).toEqual(['800 W', '5.0 kW', '1.20 MW']);
    expect(formatEnergy(12_450n)).toBe('12.5 kWh');
    expect(formatEnergy(-3_204_999n)).toBe('−3.20 MWh');
  });

  it('shows prices per kWh to a tenth of a cent', () => {
    expect(formatPrice('245000')).toBe('0.245 /kWh');
    expect(formatPrice(1_000_000n)).toBe('1.000 /kWh');
  });

  it('shortens identifiers and times', () => {
    expect(shortDid('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toBe('z6MkhaXg…2doK');
    expect(formatTime('2026-11-21T14:05:09.123Z')).toBe('14:05');
    expect(formatTime('2026-11-21T14:05:09.123Z', true)).toBe('14:05:09');
  });
});
