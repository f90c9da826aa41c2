/**
 * Where the live demo's simulated time starts: 07:30 UTC of the latest weekday already begun,
 * so a new user sees both markets busy within a minute or two — the morning commute is being
 * published and booked, and the sun is rising over the neighbourhood. (Starting at the real
 * time of day would show an empty ride market on a weekend or at night.)
 */
export function liveStartMs(nowMs: number): number {
  const DAY = 86_400_000;
  let day = Math.floor(nowMs / DAY) * DAY;
  const start = (d: number) => d + 7.5 * 3_600_000;
  while (start(day) > nowMs || [0, 6].includes(new Date(day).getUTCDay())) day -= DAY;
  return start(day);
}

/** `--start <ISO time>`, on the 15-minute grid; NaN when it is not a time. */
export function alignedStart(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return Number.NaN;
  return Math.floor(ms / 900_000) * 900_000;
}
