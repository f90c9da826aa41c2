/** A link's use against the capacity a market opened with (Wh per interval). */
export interface LinkFlow {
  from: string;
  to: string;
  capacityWh: bigint | null;
  usedWh: bigint;
  remainingWh: bigint | null;
}

/**
 * The transfer links of one market from its frozen configuration (row-major `[from][to]`
 * capacities, `null` for no limit, "0" for a pair that may not trade) and the energy its
 * cross-zone trades moved per `from>to`. A link is listed when it may carry energy or did:
 * unlisted pairs (capacity 0) would otherwise fill an area of n zones with n² empty rows.
 */
export function marketLinks(config: { zones: readonly string[]; transferCapacityWh: readonly (string | null)[] }, usedByLink: ReadonlyMap<string, bigint>): LinkFlow[] {
  const n = config.zones.length;
  const links: LinkFlow[] = [];
  config.zones.forEach((from, i) => {
    config.zones.forEach((to, j) => {
      if (i === j) return;
      const raw = config.transferCapacityWh[i * n + j];
      const capacityWh = raw === null || raw === undefined ? null : BigInt(raw);
      const usedWh = usedByLink.get(`${from}>${to}`) ?? 0n;
      if (capacityWh === 0n && usedWh === 0n) return;
      // A capacity changed under a market never happens (it is frozen), so used ≤ capacity; clamp anyway rather than report a negative.
      const remainingWh = capacityWh === null ? null : capacityWh > usedWh ? capacityWh - usedWh : 0n;
      links.push({ from, to, capacityWh, usedWh, remainingWh });
    });
  });
  return links;
}
