import { fillValueMicro } from '@ampool/domain';

/** One household-interval, as the KPIs need it (what the system's own data says). */
export interface KpiInput {
  zone: string;
  startMs: number;
  loadWh: bigint;
  pvWh: bigint;
  importWh: bigint;
  exportWh: bigint;
  /** Energy bought from neighbours in the market, and what it cost. */
  boughtLocalWh: bigint;
  boughtLocalMicro: bigint;
  /** Energy sold to neighbours, and what it earned. */
  soldLocalWh: bigint;
  soldLocalMicro: bigint;
}

export interface Tariffs {
  retailMicroPerKwh: bigint;
  feedInMicroPerKwh: bigint;
}

export interface EnergyKpis {
  /** Share of the neighbourhood's consumption covered by its own production (0–1). */
  selfSufficiency: number;
  /** Share of the neighbourhood's production consumed within it (0–1). */
  selfConsumption: number;
  /** What households paid against a retail-only baseline (everything bought from the utility, nothing sold): positive = saved, µ-currency. */
  savingsMicro: bigint;
  /** The largest import of any zone in one interval, Wh. */
  peakImportWhByZone: Record<string, bigint>;
}

/**
 * Energy KPIs of a neighbourhood. A household's import that a neighbour sold it counts as
 * local; the rest came from the utility at retail, and unsold export went to it at feed-in.
 */
export function energyKpis(rows: readonly KpiInput[], tariffs: Tariffs): EnergyKpis {
  let load = 0n;
  let pv = 0n;
  let gridImport = 0n;
  let gridExport = 0n;
  let boughtLocal = 0n;
  let soldLocal = 0n;
  let actualCost = 0n;
  let baselineCost = 0n;
  const zoneInterval = new Map<string, bigint>();
  for (const r of rows) {
    load += r.loadWh;
    pv += r.pvWh;
    gridImport += r.importWh;
    gridExport += r.exportWh;
    boughtLocal += r.boughtLocalWh;
    soldLocal += r.soldLocalWh;
    const fromUtility = r.importWh - r.boughtLocalWh;
    const toUtility = r.exportWh - r.soldLocalWh;
    actualCost +=
      fillValueMicro(tariffs.retailMicroPerKwh, fromUtility > 0n ? fromUtility : 0n) +
      r.boughtLocalMicro -
      r.soldLocalMicro -
      fillValueMicro(tariffs.feedInMicroPerKwh, toUtility > 0n ? toUtility : 0n);
    baselineCost += fillValueMicro(tariffs.retailMicroPerKwh, r.loadWh);
    const key = `${r.zone}|${r.startMs}`;
    zoneInterval.set(key, (zoneInterval.get(key) ?? 0n) + r.importWh);
  }
  const peakImportWhByZone: Record<string, bigint> = {};
  for (const [key, wh] of zoneInterval) {
    const zone = key.slice(0, key.indexOf('|'));
    if (wh > (peakImportWhByZone[zone] ?? -1n)) peakImportWhByZone[zone] = wh;
  }
  // Consumption met from the neighbourhood: what was not imported from the utility.
  const fromUtility = gridImport - boughtLocal;
  const producedAndUsedLocally = pv - (gridExport - soldLocal);
  return {
    selfSufficiency: load === 0n ? 0 : ratio(load - fromUtility, load),
    selfConsumption: pv === 0n ? 0 : ratio(producedAndUsedLocally, pv),
    savingsMicro: baselineCost - actualCost,
    peakImportWhByZone,
  };
}

/** Ride KPIs: seats filled, and the car kilometres (and CO₂) not driven because people rode along. */
export function rideKpis(rides: readonly { seatsOffered: number; seatsBooked: number; sharedKm: number }[], gramsCo2PerKm = 120) {
  const offered = rides.reduce((s, r) => s + r.seatsOffered, 0);
  const booked = rides.reduce((s, r) => s + r.seatsBooked, 0);
  const kmSaved = rides.reduce((s, r) => s + r.sharedKm, 0);
  return { seatsFilled: offered === 0 ? 0 : booked / offered, kmSaved, co2SavedKg: (kmSaved * gramsCo2PerKm) / 1000 };
}

/** A share (0–1) of two energies: a KPI, not money, so a float is the right type here. */
function ratio(a: bigint, b: bigint): number {
  return Math.max(0, Math.min(1, Number(a) / Number(b)));
}
