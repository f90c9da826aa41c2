/**
 * Ride market through the real service and database (issue 4), plus the engine's search
 * figures from `rides.bench.ts`, in one JSON line.
 *
 *   npm run bench:rides -- --json [--bookings N] [--concurrency N] [--trips N] [--no-engine]
 *
 * Boots identity, settlement and ride-market as processes on a fresh database and a private
 * nats-server (bench-system.ts). Publishes `--trips` trips (default 400, 64 seats each) and funds
 * 64 riders, then sends `--bookings` booking requests (default 12,000: instant, one seat, whole
 * route) over NATS to ride-market, `--concurrency` in flight (default 256): each is the whole
 * saga (seats in PostgreSQL, hold in settlement, confirmation with its events). Prints
 * `bookingsPerSec` (confirmed bookings ÷ wall time), booking latency p50/p99, and the search
 * latency through the gateway (signed `POST /v1/rides/search` against the same trips:
 * `--warmup-searches` (250) first, reported apart — they open the client's connections and
 * warm the caches — then `--searches` (5,000) timed, `--search-concurrency` (16) in flight).
 * `--no-engine` skips the engine-level search run.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BookingCreate, DepositCreate, TripPublish } from '@ampool/contracts';
import { registerParticipant, searchRides, newKeyHolder } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { connectNats, RpcClient } from '@ampool/messaging';
import { startBenchSystem } from '../bench-system';
import { machine, percentile } from '../machine';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUT = args.includes('--json');
const BOOKINGS = flag('bookings', 12_000);
const CONCURRENCY = flag('concurrency', 256);
const TRIPS = flag('trips', 400);
const SEARCHES = flag('searches', 5_000);
const WARMUP_SEARCHES = flag('warmup-searches', 250);
const SEARCH_CONCURRENCY = flag('search-concurrency', 16);
const INSTANCES = flag('instances', 1);
const log = (line: string) => process.stderr.write(`[bench:rides] ${line}\n`);

async function main(): Promise<void> {
  let engine: Record<string, unknown> = {};
  if (!args.includes('--no-engine')) {
    log('engine search over 50,000 trips ...');
    const out = execFileSync(process.execPath, [join(__dirname, 'rides.bench.js'), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const parsed = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
    engine = { searchP50Ms: parsed.searchP50Ms, searchP99Ms: parsed.searchP99Ms, engine: parsed };
  }

  const sys = await startBenchSystem(['identity', 'settlement', 'ride-market'], log, {}, INSTANCES);
  try {
    const nc = await connectNats({ servers: [sys.natsUrl], name: 'bench-rides' });
    const rpc = new RpcClient(nc, 30_000);
    const driver = newKeyHolder().keyId;
    const departure = Date.now() + 48 * 3_600_000;
    const route: [number, number][] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];
    const tripIds: string[] = [];
    for (let i = 0; i < TRIPS; i++) {
      const trip = await rpc.request(TripPublish, {
        id: uuidv7(), driver, route: route.map(([lat, lon]) => [lat + (i % 20) * 0.002, lon] as [number, number]),
        departureAt: new Date(departure + i * 60_000), arrivalAt: new Date(departure + i * 60_000 + 20 * 60_000), vehicleCapacity: 64, seatsOffered: 64,
        pricing: { kind: 'per-seat', pricePerSeatMicro: 6_000_000n }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
      });
      tripIds.push(trip.trip.id);
    }
    const riders = Array.from({ length: 64 }, () => newKeyHolder().keyId);
    const actor = `operator:${uuidv7()}`;
    for (const r of riders) await rpc.request(DepositCreate, { id: uuidv7(), participant: r, amountMicro: 10n ** 12n, actor });
    log(`${TRIPS} trips, ${riders.length} riders funded; ${BOOKINGS} bookings, ${CONCURRENCY} in flight ...`);

    const latencies: number[] = [];
    let confirmed = 0;
    let refused = 0;
    let next = 0;
    const started = process.hrtime.bigint();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= BOOKINGS) return;
        const trip = tripIds[i % tripIds.length]!;
        const lat = 48.8502 + ((i % tripIds.length) % 20) * 0.002;
        const t0 = process.hrtime.bigint();
        try {
          const b = await rpc.request(BookingCreate, { id: uuidv7(), tripId: trip, rider: riders[i % riders.length]!, pickup: [lat, 2.301], dropoff: [lat, 2.399], seats: 1 });
          if (b.booking.state === 'confirmed') confirmed++;
        } catch {
          refused++;
        }
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`${confirmed} confirmed, ${refused} refused in ${seconds.toFixed(1)} s`);

    // Search through the gateway, signed, against the trips above.
    let searchThroughGateway: Record<string, number> | { skipped: string } = { skipped: 'needs a rider; see README' };
    try {
      const searcher = await registerParticipant(sys.client, 'rider', 'bench rider');
      await sys.client.post(`/v1/participants/${searcher.did}/approve`, { reason: 'bench' }, sys.operator);
      const body = (n: number) => {
        const lat = 48.8502 + (n % 20) * 0.002;
        return {
          pickup: [lat, 2.31] as [number, number], dropoff: [lat, 2.39] as [number, number],
          earliestDepartureAt: new Date(departure).toISOString(), latestDepartureAt: new Date(departure + 8 * 3_600_000).toISOString(), seats: 1,
        };
      };
      // A run of `count` searches, SEARCH_CONCURRENCY in flight; each one's latency.
      const run = async (count: number) => {
        const times: number[] = [];
        let k = 0;
        const sworker = async () => {
          for (;;) {
            const n = k++;
            if (n >= count) return;
            const t0 = process.hrtime.bigint();
            await searchRides(sys.client, searcher.key, body(n));
            times.push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
        };
        const started = process.hrtime.bigint();
        await Promise.all(Array.from({ length: SEARCH_CONCURRENCY }, sworker));
        return { times, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
      };
      // The first wave opens the client's connections, resolves the rider's key in the
      // gateway's identity cache and warms the code: reported apart, not mixed into the steady figures.
      const warm = await run(WARMUP_SEARCHES);
      const steady = await run(SEARCHES);
      searchThroughGateway = {
        gatewaySearchP50Ms: round(percentile(steady.times, 50)), gatewaySearchP99Ms: round(percentile(steady.times, 99)),
        gatewaySearchesPerSec: Math.round(SEARCHES / steady.seconds), gatewaySearchConcurrency: SEARCH_CONCURRENCY,
        gatewayWarmupSearches: WARMUP_SEARCHES, gatewayWarmupMaxMs: round(Math.max(...warm.times)), gatewayWarmupP50Ms: round(percentile(warm.times, 50)),
      };
    } catch (error) {
      searchThroughGateway = { skipped: (error as Error).message };
    }
    await nc.drain();

    const result = {
      benchmark: 'rides',
      ...engine,
      bookingsPerSec: Math.round(confirmed / seconds),
      bookingsConfirmed: confirmed,
      bookingsRefused: refused,
      bookingP50Ms: round(percentile(latencies, 50)),
      bookingP99Ms: round(percentile(latencies, 99)),
      concurrency: CONCURRENCY,
      ...searchThroughGateway,
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(result, null, JSON_OUT ? undefined : 2)}\n`);
  } finally {
    await sys.stop();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
