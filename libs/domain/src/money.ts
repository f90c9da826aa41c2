/**
 * Money and energy arithmetic. Every amount is an integer `bigint`: energy in watt-hours,
 * money in micro-units of the deployment currency (1 EUR = 1,000,000 µEUR), energy prices in
 * micro-units per kWh. Rounding happens here and nowhere else.
 */

/** Largest amount any field may carry: a signed 64-bit integer, as PostgreSQL's BIGINT. */
export const MAX_INT64 = (1n << 63n) - 1n;

/** Watt-hours per kilowatt-hour: prices are per kWh, quantities in Wh. */
export const WH_PER_KWH = 1000n;

/**
 * Divides `numerator` by a positive `denominator`, rounding half to even (banker's rounding),
 * so that rounding errors do not drift in one direction over many fills.
 */
export function divRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let quotient = n / denominator;
  const twiceRemainder = (n % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  return negative ? -quotient : quotient;
}

/** Value of a fill in µ-currency: price (µ/kWh) × energy (Wh) / 1000, rounded half to even. */
export function fillValueMicro(priceMicroPerKwh: bigint, energyWh: bigint): bigint {
  return divRoundHalfEven(priceMicroPerKwh * energyWh, WH_PER_KWH);
}
