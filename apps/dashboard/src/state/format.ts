/**
 * Display formats. Amounts arrive as decimal strings (64-bit integers on the wire) and are
 * formatted with bigint arithmetic: money in µ-currency, energy in Wh, prices in µ-currency per kWh.
 */

const MICRO = 1_000_000n;

/** µ-currency → "12.35" (rounded half away from zero to `decimals` places, 0-6). */
export function formatMoney(micro: bigint | string, decimals = 2): string {
  const value = typeof micro === 'string' ? BigInt(micro) : micro;
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(6 - decimals);
  const rounded = (abs + scale / 2n) / scale; // in units of 10^-decimals
  const unit = 10n ** BigInt(decimals);
  const whole = (rounded / unit).toLocaleString('en-US');
  const frac = decimals > 0 ? `.${(rounded % unit).toString().padStart(decimals, '0')}` : '';
  return `${negative && rounded > 0n ? '−' : ''}${whole}${frac}`;
}

/** Wh → "950 Wh", "12.4 kWh", "3.20 MWh". */
export function formatEnergy(wh: bigint | string): string {
  const value = typeof wh === 'string' ? BigInt(wh) : wh;
  const abs = value < 0n ? -value : value;
  const sign = value < 0n ? '−' : '';
  if (abs < 1_000n) return `${sign}${abs} Wh`;
  if (abs < 1_000_000n) return `${sign}${scaled(abs, 1_000n, 1)} kWh`;
  return `${sign}${scaled(abs, 1_000_000n, 2)} MWh`;
}

/** W → "800 W", "5.0 kW", "1.20 MW": the same steps as energy. */
export function formatPower(w: bigint | string): string {
  return formatEnergy(w).replace(/Wh$/, 'W');
}

/** µ-currency per kWh → "0.245 /kWh" (three decimals: tenths of a cent). */
export function formatPrice(microPerKwh: bigint | string): string {
  return `${formatMoney(microPerKwh, 3)} /kWh`;
}

/** A price as a plain number of currency units per kWh, for charts only (never for sums). */
export function priceForChart(microPerKwh: bigint): number {
  return Number(microPerKwh) / Number(MICRO);
}

function scaled(value: bigint, unit: bigint, decimals: number): string {
  const factor = 10n ** BigInt(decimals);
  const rounded = (value * factor + unit / 2n) / unit;
  return `${(rounded / factor).toLocaleString('en-US')}.${(rounded % factor).toString().padStart(decimals, '0')}`;
}

/** "did:key:z6MkhaXg…Xq9a" — enough to tell participants apart on screen. */
export function shortDid(did: string): string {
  const id = did.startsWith('did:key:') ? did.slice(8) : did;
  return id.length <= 14 ? id : `${id.slice(0, 8)}…${id.slice(-4)}`;
}

/** "14:05" in UTC for an interval start, "14:05:09" for an instant. */
export function formatTime(iso: string, seconds = false): string {
  return iso.slice(11, seconds ? 19 : 16);
}
