import { AppError, ErrorCode } from '@ampool/contracts';
import { DEFAULT_INTERVAL_MINUTES, isIntervalAligned } from '@ampool/domain';

/** Bounds on what one order may ask for. */
export const MAX_ORDER_QUANTITY_WH = 1_000_000_000n; // 1 GWh in one interval
export const MAX_PRICE_MICRO_PER_KWH = 100_000_000n; // 100 currency units per kWh
/**
 * Above 500 µ/kWh every fill of at least 1 Wh is worth at least 1 µ after rounding, so no
 * trade can have a value of zero.
 */
export const MIN_PRICE_MICRO_PER_KWH = 1_000n;

export interface OrderRules {
  tradingHorizonMs: number;
}

export const ORDER_RULES = Symbol('ORDER_RULES');

export function orderRulesFrom(config: { TRADING_HORIZON_HOURS: number }): OrderRules {
  return { tradingHorizonMs: config.TRADING_HORIZON_HOURS * 3_600_000 };
}

/**
 * Checks that hold for every order before it touches the book. Today gate closure is the
 * start of the interval and every market uses 15-minute intervals; per-market configuration
 * (interval length, gate closure, price band, zones) belongs to the energy-market capability
 * still to come.
 */
export function checkOrder(
  order: { intervalStart: Date; quantityWh: bigint; limitPriceMicroPerKwh: bigint },
  rules: OrderRules,
  nowMs: number,
): void {
  const start = order.intervalStart.getTime();
  if (!isIntervalAligned(start, DEFAULT_INTERVAL_MINUTES)) {
    throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, `intervalStart must be on a ${DEFAULT_INTERVAL_MINUTES}-minute boundary (UTC)`);
  }
  if (start <= nowMs) throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, 'the interval has passed gate closure');
  if (start - nowMs > rules.tradingHorizonMs) throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, 'the interval is not open for trading yet');
  if (order.quantityWh > MAX_ORDER_QUANTITY_WH) {
    throw new AppError(ErrorCode.OUT_OF_RANGE, `quantityWh must be at most ${MAX_ORDER_QUANTITY_WH}`);
  }
  if (order.limitPriceMicroPerKwh > MAX_PRICE_MICRO_PER_KWH || order.limitPriceMicroPerKwh < MIN_PRICE_MICRO_PER_KWH) {
    throw new AppError(
      ErrorCode.OUT_OF_RANGE,
      `limitPriceMicroPerKwh must be between ${MIN_PRICE_MICRO_PER_KWH} and ${MAX_PRICE_MICRO_PER_KWH}`,
    );
  }
}
