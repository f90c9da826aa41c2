import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { connect } from '@nats-io/transport-node';
import {
  AmpoolClient,
  bookSeats,
  configureArea,
  newKeyHolder,
  publishTrip,
  registerDevice,
  registerParticipant,
  searchRides,
  submitOrder,
  submitOrders,
  uploadReadings,
  type AreaBody,
  type Credentials,
  type OrderBody,
  type RegisteredParticipant,
  type TradeWire,
  type UploadingDevice,
} from '@ampool/client';
import { EntryCommitted, HoldPlaced, TradeExecuted } from '@ampool/contracts';
import { SUBMIT_SUBJECT } from '@ampool/ledger';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { startBenchSystem } from '../bench-system';
import { machine, percentile } from '../machine';

/**
 * The whole system under stepped load, driven only through the public gateway as real clients
 * drive it (issue 10, "Load").
 *
 *   npm run bench:e2e -- --json [--participants 2000] [--steps 25,50,100,200,400,800,1600,3200]
 *     [--step-seconds 10] [--modes single,batch] [--batch 50] [--profile DIR]
 *     [--instances 1] [--areas 1]
 *
 * Boots identity, energy-market, settlement, the three ledger validators, ride-market,
 * metering and the gateway as processes on a fresh database and a private nats-server
 * (bench-system.ts). Before anything is timed it registers `--participants` households (each
 * its own Ed25519 key, approved by the operator through the API), half of them sellers with a
 * PV inverter and half buyers with a deposit, plus drivers with trips, riders and meters.
 *
 * Each step offers a fixed rate of energy orders (open loop: a 20 ms clock issues what is due)
 * across four zones and three delivery intervals, sells and buys whose prices cross, beside
 * a small share of ride searches, bookings and meter readings. Mode `single` signs one HTTP
 * request per order; mode `batch` signs one request per `--batch` orders of one household.
 * Latency is order accepted (the gateway's answer naming the trade) → the trade's
 * `evt.ledger.entry.committed.v1`, which validators publish only once a quorum has signed the
 * block holding it (timed on this process's own NATS connection). CPU per process is read
 * from /proc/<pid>/stat before and after each step (step and its drain), also as CPU ms per
 * accepted order (steadier than percentages on a shared machine), with an idle baseline taken
 * before the first step. `stageAfterAcceptMs` says where the time goes: when the market's
 * `trade.executed`, the relay's ledger entry, settlement's `hold.placed` and finality arrive
 * after the order's acceptance.
 *
 * A mode stops stepping once a step breaks: p99 order → final above `--break-p99-ms` (2000),
 * fewer than 90% of offered orders accepted, or trades not final within 60 s of the step's end.
 * One JSON line per step; the last line is the summary: per mode its best unbroken step (or,
 * when even the first step broke, that step, with `withinLatencyLimit: false`), and the best
 * mode's figures at the top level.
 *
 * `--instances N` runs N instances of every service but the ledger validators, and N gateways
 * that the clients take turns on; `--areas N` splits the zones into N areas (the energy
 * market's unit of scale-out: one writer per area). Run with 1 and 2 instances side by side to
 * see what scale-out buys on one machine and what it costs.
 *
 * `--profile DIR` starts every service with `node --cpu-prof` writing into DIR (through
 * AMPOOL_CPU_PROF_DIR, which the bootstrap's spawnApp honours).
 */
const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const PARTICIPANTS = Number(opt('participants', '2000'));
const STEPS = opt('steps', '25,50,100,200,400,800,1600,3200').split(',').map(Number);
const STEP_SECONDS = Number(opt('step-seconds', '10'));
const MODES = opt('modes', 'single,batch').split(',') as ('single' | 'batch')[];
const BATCH = Number(opt('batch', '50'));
const BREAK_P99_MS = Number(opt('break-p99-ms', '2000'));
const PROFILE_DIR = opt('profile', '');
const MAX_IN_FLIGHT = Number(opt('max-in-flight', '4000'));
const ZONES = ['e2e-a', 'e2e-b', 'e2e-c', 'e2e-d'];
const INSTANCES = Number(opt('instances', '1'));
const AREAS = Math.min(ZONES.length, Math.max(1, Number(opt('areas', '1'))));
const INTERVALS = 3;
const DRIVERS = 20;
const RIDERS = 100;
const METERS = 100;
const log = (line: string) => process.stderr.write(`[bench:e2e] ${line}\n`);

/** The zones split into `--areas` areas, each with a fee between its own zones. */
const AREA_BODIES: [string, AreaBody][] = Array.from({ length: AREAS }, (_, a) => {
  const zones = ZONES.filter((_z, i) => i % AREAS === a);
  return [AREAS === 1 ? 'e2e' : `e2e-${a + 1}`, {
    zones, intervalMinutes: 15, openAheadMinutes: 24 * 60, gateClosureMinutes: 0, closingCallMinutes: 0,
    feedInMicroPerKwh: '50000', retailMicroPerKwh: '400000', mode: 'continuous',
    pairs: zones.flatMap((from) => zones.map((to) => ({ from, to, gridFeeMicroPerKwh: from === to ? '0' : '5000', transferCapacityWh: null }))),
  }];
});
const HOUR = 3_600_000;
const ROUTE: [number, number][] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];
const PICKUP: [number, number] = [48.8502, 2.31];
const DROPOFF: [number, number] = [48.8502, 2.39];

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

interface Seller extends RegisteredParticipant { device: string }

async function main(): Promise<void> {
  if (PROFILE_DIR) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    process.env.AMPOOL_CPU_PROF_DIR = PROFILE_DIR;
  }
  // Households wait for an operator's approval, as in production.
  const sys = await startBenchSystem(['identity', 'energy-market', 'settlement', 'ledger', 'ride-market', 'metering'], log, { identity: { AUTO_APPROVE_ROLES: '' } }, INSTANCES);
  const nc = await connect({ servers: sys.natsUrl, name: 'bench-e2e' });
  try {
    const { client, operator } = sys;
    log(`processes: ${sys.processes.map((p) => `${p.name}=${p.pid}`).join(' ')}`);
    for (const [id, body] of AREA_BODIES) await configureArea(client, operator, id, body);
    // Timed requests take turns on the gateways.
    let turn = 0;
    const gw = () => sys.clients[turn++ % sys.clients.length]!;

    // ---- participants, before anything is timed
    const t0 = performance.now();
    const approve = async (p: RegisteredParticipant) => {
      await client.post(`/v1/participants/${p.did}/approve`, {}, operator);
      return p;
    };
    const fund = (did: string, micro: bigint) => client.post('/v1/deposits', { id: uuidv7(), participant: did, amountMicro: micro.toString() }, operator);
    const households = await pool(Array.from({ length: PARTICIPANTS }), 32, async (_, i) => approve(await registerParticipant(client, 'household', `bench ${i}`)));
    const sellers: Seller[] = await pool(households.slice(0, PARTICIPANTS / 2), 32, async (p) => ({
      ...p,
      device: (await registerDevice(client, p, 'pv_inverter', { powerW: 4_000_000n, capacityWh: 0n, reserveWh: 0n })).did,
    }));
    const buyers = households.slice(PARTICIPANTS / 2);
    await pool(buyers, 32, (b) => fund(b.did, 1_000_000_000_000n));
    const drivers = await pool(Array.from({ length: DRIVERS }), 8, async (_, i) => approve(await registerParticipant(client, 'driver', `driver ${i}`)));
    const riders = await pool(Array.from({ length: RIDERS }), 16, async (_, i) => approve(await registerParticipant(client, 'rider', `rider ${i}`)));
    await pool(riders, 16, (r) => fund(r.did, 10_000_000_000n));
    const departure = Date.now() + 48 * HOUR;
    const trips = await pool(drivers.flatMap((d) => Array.from({ length: 5 }, () => d)), 8, (d, i) => publishTrip(client, d.key, {
      id: uuidv7(), route: ROUTE, departureAt: new Date(departure + i * 60_000).toISOString(), arrivalAt: new Date(departure + i * 60_000 + 20 * 60_000).toISOString(),
      vehicleCapacity: 64, seatsOffered: 64, pricing: { kind: 'per-seat', pricePerSeatMicro: '6000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
    }));
    const meters: (UploadingDevice & { n: number; lastMs: number })[] = await pool(households.slice(0, METERS), 16, async (owner) => {
      const m = await registerDevice(client, owner, 'meter', { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n });
      return { did: m.did, key: m.key, n: 0, lastMs: 0 };
    });
    const setupSeconds = (performance.now() - t0) / 1000;
    log(`set up ${households.length} households, ${drivers.length} drivers (${trips.length} trips), ${riders.length} riders, ${meters.length} meters in ${setupSeconds.toFixed(1)} s`);

    let first = nextIntervalStartMs(Date.now());
    if (first - Date.now() < 5 * 60_000) first = nextIntervalStartMs(first);
    const intervals = Array.from({ length: INTERVALS }, (_, i) => new Date(first + i * 15 * 60_000).toISOString());

    // ---- each stage of a trade, timed on this process's own connection: executed (the market's
    // event), submitted to the ledger (the relay's entry), held (settlement), final (quorum).
    const finalAt = new Map<string, number>();
    const stageAt = { executed: new Map<string, number>(), submitted: new Map<string, number>(), held: new Map<string, number>() };
    const mark = (m: Map<string, number>, id: string, at: number) => {
      if (!m.has(id)) m.set(id, at);
    };
    nc.subscribe(EntryCommitted.subject, {
      callback: (_err, msg) => {
        const now = performance.now();
        const d = (msg.json() as { data: { type: string; subjectId: string } }).data;
        if (d.type === 'energy.trade') mark(finalAt, d.subjectId, now);
      },
    });
    nc.subscribe(TradeExecuted.subject, { callback: (_err, msg) => mark(stageAt.executed, (msg.json() as { data: { id: string } }).data.id, performance.now()) });
    nc.subscribe(HoldPlaced.subject, { callback: (_err, msg) => mark(stageAt.held, (msg.json() as { data: { reference: { id: string } } }).data.reference.id, performance.now()) });
    nc.subscribe(SUBMIT_SUBJECT, {
      callback: (_err, msg) => {
        const now = performance.now();
        // The entry carries its payload as canonical JSON text.
        const e = msg.json() as { type: string; payload: string };
        const id = e.type === 'energy.trade' ? /"id":"([0-9a-f-]{36})"/.exec(e.payload)?.[1] : undefined;
        if (id) mark(stageAt.submitted, id, now);
      },
    });

    const rnd = (n: number) => Math.floor(Math.random() * n);
    const order = (side: 'buy' | 'sell', device?: string): OrderBody => ({
      id: uuidv7(), side, zone: ZONES[rnd(ZONES.length)]!, intervalStart: intervals[rnd(INTERVALS)]!, quantityWh: '100',
      limitPriceMicroPerKwh: String(side === 'sell' ? 180_000 + rnd(41) * 1_000 : 190_000 + rnd(51) * 1_000),
      ...(device ? { device } : {}),
    });

    // What each process burns with no load at all (timers, polling), to read the steps against.
    const idleBefore = sys.processes.map((p) => cpuTicks(p.pid));
    await new Promise((r) => setTimeout(r, 5_000));
    const idleCpu = Object.fromEntries(sys.processes.map((p, i) => {
      const b = idleBefore[i];
      const a = cpuTicks(p.pid);
      return [p.name, b === null || b === undefined || a === null ? null : Math.round(((a - b) / TICKS_PER_SECOND / 5) * 100)];
    }));
    log(`idle CPU (% of one core): ${JSON.stringify(idleCpu)}`);

    const steps: Record<string, unknown>[] = [];
    const best: Record<string, Record<string, unknown> | null> = {};
    for (const mode of MODES) {
      best[mode] = null;
      for (const rate of STEPS) {
        const r = await runStep(mode, rate);
        steps.push(r);
        if (!JSON_OUT) log(JSON.stringify(r));
        process.stdout.write(`${JSON.stringify(r)}\n`);
        // Even the first step broke: it is still the mode's figure, marked as such.
        if (r.broken) {
          best[mode] ??= r;
          break;
        }
        best[mode] = r;
      }
    }

    async function runStep(mode: 'single' | 'batch', rate: number): Promise<Record<string, unknown>> {
      const acceptedAt = new Map<string, number>(); // trade id → when its order was accepted
      let offered = 0;
      let accepted = 0;
      let rejected = 0;
      let failed = 0;
      let shed = 0;
      let inFlight = 0;
      let side = 0;
      const submitMs: number[] = [];
      const side_ = { searches: 0, searchFailed: 0, bookings: 0, bookingFailed: 0, readings: 0, readingFailed: 0 };
      const pending = new Set<Promise<unknown>>();
      const track = (p: Promise<unknown>) => {
        pending.add(p);
        void p.finally(() => pending.delete(p));
      };
      const onTrades = (trades: TradeWire[], at: number) => {
        for (const t of trades) acceptedAt.set(t.id, at);
      };
      const errors = new Map<string, number>();
      const fail = (e: unknown) => {
        const err = e as { code?: unknown; name?: string; message?: string };
        const key = err.name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : typeof err.code === 'string' ? err.code : (err.message?.slice(0, 60) ?? String(e));
        errors.set(key, (errors.get(key) ?? 0) + 1);
      };

      const sendOrders = (n: number) => {
        const s = performance.now();
        inFlight += n;
        offered += n;
        const sell = side++ % 2 === 0;
        let p: Promise<unknown>;
        if (mode === 'single') {
          const who = sell ? sellers[rnd(sellers.length)]! : buyers[rnd(buyers.length)]!;
          p = submitOrder(gw(), who, order(sell ? 'sell' : 'buy', sell ? (who as Seller).device : undefined)).then((res) => {
            const at = performance.now();
            accepted++;
            submitMs.push(at - s);
            onTrades(res.trades, at);
          });
        } else {
          const who = sell ? sellers[rnd(sellers.length)]! : buyers[rnd(buyers.length)]!;
          const orders = Array.from({ length: n }, () => order(sell ? 'sell' : 'buy', sell ? (who as Seller).device : undefined));
          p = submitOrders(gw(), who, orders).then((results) => {
            const at = performance.now();
            submitMs.push(at - s);
            for (const r of results) {
              if (r.status === 'accepted') {
                accepted++;
                onTrades(r.trades, at);
              } else {
                rejected++;
                errors.set(r.code, (errors.get(r.code) ?? 0) + 1);
              }
            }
          });
        }
        track(p.catch((e) => {
          failed += n;
          fail(e);
        }).finally(() => (inFlight -= n)));
      };

      // A small share of the other markets' traffic beside the orders.
      const sideTraffic = (k: number) => {
        if (k % 20 === 0) {
          side_.searches++;
          track(searchRides(gw(), riders[rnd(riders.length)]!.key, {
            pickup: PICKUP, dropoff: DROPOFF, earliestDepartureAt: new Date(departure - HOUR).toISOString(), latestDepartureAt: new Date(departure + 3 * HOUR).toISOString(), seats: 1,
          }).catch((e) => { side_.searchFailed++; fail(e); }));
        }
        if (k % 100 === 50) {
          side_.bookings++;
          track(bookSeats(gw(), riders[rnd(riders.length)]!.key, { id: uuidv7(), tripId: trips[rnd(trips.length)]!.id, pickup: PICKUP, dropoff: DROPOFF, seats: 1 })
            .catch((e) => { side_.bookingFailed++; fail(e); }));
        }
        if (k % 20 === 10) {
          side_.readings++;
          const m = meters[rnd(meters.length)]!;
          // A live meter: each upload is its reading of now (at least a second after its last).
          const n = m.n++;
          m.lastMs = Math.max(Date.now(), m.lastMs + 1_000);
          track(uploadReadings(gw(), m, [{ atMs: m.lastMs, importWh: 1_000_000n + BigInt(n) * 3n, exportWh: 0n }])
            .catch((e) => { side_.readingFailed++; fail(e); }));
        }
      };

      const before = sys.processes.map((p) => cpuTicks(p.pid));
      const benchCpuBefore = process.cpuUsage();
      const start = performance.now();
      const total = Math.round(rate * STEP_SECONDS);
      const unit = mode === 'single' ? 1 : BATCH;
      let issued = 0;
      let sideK = 0;
      await new Promise<void>((resolve) => {
        const tick = () => {
          const elapsed = (performance.now() - start) / 1000;
          const due = Math.min(total, Math.floor(elapsed * rate));
          while (issued + unit <= due || (issued < total && due === total)) {
            const n = Math.min(unit, total - issued);
            issued += n;
            if (inFlight + n > MAX_IN_FLIGHT) shed += n;
            else sendOrders(n);
            for (let j = 0; j < n; j++) sideTraffic(sideK++);
          }
          if (issued >= total) resolve();
          else setTimeout(tick, 20);
        };
        tick();
      });
      while (pending.size > 0) await Promise.all([...pending]);
      const submitSeconds = (performance.now() - start) / 1000;
      const deadline = performance.now() + 60_000;
      const allFinal = () => [...acceptedAt.keys()].every((id) => finalAt.has(id));
      while (!allFinal() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const lastFinal = Math.max(start, ...[...acceptedAt.keys()].map((id) => finalAt.get(id) ?? 0));
      const wallSeconds = (performance.now() - start) / 1000;
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const after = sys.processes.map((p) => cpuTicks(p.pid));

      const toFinal = [...acceptedAt].filter(([id]) => finalAt.has(id)).map(([id, at]) => Math.max(0, finalAt.get(id)! - at));
      const notFinal = acceptedAt.size - toFinal.length;
      const cpu: Record<string, number> = {};
      sys.processes.forEach((p, i) => {
        if (before[i] !== null && after[i] !== null) cpu[p.name] = Math.round(((after[i]! - before[i]!) / TICKS_PER_SECOND / wallSeconds) * 100);
      });
      cpu['bench-client'] = Math.round(((benchCpu.user + benchCpu.system) / 1e6 / wallSeconds) * 100);
      // CPU per accepted order (ms), less noisy than percentages when the machine is shared.
      const cpuMsPerOrder = Object.fromEntries(Object.entries(cpu).map(([k, pct]) => [k, accepted > 0 ? +(((pct / 100) * wallSeconds * 1000) / accepted).toFixed(2) : null]));
      const p99 = percentile(toFinal, 99);
      // Where the time goes: each stage's time after the order was accepted (negative when the
      // event came before the client had its answer).
      const stages: Record<string, { p50: number; p99: number }> = {};
      for (const [name, at] of Object.entries(stageAt)) {
        const d = [...acceptedAt].filter(([id]) => at.has(id)).map(([id, a]) => at.get(id)! - a);
        stages[name] = { p50: +percentile(d, 50).toFixed(1), p99: +percentile(d, 99).toFixed(1), seen: d.length } as { p50: number; p99: number };
      }
      const result = {
        bench: 'e2e-step',
        mode,
        ...(mode === 'batch' ? { batchSize: BATCH } : {}),
        offeredOrdersPerSec: rate,
        offered,
        shed,
        accepted,
        rejected,
        failed,
        ordersPerSec: Math.round(accepted / submitSeconds),
        trades: acceptedAt.size,
        tradesPerSec: Math.round(toFinal.length / Math.max(submitSeconds, (lastFinal - start) / 1000)),
        notFinal,
        submitP50Ms: +percentile(submitMs, 50).toFixed(1),
        submitP99Ms: +percentile(submitMs, 99).toFixed(1),
        p50OrderToFinalMs: +percentile(toFinal, 50).toFixed(1),
        p99OrderToFinalMs: +p99.toFixed(1),
        stageAfterAcceptMs: stages,
        submitSeconds: +submitSeconds.toFixed(2),
        wallSeconds: +wallSeconds.toFixed(2),
        loadAverage1m: +loadavg()[0]!.toFixed(1),
        cpuPercentOfOneCore: cpu,
        cpuMsPerOrder,
        sideTraffic: side_,
        errors: Object.fromEntries(errors),
        broken: !(p99 <= BREAK_P99_MS) || accepted < 0.9 * total || notFinal > 0,
      };
      return result;
    }

    const headline = (r: Record<string, unknown> | null | undefined) =>
      r ? { offeredOrdersPerSec: r.offeredOrdersPerSec, withinLatencyLimit: !r.broken, ordersPerSec: r.ordersPerSec, tradesPerSec: r.tradesPerSec, p50OrderToFinalMs: r.p50OrderToFinalMs, p99OrderToFinalMs: r.p99OrderToFinalMs, cpuPercentOfOneCore: r.cpuPercentOfOneCore } : null;
    const top = Object.values(best).filter((r): r is Record<string, unknown> => r !== null).sort((a, b) => (b.ordersPerSec as number) - (a.ordersPerSec as number))[0];
    const summary = {
      bench: 'e2e',
      participants: PARTICIPANTS,
      zones: ZONES.length,
      areas: AREAS,
      instances: INSTANCES,
      intervals: INTERVALS,
      stepSeconds: STEP_SECONDS,
      breakP99Ms: BREAK_P99_MS,
      setupSeconds: +setupSeconds.toFixed(1),
      idleCpuPercentOfOneCore: idleCpu,
      loadAverage: loadavg().map((x) => +x.toFixed(1)),
      modes: Object.fromEntries(Object.entries(best).map(([m, r]) => [m, headline(r)])),
      bestMode: top?.mode ?? null,
      withinLatencyLimit: top ? !top.broken : false,
      ordersPerSec: top?.ordersPerSec ?? 0,
      tradesPerSec: top?.tradesPerSec ?? 0,
      p50OrderToFinalMs: top?.p50OrderToFinalMs ?? null,
      p99OrderToFinalMs: top?.p99OrderToFinalMs ?? null,
      cpuPercentOfOneCore: top?.cpuPercentOfOneCore ?? null,
      machine: machine(),
    };
    if (!JSON_OUT) log(JSON.stringify(summary, null, 2));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await nc.close();
    await sys.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
