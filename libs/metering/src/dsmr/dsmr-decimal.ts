/**
 * Exact decimal → integer conversion for meter values. A register reads `000123.456*kWh`;
 * floating point would turn that into 123.45599999… and a rounding rule would then decide
 * the last watt-hour. Here the digits are taken as digits: the value is scaled by a power of
 * ten (3 for kWh → Wh, 0 for Wh → Wh) and must come out whole, or it is refused.
 */

/** Longest integer part accepted; DSMR registers have 5–9 integer digits. */
export const MAX_INTEGER_DIGITS = 15;
/** Longest fraction accepted; DSMR registers have up to 3 decimals, some foreign meters 7. */
export const MAX_FRACTION_DIGITS = 9;

const DECIMAL = new RegExp(`^(\\d{1,${MAX_INTEGER_DIGITS}})(?:\\.(\\d{1,${MAX_FRACTION_DIGITS}}))?$`);

/** Outcome of {@link decimalToScaledInteger}. */
export type ScaledInteger =
  | { readonly kind: 'value'; readonly value: bigint }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'unrepresentable' };

/**
 * `text` (unsigned decimal: digits, optionally `.` and digits) × 10^`scaleDigits` as an
 * exact `bigint`. `malformed` for anything else (signs, exponents, `.5`, `5.`, too many
 * digits); `unrepresentable` when fraction digits beyond `scaleDigits` are not all zero, e.g.
 * `1.0005` kWh is 1000.5 Wh. Trailing zeros are fine: `1.500000` kWh is 1500 Wh.
 */
export function decimalToScaledInteger(text: string, scaleDigits: number): ScaledInteger {
  const m = DECIMAL.exec(text);
  if (m === null) return { kind: 'malformed' };
  const integerDigits = m[1] as string;
  const fractionDigits = m[2] ?? '';
  const kept = fractionDigits.slice(0, scaleDigits).padEnd(scaleDigits, '0');
  const dropped = fractionDigits.slice(scaleDigits);
  if (/[1-9]/.test(dropped)) return { kind: 'unrepresentable' };
  return { kind: 'value', value: BigInt(integerDigits + kept) };
}
