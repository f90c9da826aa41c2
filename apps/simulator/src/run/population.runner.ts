import type { NatsConnection } from '@nats-io/transport-node';
import type { AmpoolClient, Credentials } from '@ampool/client';
import { neighbourhood, syntheticCity, type PriceBand } from '@ampool/simulation';
import { City } from '../city/city';
import { Neighbourhood } from '../neighbourhood/neighbourhood';
import { configureNeighbourhood, neighbourhoodArea } from '../population/market-area';
import { onboardAll, onboardHousehold, onboardParticipant } from '../population/onboarding';
import { writeReport } from '../report/report';
import { kwh, money } from '../support/money';
import { SimTime } from '../time/sim-time';

export interface PopulationOptions {
  mode: 'live' | 'headless';
  households: number;
  drivers: number;
  riders: number;
  seed: number;
  zones: readonly string[];
  band: PriceBand;
  intervalMinutes: number;
  /** Simulated start, on an interval boundary. */
  startMs: number;
  /** Live: simulated ms per real ms. */
  rate: number;
  /** Headless: how long to simulate. Live runs until stopped. */
  days: number;
  concurrency: number;
  reportDir: string;
}

const HOUSEHOLD_DEPOSIT = 200_000_000n; // 200.00: a season of buying from neighbours
const RIDER_DEPOSIT = 300_000_000n;
/** Headless meters upload hourly (four readings at once), as a P1 gateway with a backlog would. */
const HEADLESS_UPLOAD_EVERY = 4;
/** Time for a new clock setting to reach every service before the step's requests go out. */
const STEP_SETTLE_MS = 25;

/**
 * The demo's population: households trading energy and a city sharing rides, all through the
 * public API with their own keys, on shared simulated time. Live runs flow at `rate` and print
 * a line per simulated hour; headless runs step as fast as the system answers and end with a
 * report.
 */
export async function runPopulation(client: AmpoolClient, operator: Credentials, nc: NatsConnection, o: PopulationOptions, say: (line: string) => void): Promise<string | undefined> {
  const intervalMs = o.intervalMinutes * 60_000;
  if (o.startMs % intervalMs !== 0) throw new RangeError('the simulated start must be on an interval boundary');
  const time = new SimTime(nc, { simAtMs: o.startMs, realAtMs: Date.now(), rate: 0 });
  await time.stepTo(o.startMs);
  const t0 = Date.now();

  const area = await configureNeighbourhood(client, operator, 'neighbourhood', neighbourhoodArea(o.zones, o.band));
  say(`market area ${area.id} v${area.version}: zones ${o.zones.join(', ')}; ${o.zones.at(-1)} hangs off ${o.zones[0]} by a constrained link`);
  const specs = neighbourhood(o.seed, o.households, o.zones);
  const city = syntheticCity(o.seed, o.drivers, o.riders);
  say(`onboarding ${o.households} households, ${o.drivers} drivers and ${o.riders} riders through the API…`);
  const households = await onboardAll(specs, o.concurrency, (spec) => onboardHousehold(client, operator, spec, HOUSEHOLD_DEPOSIT), 'households');
  const drivers = await onboardAll(city.drivers, o.concurrency, (d) => onboardParticipant(client, operator, 'driver', `Driver ${d.id + 1}`, 0n), 'drivers');
  const riders = await onboardAll(city.riders, o.concurrency, (r) => onboardParticipant(client, operator, 'rider', `Rider ${r.id + 1}`, RIDER_DEPOSIT), 'riders');
  say(`population ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (every member registered with its own key, approved and funded)`);

  const hood = new Neighbourhood(client, households, { intervalMinutes: o.intervalMinutes, leadIntervals: 2, band: o.band }, o.seed, o.concurrency, o.startMs);
  const rides = new City(client, city, drivers, riders, o.seed, o.concurrency);
  const endMs = o.mode === 'headless' ? o.startMs + Math.round(o.days * 86_400_000 / intervalMs) * intervalMs : Infinity;
  const steps = o.mode === 'headless' ? (endMs - o.startMs) / intervalMs : 0;
  const runStart = Date.now();

  // The first boundary: nothing has been metered yet; households trade ahead.
  await hood.atBoundary(o.startMs, false, false);
  await rides.advance(o.startMs - intervalMs, o.startMs);
  if (o.mode === 'live') await time.run(o.rate, o.startMs);

  let boundary = o.startMs;
  let step = 0;
  let lastHour = Math.floor(o.startMs / 3_600_000);
  while (boundary + intervalMs <= endMs) {
    const next = boundary + intervalMs;
    if (o.mode === 'live') {
      await sleep(time.realMsUntil(next));
    } else {
      await time.stepTo(next);
      await sleep(STEP_SETTLE_MS);
    }
    step++;
    const upload = o.mode === 'live' || step % HEADLESS_UPLOAD_EVERY === 0;
    await hood.atBoundary(next, upload);
    await rides.advance(boundary, next);
    boundary = next;
    say(`time ${new Date(boundary).toISOString()}${steps ? ` step ${step}/${steps}` : ''}`);
    const hour = Math.floor(boundary / 3_600_000);
    if (hour !== lastHour) {
      lastHour = hour;
      const s = hood.stats;
      const avg = s.tradedWh > 0n ? money((s.tradedMicro * 1000n) / s.tradedWh) : '–';
      say(`summary ${new Date(boundary).toISOString().slice(0, 16).replace('T', ' ')} · ${s.trades} trades, ${kwh(s.tradedWh)} kWh, avg ${avg}/kWh · ${rides.stats.tripsPublished} trips, ${rides.stats.bookingsConfirmed} bookings`);
    }
  }
  await hood.uploadPending();
  const realMs = Date.now() - runStart;
  const path = writeReport(o.reportDir, {
    households: o.households, drivers: o.drivers, riders: o.riders, zones: o.zones, seed: o.seed, simStartMs: o.startMs, simEndMs: boundary, realMs, band: o.band,
  }, hood.kpiRows, hood.stats, rides.stats);
  say(`report ${path} (${steps} intervals in ${(realMs / 1000).toFixed(1)} s)`);
  return path;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, Math.min(ms, 2_147_000_000))));
}
