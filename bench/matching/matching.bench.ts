/**
 * Matching engine benchmark (issue 3).
 *
 *   npx tsx bench/matching/matching.bench.ts --json                  mixed workload
 *   npx tsx bench/matching/matching.bench.ts --passive --json        deep-book variant
 *   npx tsx bench/matching/matching.bench.ts --auction 100000 --json call auction
 *
 * Mixed workload: 500,000 operations from a seeded generator (mulberry32, seed 42): 60% GTC
 * limit orders at mid + N(0, 10 ticks), 10% market orders (IOC), 30% cancels of a random live
 * order. The operations are generated first (with an untimed pass through the engine, which
 * is the only way to know which orders are live when a cancel is drawn, and doubles as JIT
 * warm-up); then fresh books replay them and only the engine calls are timed. A cancel drawn
 * while no order rests becomes a limit order, so the realised mix is printed too.
 *
 * Throughput and latency come from separate passes: reading the clock around every
 * operation costs about as much as a cheap operation, so the throughput passes time the
 * whole loop once, and one more pass times each operation with process.hrtime.bigint() to
 * get the percentiles (their figures include the timer's own overhead, reported alongside).
 *
 * Market: one zone, mid 250,000 µ/kWh, tick 100 µ/kWh, band mid ± 1,000 ticks; quantities
 * uniform in 100..10,000 Wh; owners drawn from 1,000 (so self-trade prevention happens).
 *
 * Results go to stdout as one JSON line with --json, as indented JSON otherwise; progress to
 * stderr.
 */
import { cpus, totalmem } from 'node:os';
import { OrderBook } from '@ampool/matching';
import type { CancelOrderCommand, MarketConfig, SubmitOrderCommand } from '@ampool/matching';

const SEED = 42;
const OPERATIONS = 500_000;
const MID_PRICE = 250_000; // µ-currency per kWh
const TICK = 100; // µ-currency per kWh
const SIGMA_TICKS = 10;
const OWNERS = 1_000;
const THROUGHPUT_RUNS = 7;

/** mulberry32: a tiny, well-distributed 32-bit PRNG; deterministic for a seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal variates by Box–Muller, from a uniform source. */
function normal(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = 1 - random(); // (0, 1]: log(0) must not happen
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

const marketConfig: MarketConfig = {
  mode: 'continuous',
  zones: [{ zoneId: 'zone-1' }],
  minPriceMicroPerKwh: BigInt(MID_PRICE - 1000 * TICK),
  maxPriceMicroPerKwh: BigInt(MID_PRICE + 1000 * TICK),
};

const enum Op {
  Submit = 0,
  Cancel = 1,
}

interface Workload {
  readonly kinds: Uint8Array;
  readonly commands: (SubmitOrderCommand | CancelOrderCommand)[];
  readonly counts: { limit: number; market: number; cancel: number };
  /** Resting orders before each operation, from the generation pass. */
  readonly depth: { mean: number; max: number };
}

function generateMixedWorkload(passive: boolean): Workload {
  const random = mulberry32(SEED);
  const gaussian = normal(random);
  const owners = Array.from({ length: OWNERS }, (_, i) => `owner-${i}`);
  const kinds = new Uint8Array(OPERATIONS);
  const commands: (SubmitOrderCommand | CancelOrderCommand)[] = [];
  const counts = { limit: 0, market: 0, cancel: 0 };
  const book = new OrderBook(marketConfig);
  // Live orders as an array with index lookup: O(1) random pick and O(1) removal.
  const live: string[] = [];
  const livePosition = new Map<string, number>();
  const addLive = (id: string): void => {
    livePosition.set(id, live.length);
    live.push(id);
  };
  const removeLive = (id: string): void => {
    const position = livePosition.get(id);
    if (position === undefined) return;
    const last = live.pop() as string;
    if (last !== id) {
      live[position] = last;
      livePosition.set(last, position);
    }
    livePosition.delete(id);
  };
  // The standard workload draws the offset from the mid for either side, so about half the
  // limit orders cross on arrival. The passive variant puts buys below and sells above the
  // mid (|offset|, at least one tick), so limits rest and the book grows deep.
  const limitOffsetTicks = (side: 'buy' | 'sell'): number => {
    const offset = Math.round(gaussian() * SIGMA_TICKS);
    if (!passive) return offset;
    const away = Math.abs(offset) + 1;
    return side === 'buy' ? -away : away;
  };
  let depthSum = 0;
  let depthMax = 0;
  let nextId = 0;
  for (let i = 0; i < OPERATIONS; i++) {
    depthSum += book.liveOrderCount;
    if (book.liveOrderCount > depthMax) depthMax = book.liveOrderCount;
    const draw = random();
    if (draw >= 0.7 && live.length > 0) {
      const orderId = live[Math.floor(random() * live.length)] as string;
      const command: CancelOrderCommand = { orderId };
      kinds[i] = Op.Cancel;
      commands.push(command);
      counts.cancel++;
      book.cancel(command);
      removeLive(orderId);
      continue;
    }
    const isMarket = draw >= 0.6 && draw < 0.7;
    const side = random() < 0.5 ? 'buy' : 'sell';
    const quantityWh = BigInt(100 + Math.floor(random() * 9_901));
    const ownerId = owners[Math.floor(random() * OWNERS)] as string;
    const orderId = `o-${nextId++}`;
    const command: SubmitOrderCommand = isMarket
      ? { orderId, ownerId, zoneId: 'zone-1', side, quantityWh, limitPriceMicroPerKwh: null, timeInForce: 'IOC' }
      : {
          orderId,
          ownerId,
          zoneId: 'zone-1',
          side,
          quantityWh,
          limitPriceMicroPerKwh: BigInt(MID_PRICE + limitOffsetTicks(side) * TICK),
          timeInForce: 'GTC',
        };
    if (isMarket) counts.market++;
    else counts.limit++;
    kinds[i] = Op.Submit;
    commands.push(command);
    const result = book.submit(command);
    if (result.status !== 'accepted') throw new Error(`workload order rejected: ${result.code}`);
    for (const fill of result.fills) if (book.getOrder(fill.makerOrderId) === null) removeLive(fill.makerOrderId);
    for (const cancel of result.selfTradeCancels) removeLive(cancel.orderId);
    if (result.restingWh > 0n) addLive(orderId);
  }
  return { kinds, commands, counts, depth: { mean: Math.round(depthSum / OPERATIONS), max: depthMax } };
}

/**
 * Replay the workload on a fresh book; returns elapsed wall and CPU nanoseconds (CPU time of
 * the whole process, GC threads included: less disturbed by other load on a shared machine)
 * and the fill count.
 */
function runThroughput(workload: Workload): { ns: number; cpuNs: number; fills: number } {
  const { kinds, commands } = workload;
  const book = new OrderBook(marketConfig);
  let fills = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < OPERATIONS; i++) {
    if (kinds[i] === Op.Submit) {
      const result = book.submit(commands[i] as SubmitOrderCommand);
      if (result.status === 'accepted') fills += result.fills.length;
    } else {
      book.cancel(commands[i] as CancelOrderCommand);
    }
  }
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  return { ns, cpuNs: (cpu.user + cpu.system) * 1000, fills };
}

/** Replay with a clock read around every operation; returns per-op nanoseconds. */
function runLatency(workload: Workload): Float64Array {
  const { kinds, commands } = workload;
  const book = new OrderBook(marketConfig);
  const samples = new Float64Array(OPERATIONS);
  for (let i = 0; i < OPERATIONS; i++) {
    const start = process.hrtime.bigint();
    if (kinds[i] === Op.Submit) book.submit(commands[i] as SubmitOrderCommand);
    else book.cancel(commands[i] as CancelOrderCommand);
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  return samples;
}

function timerOverheadNs(): number {
  const samples = new Float64Array(100_000);
  for (let i = 0; i < samples.length; i++) {
    const start = process.hrtime.bigint();
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  return percentile(samples.sort(), 0.5);
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
  };
}

function benchMixed(passive: boolean, json: boolean): void {
  process.stderr.write('generating the workload...\n');
  const workload = generateMixedWorkload(passive);
  const runs: { ns: number; cpuNs: number; fills: number }[] = [];
  for (let run = 0; run < THROUGHPUT_RUNS; run++) {
    runs.push(runThroughput(workload));
    process.stderr.write(`run ${run + 1}: ${Math.round(OPERATIONS / ((runs[run] as { ns: number }).ns / 1e9))} ops/s\n`);
  }
  const fills = (runs[0] as { fills: number }).fills;
  if (runs.some((run) => run.fills !== fills)) throw new Error('replays disagree: the engine is not deterministic');
  const opsPerSecRuns = runs.map((run) => Math.round(OPERATIONS / (run.ns / 1e9)));
  const opsPerCpuSecRuns = runs.map((run) => Math.round(OPERATIONS / (run.cpuNs / 1e9)));
  const latency = runLatency(workload).sort();
  const result = {
    bench: 'matching',
    ops: OPERATIONS,
    opsPerSec: median(opsPerSecRuns),
    fills,
    p99LatencyUs: +(percentile(latency, 0.99) / 1000).toFixed(2),
    p50LatencyUs: +(percentile(latency, 0.5) / 1000).toFixed(2),
    p999LatencyUs: +(percentile(latency, 0.999) / 1000).toFixed(2),
    maxLatencyUs: +((latency[latency.length - 1] as number) / 1000).toFixed(2),
    timerOverheadNs: timerOverheadNs(),
    opsPerSecRuns,
    opsPerCpuSec: median(opsPerCpuSecRuns),
    workload: {
      variant: passive ? 'passive' : 'standard',
      seed: SEED,
      ...workload.counts,
      sigmaTicks: SIGMA_TICKS,
      owners: OWNERS,
      restingOrders: workload.depth,
    },
    method: `median of ${THROUGHPUT_RUNS} timed replays on fresh books after an untimed generation pass; latency percentiles from a separate replay timing each op with process.hrtime.bigint() (includes timerOverheadNs)`,
    machine: machine(),
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function benchAuction(orders: number, json: boolean): void {
  const config: MarketConfig = { ...marketConfig, mode: 'call-auction' };
  const build = (): OrderBook => {
    const random = mulberry32(SEED);
    const gaussian = normal(random);
    const book = new OrderBook(config);
    for (let i = 0; i < orders; i++) {
      const side = random() < 0.5 ? 'buy' : 'sell';
      // Buys a little above mid and sells a little below, so the curves cross in the middle.
      const skew = side === 'buy' ? 5 : -5;
      const result = book.submit({
        orderId: `a-${i}`,
        ownerId: `owner-${Math.floor(random() * OWNERS)}`,
        zoneId: 'zone-1',
        side,
        quantityWh: BigInt(100 + Math.floor(random() * 9_901)),
        limitPriceMicroPerKwh: BigInt(MID_PRICE + (Math.round(gaussian() * 3 * SIGMA_TICKS) + skew) * TICK),
        timeInForce: 'GTC',
      });
      if (result.status !== 'accepted') throw new Error(`auction order rejected: ${result.code}`);
    }
    return book;
  };
  const timings: number[] = [];
  let last: { price: bigint | null; volume: bigint; allocations: number; expired: number } | null = null;
  for (let run = 0; run < 5; run++) {
    const book = build();
    const start = process.hrtime.bigint();
    const result = book.closeGate();
    const ns = Number(process.hrtime.bigint() - start);
    if (result.status !== 'accepted') throw new Error(`close gate rejected: ${result.code}`);
    const zone = result.clearings[0];
    last = {
      price: zone?.clearingPriceMicroPerKwh ?? null,
      volume: zone?.volumeWh ?? 0n,
      allocations: result.allocations.length,
      expired: result.expired.length,
    };
    timings.push(ns / 1e6);
    process.stderr.write(`run ${run + 1}: ${(ns / 1e6).toFixed(2)} ms\n`);
  }
  const output = {
    bench: 'auction',
    orders,
    clearMs: +median(timings).toFixed(2),
    clearingPrice: last?.price === null || last === null ? null : last.price.toString(),
    volumeWh: last === null ? '0' : last.volume.toString(),
    allocations: last?.allocations ?? 0,
    expired: last?.expired ?? 0,
    clearMsRuns: timings.map((ms) => +ms.toFixed(2)),
    method: 'median of 5 closeGate() calls, each on a freshly built identical book (seed 42); includes allocation and expiry of every order',
    machine: machine(),
  };
  if (json) process.stdout.write(`${JSON.stringify(output)}\n`);
  else process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

function main(argv: readonly string[]): void {
  const json = argv.includes('--json');
  const auctionFlag = argv.indexOf('--auction');
  if (auctionFlag >= 0) {
    const orders = Number(argv[auctionFlag + 1] ?? '100000');
    if (!Number.isSafeInteger(orders) || orders < 2) throw new Error('--auction needs an order count');
    benchAuction(orders, json);
  } else {
    benchMixed(argv.includes('--passive'), json);
  }
}

main(process.argv.slice(2));
