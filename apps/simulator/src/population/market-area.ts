import { configureArea, type AmpoolClient, type AreaBody, type Credentials } from '@ampool/client';
import type { PriceBand } from '@ampool/simulation';
import { politely } from '../support/retry';

/** Grid fee between two different zones, and across the constrained link (µ-currency per kWh). */
const NEIGHBOUR_FEE = 10_000n;
const LINK_FEE = 25_000n;
/** What the constrained link carries per interval, Wh (a small feeder's spare capacity). */
const LINK_CAPACITY_WH = 15_000n;

/**
 * The neighbourhood's market area as the operator configures it: its zones, 15-minute
 * intervals open two days ahead until five minutes before they start, the utility's band,
 * free trading inside a zone, a grid fee between zones, and one constrained link — the last
 * zone hangs off the first through a feeder that carries only LINK_CAPACITY_WH per interval.
 */
export function neighbourhoodArea(zones: readonly string[], band: PriceBand, intervalMinutes: 15 | 30 | 60 = 15): AreaBody {
  const pairs: AreaBody['pairs'] = [];
  const last = zones[zones.length - 1];
  for (const from of zones) {
    for (const to of zones) {
      if (from === to) pairs.push({ from, to, gridFeeMicroPerKwh: '0', transferCapacityWh: null });
      else if (zones.length > 2 && (from === last || to === last)) {
        // Only the first zone reaches the last one, through the constrained link.
        if (from === zones[0] || to === zones[0]) pairs.push({ from, to, gridFeeMicroPerKwh: LINK_FEE.toString(), transferCapacityWh: LINK_CAPACITY_WH.toString() });
      } else pairs.push({ from, to, gridFeeMicroPerKwh: NEIGHBOUR_FEE.toString(), transferCapacityWh: null });
    }
  }
  return {
    zones: [...zones],
    intervalMinutes,
    openAheadMinutes: 48 * 60,
    gateClosureMinutes: 5,
    closingCallMinutes: 0,
    feedInMicroPerKwh: band.feedInMicroPerKwh.toString(),
    retailMicroPerKwh: band.retailMicroPerKwh.toString(),
    mode: 'continuous',
    pairs,
  };
}

export async function configureNeighbourhood(client: AmpoolClient, operator: Credentials, id: string, area: AreaBody): Promise<{ id: string; version: number }> {
  const { area: configured } = await politely(() => configureArea(client, operator, id, area));
  return { id: configured.id, version: configured.version };
}
