/**
 * Bars of several series at one x are drawn stacked: series i is drawn up to the sum of series
 * 0..i, tallest first, so each keeps its own visible band (overlapping bars would hide the
 * smaller behind the larger). Returned in drawing order: the last series first.
 */
export function stackBars(data: Array<Array<number | null>>): Array<Array<number | null>> {
  const [xs, ...series] = data;
  const sums = series.map((_, i) => xs!.map((_x, j) => series.slice(0, i + 1).reduce<number>((sum, s) => sum + (s[j] ?? 0), 0)));
  return [xs!, ...sums.reverse()];
}
