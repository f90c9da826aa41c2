import { AppError } from '@ampool/contracts';
import { checkOrder, MAX_ORDER_QUANTITY_WH, MAX_PRICE_MICRO_PER_KWH, MIN_PRICE_MICRO_PER_KWH } from './order-rules';

const now = Date.UTC(2026, 10, 21, 10, 7);
const rules = { tradingHorizonMs: 48 * 3_600_000 };
const next = new Date(Date.UTC(2026, 10, 21, 10, 15));

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as AppError).code;
  }
  return undefined;
}

describe('order rules', () => {
  it('accept an order for the next interval within the bounds', () => {
    expect(codeOf(() => checkOrder({ intervalStart: next, quantityWh: 2000n, limitPriceMicroPerKwh: 250_000n }, rules, now))).toBeUndefined();
  });

  it.each([
    ['misaligned', new Date(Date.UTC(2026, 10, 21, 10, 20))],
    ['current (gate closed)', new Date(Date.UTC(2026, 10, 21, 10, 0))],
    ['past', new Date(Date.UTC(2026, 10, 20, 10, 0))],
    ['beyond the horizon', new Date(Date.UTC(2026, 10, 24, 10, 0))],
  ])('refuse an interval that is %s', (_, intervalStart) => {
    expect(codeOf(() => checkOrder({ intervalStart, quantityWh: 1n, limitPriceMicroPerKwh: MIN_PRICE_MICRO_PER_KWH }, rules, now))).toBe('INTERVAL_NOT_OPEN');
  });

  it('refuse quantities and prices outside the bounds', () => {
    expect(codeOf(() => checkOrder({ intervalStart: next, quantityWh: MAX_ORDER_QUANTITY_WH + 1n, limitPriceMicroPerKwh: MIN_PRICE_MICRO_PER_KWH }, rules, now))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => checkOrder({ intervalStart: next, quantityWh: 1n, limitPriceMicroPerKwh: MIN_PRICE_MICRO_PER_KWH - 1n }, rules, now))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => checkOrder({ intervalStart: next, quantityWh: 1n, limitPriceMicroPerKwh: MAX_PRICE_MICRO_PER_KWH + 1n }, rules, now))).toBe('OUT_OF_RANGE');
  });
});
