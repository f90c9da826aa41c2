/**
 * Metering engine benchmark (issue 6): the pure parts the metering service runs per upload.
 *
 *     node dist/bench/metering/dsmr.bench.js --json          (after `node infra/scripts/build.mjs`)
 *     npx tsx bench/metering/dsmr.bench.ts --json [--duration-ms 1000] [--rounds 5]
 *
 * - telegramsPerSec: `parseDsmrTelegram` (framing, CRC-16/ARC, every OBIS line, registers,
 *   timestamp) round-robin over the shared real telegrams that parse (11 of 13; the two
 *   EasyMeter ones are refused for stray bytes and are left out so every timed call does the
 *   full work). Also per-call latency percentiles from a separate pass.
 * - readingsPerSec: readings turned into interval energy per second: `computeIntervalEnergy`
 *   on one device-day of readings every 10 s (8,641 readings, midnight to midnight, a PV household: import at
 *   night, export at noon, battery SoC), 15-minute intervals, 5 kW rating, all anomaly checks.
 * - verifiedBatchesPerSec: `verifyReadingBatch` of one-reading batches (the worst case: a
 *   device uploading every reading on its own) from 64 devices; verifiedReadingsPerSecBatched
 *   does the same with 60-reading batches (a device uploading every 10 minutes).
 *
 * Everything runs on one core (the main thread). Figures are medians of `--rounds` rounds
 * after a warm-up round; the variants are interleaved within a round so that other load on
 * the machine skews them alike. One JSON line on stdout with --json; a table on stderr.
 */
import { generateKeyPair, signEd25519, didKeyFromPublicKey } from '@ampool/crypto';
import {
  computeIntervalEnergy,
  parseDsmrTelegram,
  readingBatchSigningBytes,
  verifyReadingBatch,
  type MeterReading,
  type ReadingBatch,
} from '@ampool/metering';
import { sharedTelegrams } from '../../libs/metering/src/dsmr/dsmr-testdata.fixtures';
import { loadavg } from 'node:os';
import { machine, percentile } from '../machine';

const READING_EVERY_MS = 10_000;
const DAY_MS = 86_400_000;
const DEVICES = 64;

function flag(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && argv[i + 1] !== undefined) return Number(argv[i + 1]);
  const inline = argv.find((a) => a.startsWith(`--${name}=`));
  return inline === undefined ? fallback : Number(inline.slice(name.length + 3));
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Operations per second of `op(i)` run in batches of `batch` until `durationMs` passed. */
function opsPerSecond(op: (i: number) => unknown, durationMs: number, batch: number): number {
  let count = 0;
  const start = nowMs();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let j = 0; j < batch; j++) op(count + j);
    count += batch;
    elapsed = nowMs() - start;
  }
  return (count * 1000) / elapsed;
}

function median(values: readonly number[]): number {
  return percentile([...values], 50);
}

/** One day of a PV household with a battery, every 10 s from midnight to midnight inclusive: import at night, export around noon. */
function deviceDay(startMs: number): MeterReading[] {
  const readings: MeterReading[] = [];
  let importMilliWh = 12_345_678_000n;
  let exportMilliWh = 4_321_000_000n;
  let socWh = 5_000n;
  for (let t = 0; t <= DAY_MS; t += READING_EVERY_MS) {
    const hour = t / 3_600_000;
    const pvW = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) * 4_000;
    const loadW = 300 + (hour > 17 && hour < 22 ? 1_500 : 0) + 200 * Math.sin(t / 600_000);
    const netW = Math.round(loadW - pvW);
    // Energy over 10 s in mWh: W × 10 s / 3.6 s per mWh.
    const milliWh = BigInt(Math.round((Math.abs(netW) * 10) / 3.6));
    if (netW >= 0) importMilliWh += milliWh;
    else exportMilliWh += milliWh;
    socWh = BigInt(Math.round(5_000 + 4_000 * Math.sin((hour / 24) * 2 * Math.PI)));
    readings.push({ atMs: startMs + t, importWh: importMilliWh / 1000n, exportWh: exportMilliWh / 1000n, socWh });
  }
  return readings;
}

function main(): void {
  const json = process.argv.includes('--json');
  const durationMs = flag('duration-ms', 1_000);
  const rounds = flag('rounds', 5);

  const telegrams = sharedTelegrams()
    .map((t) => t.bytes)
    .filter((bytes) => parseDsmrTelegram(bytes).ok);
  if (telegrams.length !== 11) throw new Error(`expected 11 parseable shared telegrams, found ${telegrams.length}`);
  const telegramBytes = telegrams.reduce((n, t) => n + t.length, 0) / telegrams.length;

  const dayStart = Date.parse('2024-06-21T00:00:00Z');
  const day = deviceDay(dayStart);
  const dayOptions = { intervalMinutes: 15 as const, nowMs: dayStart + DAY_MS };
  const device = { ratedPowerW: 5_000n, registeredFromMs: dayStart - DAY_MS };
  const check = computeIntervalEnergy(day, device, dayOptions);
  if (!check.ok || check.value.intervals.length !== 96 || check.value.intervals.some((i) => i.quality !== 'measured')) {
    throw new Error('the device day must give 96 measured intervals');
  }

  const keys = Array.from({ length: DEVICES }, () => generateKeyPair());
  const signedBatch = (size: number) =>
    keys.map((key, k) => {
      const did = didKeyFromPublicKey(key.publicKey);
      const batch: ReadingBatch = { device: did, key: did, readings: day.slice(k * size, (k + 1) * size) };
      return { publicKey: key.publicKey, batch, signature: signEd25519(key.secretKey, readingBatchSigningBytes(batch)) };
    });
  const singles = signedBatch(1);
  const sixties = signedBatch(60);
  for (const s of [...singles, ...sixties]) if (!verifyReadingBatch(s.publicKey, s.batch, s.signature)) throw new Error('a valid batch failed');

  const variants: Record<string, () => number> = {
    telegramsPerSec: () => opsPerSecond((i) => parseDsmrTelegram(telegrams[i % telegrams.length] as Uint8Array), durationMs, 64),
    intervalDaysPerSec: () => opsPerSecond(() => computeIntervalEnergy(day, device, dayOptions), durationMs, 1),
    verifiedBatchesPerSec: () =>
      opsPerSecond((i) => {
        const s = singles[i % DEVICES] as (typeof singles)[number];
        return verifyReadingBatch(s.publicKey, s.batch, s.signature);
      }, durationMs, 16),
    verifiedSixtyBatchesPerSec: () =>
      opsPerSecond((i) => {
        const s = sixties[i % DEVICES] as (typeof sixties)[number];
        return verifyReadingBatch(s.publicKey, s.batch, s.signature);
      }, durationMs, 4),
  };
  const figures = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
  for (let round = -1; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const value = run();
      // Round −1 warms up the JIT and the key cache.
      if (round >= 0) figures.get(name)?.push(value);
    }
  }
  const result = (name: string): number => median(figures.get(name) ?? []);

  // Latency of a single telegram, timed one by one (includes the timer's own cost).
  const latenciesUs: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const start = process.hrtime.bigint();
    parseDsmrTelegram(telegrams[i % telegrams.length] as Uint8Array);
    latenciesUs.push(Number(process.hrtime.bigint() - start) / 1_000);
  }

  const output = {
    bench: 'metering-engine',
    telegramsPerSec: Math.round(result('telegramsPerSec')),
    readingsPerSec: Math.round(result('intervalDaysPerSec') * day.length),
    verifiedBatchesPerSec: Math.round(result('verifiedBatchesPerSec')),
    verifiedReadingsPerSecBatched: Math.round(result('verifiedSixtyBatchesPerSec') * 60),
    intervalDaysPerSec: Number(result('intervalDaysPerSec').toFixed(1)),
    telegramParseUs: { p50: Number(percentile(latenciesUs, 50).toFixed(2)), p99: Number(percentile(latenciesUs, 99).toFixed(2)) },
    workload: {
      telegrams: telegrams.length,
      meanTelegramBytes: Math.round(telegramBytes),
      readingsPerDeviceDay: day.length,
      intervalMinutes: 15,
      devices: DEVICES,
      rounds,
      durationMsPerRound: durationMs,
    },
    machine: machine(),
    // Above ~0 on an idle machine: other work shared the cores and the figures are low.
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
  if (!json) {
    process.stderr.write(
      `\nmetering engine (median of ${rounds} rounds, one core)\n` +
        `  DSMR telegrams parsed + CRC-checked   ${output.telegramsPerSec.toLocaleString('en')} /s  (p50 ${output.telegramParseUs.p50} µs, p99 ${output.telegramParseUs.p99} µs)\n` +
        `  readings into 15-min intervals         ${output.readingsPerSec.toLocaleString('en')} /s  (${output.intervalDaysPerSec} device-days/s)\n` +
        `  signed 1-reading batches verified      ${output.verifiedBatchesPerSec.toLocaleString('en')} /s\n` +
        `  signed readings verified (60/batch)    ${output.verifiedReadingsPerSecBatched.toLocaleString('en')} /s\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main();
