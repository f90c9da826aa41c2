import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { energyKpis, renderChart, rideKpis, type KpiInput, type PriceBand } from '@ampool/simulation';
import type { CityStats } from '../city/city';
import type { NeighbourhoodStats } from '../neighbourhood/neighbourhood';
import { kwh, money } from '../support/money';

export interface RunFacts {
  households: number;
  drivers: number;
  riders: number;
  zones: readonly string[];
  seed: number;
  simStartMs: number;
  simEndMs: number;
  realMs: number;
  band: PriceBand;
}

/** The KPIs of a run, from what the system answered and what the meters read. */
export function runKpis(rows: readonly KpiInput[], band: PriceBand, city: CityStats) {
  return {
    energy: energyKpis(rows, band),
    rides: rideKpis([{ seatsOffered: city.seatsOffered, seatsBooked: city.bookingsConfirmed - city.bookingsCancelled, sharedKm: city.sharedKm }]),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * Writes the run's report into `dir`: `report.md` with the KPIs and what the markets did, and
 * SVG charts beside it (prices, volumes, production against consumption, import per zone).
 * Returns the markdown's path.
 */
export function writeReport(dir: string, facts: RunFacts, rows: readonly KpiInput[], energy: NeighbourhoodStats, city: CityStats): string {
  mkdirSync(dir, { recursive: true });
  const kpis = runKpis(rows, facts.band, city);
  const intervals = [...energy.byInterval.entries()].sort((a, b) => a[0] - b[0]);
  const charts: [string, string][] = [
    ['prices.svg', renderChart({
      title: 'Average traded price per delivery interval', yLabel: 'per kWh', kind: 'line',
      series: [{ name: 'neighbourhood', points: intervals.filter(([, v]) => v.wh > 0n).map(([t, v]) => [t, Number((v.micro * 1000n) / v.wh) / 1e6]) }],
    })],
    ['volumes.svg', renderChart({
      title: 'Energy traded between neighbours', yLabel: 'kWh', kind: 'bar',
      series: [{ name: 'traded', points: intervals.map(([t, v]) => [t, Number(v.wh) / 1000]) }],
    })],
    ['production.svg', renderChart({
      title: 'Production and consumption (all zones)', yLabel: 'kWh per interval', kind: 'line',
      series: (['pvWh', 'loadWh', 'importWh', 'exportWh'] as const).map((field) => ({
        name: { pvWh: 'PV', loadWh: 'consumption', importWh: 'grid import', exportWh: 'grid export' }[field],
        points: sumByTime(rows, (r) => r[field]),
      })),
    })],
    ['import-by-zone.svg', renderChart({
      title: 'Grid import per zone', yLabel: 'kWh per interval', kind: 'line',
      series: facts.zones.map((zone) => ({ name: zone, points: sumByTime(rows.filter((r) => r.zone === zone), (r) => r.importWh) })),
    })],
  ];
  for (const [name, svg] of charts) writeFileSync(join(dir, name), svg);

  const refused = (r: Record<string, number>) => Object.entries(r).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  const lines = [
    `# Ampool simulation report`,
    '',
    `${facts.households} households in ${facts.zones.length} zones (${facts.zones.join(', ')}), ${facts.drivers} drivers and ${facts.riders} riders, seed ${facts.seed}.`,
    `Simulated ${new Date(facts.simStartMs).toISOString()} to ${new Date(facts.simEndMs).toISOString()} (${((facts.simEndMs - facts.simStartMs) / 86_400_000).toFixed(2)} days) in ${(facts.realMs / 1000).toFixed(1)} s of real time.`,
    '',
    '## Energy',
    '',
    '| KPI | value |',
    '| --- | --- |',
    `| local self-sufficiency | ${pct(kpis.energy.selfSufficiency)} |`,
    `| self-consumption | ${pct(kpis.energy.selfConsumption)} |`,
    `| household savings against retail only | ${money(kpis.energy.savingsMicro)} |`,
    ...Object.entries(kpis.energy.peakImportWhByZone).map(([zone, wh]) => `| peak import in ${zone} | ${kwh(wh)} kWh in one interval |`),
    `| orders accepted | ${energy.ordersAccepted.toLocaleString('en-GB')} |`,
    `| orders refused | ${refused(energy.ordersRefused)} |`,
    `| trades | ${energy.trades.toLocaleString('en-GB')}, ${kwh(energy.tradedWh)} kWh worth ${money(energy.tradedMicro)} |`,
    `| meter readings stored | ${energy.readingsStored.toLocaleString('en-GB')} (refused: ${refused(energy.readingsRefused)}) |`,
    '',
    '## Rides',
    '',
    '| KPI | value |',
    '| --- | --- |',
    `| trips published | ${city.tripsPublished} (${city.tripsCancelled} cancelled by their drivers), ${Math.round(city.tripKm)} km |`,
    `| seats offered | ${city.seatsOffered} |`,
    `| searches (with offers) | ${city.searches} (${city.searchesWithOffers}) |`,
    `| bookings confirmed | ${city.bookingsConfirmed} (${city.bookingsApproved} after driver approval, ${city.bookingsRequested - city.bookingsApproved} requests left to expire) |`,
    `| bookings cancelled by riders | ${city.bookingsCancelled} |`,
    `| seats filled | ${pct(kpis.rides.seatsFilled)} |`,
    `| km shared (not driven alone) | ${Math.round(kpis.rides.kmSaved)} km, ${kpis.rides.co2SavedKg.toFixed(1)} kg CO₂ |`,
    `| trip proofs accepted | ${city.proofsAccepted} (riders planned not to show up: ${city.plannedNoShows}) |`,
    `| refused | ${refused(city.refused)} |`,
    '',
    '## Charts',
    '',
    ...charts.map(([name]) => `![${name}](${name})`),
    '',
    'Definitions: self-sufficiency is the share of consumption not bought from the utility; self-consumption the share of PV',
    'production used within the neighbourhood; savings compare what households paid (utility at retail, neighbours at the',
    'traded price, minus sales) with buying everything at retail. Seats filled counts confirmed bookings still standing.',
    '',
  ];
  const path = join(dir, 'report.md');
  writeFileSync(path, lines.join('\n'));
  return path;
}

function sumByTime(rows: readonly KpiInput[], value: (r: KpiInput) => bigint): [number, number][] {
  const sums = new Map<number, bigint>();
  for (const r of rows) sums.set(r.startMs, (sums.get(r.startMs) ?? 0n) + value(r));
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, wh]) => [t, Number(wh) / 1000]);
}
