/** µ-currency as a decimal amount, exactly (string arithmetic, no floating point). */
export function money(micro: string | bigint): string {
  const text = micro.toString();
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(7, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6, -4)}${digits.slice(-4).replace(/0+$/, '')}`;
}

/** A did:key or id shortened for a log line. */
export function short(id: string): string {
  return id.startsWith('did:key:') ? `${id.slice(0, 14)}…${id.slice(-4)}` : id.slice(-8);
}

/** Wh as kWh with one decimal, exactly (bigint arithmetic, rounded half up). */
export function kwh(wh: bigint): string {
  const negative = wh < 0n;
  const tenths = ((negative ? -wh : wh) + 50n) / 100n;
  const whole = (tenths / 10n).toLocaleString('en-GB');
  return `${negative ? '-' : ''}${whole}.${tenths % 10n}`;
}
