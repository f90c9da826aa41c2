/**
 * Shared plumbing of the crypto benchmarks: argument parsing, timing loops and the machine
 * description every result carries. Results are medians of several rounds, since a single
 * round on a shared machine is at the mercy of whatever else runs.
 */
import { cpus, loadavg } from 'node:os';

/** Where a figure was measured. */
export interface MachineInfo {
  cpus: string;
  cores: number;
  node: string;
  openssl: string | undefined;
  /** 1-minute load average when the figure was taken: above ~0 on an idle machine, it means
   *  other work shared the cores and the figures are low. */
  loadAverage1m: number;
}

/** The machine this process runs on. */
export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpus: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    node: process.version,
    openssl: process.versions.openssl,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

/** `--name value` or `--name=value` from argv, else `fallback`. */
export function numberFlag(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === `--${name}`) return Number(argv[i + 1]);
    if (arg.startsWith(`--${name}=`)) return Number(arg.slice(name.length + 3));
  }
  return fallback;
}

/** Whether `--name` is present in argv. */
export function booleanFlag(name: string): boolean {
  return process.argv.slice(2).includes(`--${name}`);
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Operations per second of `op(i)`, run in batches until `durationMs` has passed. Checking the
 * clock once per batch keeps the timer's own cost out of the figure.
 */
export function opsPerSecond(op: (i: number) => unknown, durationMs: number, batch = 64): number {
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

/**
 * Completions per second of an asynchronous `op`, keeping `concurrency` operations in flight
 * until `durationMs` has passed.
 */
export async function asyncOpsPerSecond(op: (i: number) => Promise<unknown>, durationMs: number, concurrency: number): Promise<number> {
  let started = 0;
  let completed = 0;
  const start = nowMs();
  const worker = async (): Promise<void> => {
    while (nowMs() - start < durationMs) {
      await op(started++);
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (completed * 1000) / (nowMs() - start);
}

/** Prints rows as an aligned text table to stderr (stdout is for the JSON line). */
export function printTable(title: string, rows: ReadonlyArray<readonly [string, string]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stderr.write(`\n${title}\n${'-'.repeat(title.length)}\n`);
  for (const [label, value] of rows) process.stderr.write(`${label.padEnd(width)}  ${value}\n`);
}
