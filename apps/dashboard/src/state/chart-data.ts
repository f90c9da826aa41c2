import { priceForChart } from './format';

/**
 * uPlot wants one x array shared by every series. Price series per zone arrive at their own
 * times, so they are merged on the union of their timestamps (in milliseconds), with null where a
 * zone had no trade at that instant (drawn as a continuous line across the gap).
 */
export function alignPriceSeries(series: Record<string, Array<[number, bigint]>>): { zones: string[]; data: Array<Array<number | null>> } {
  const zones = Object.keys(series).sort();
  const xs = [...new Set(zones.flatMap((z) => series[z]!.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = zones.map((zone) => {
    const column: Array<number | null> = new Array(xs.length).fill(null);
    // Several trades in the same millisecond: the last one is the price at that instant.
    for (const [t, price] of series[zone]!) column[index.get(t)!] = priceForChart(price);
    return column;
  });
  return { zones, data: [xs, ...columns] };
}

/** Traded energy per delivery interval (kWh) for the last `count` intervals, one column per zone. */
export function intervalVolumes(
  intervals: Record<string, Record<string, { energyWh: bigint }>>,
  count: number,
): { zones: string[]; data: Array<Array<number | null>> } {
  const zones = Object.keys(intervals).sort();
  const starts = [...new Set(zones.flatMap((z) => Object.keys(intervals[z]!)))].sort().slice(-count);
  const xs = starts.map((s) => Date.parse(s));
  const columns = zones.map((zone) => starts.map((s) => {
    const slot = intervals[zone]![s];
    return slot ? Number(slot.energyWh) / 1000 : null;
  }));
  return { zones, data: [xs, ...columns] };
}
