import type { ServiceApp, ValidatorGroup } from '@ampool/bootstrap';
import { startTestSystem, type TestSystem } from '../test-system';
import { prepareChaosEnvironment, type ChaosEnvironment } from './chaos-environment';
import { runChecks, waitForQuiet, type CheckResult } from './chaos-checks';
import { ChaosLoad, type LoadSettings, type RequestRecord } from './chaos-load';

/** One fault, injected while the load runs. */
export type Fault =
  | { kind: 'service'; app: Exclude<ServiceApp, 'ledger' | 'simulator'> | 'gateway' }
  | { kind: 'validator'; index: number }
  | { kind: 'postgres' }
  | { kind: 'nats-node'; index: number };

/** Every fault of the full run, in turn. */
export const ALL_FAULTS: Fault[] = [
  { kind: 'service', app: 'identity' },
  { kind: 'service', app: 'energy-market' },
  { kind: 'service', app: 'settlement' },
  { kind: 'validator', index: 0 },
  { kind: 'validator', index: 1 },
  { kind: 'validator', index: 2 },
  { kind: 'service', app: 'metering' },
  { kind: 'service', app: 'ride-market' },
  { kind: 'service', app: 'gateway' },
  { kind: 'postgres' },
  { kind: 'nats-node', index: 0 },
];

export interface ChaosOptions {
  faults: Fault[];
  load: LoadSettings;
  /** Steady load before the first fault and between faults. */
  gapMs: number;
  /** How long a killed process stays down before it is started again. */
  downMs: number;
  /** Run on a private 3-node JetStream cluster with every stream replicated R3 (needed for `nats-node` faults). */
  natsCluster: boolean;
  log: (line: string) => void;
  /** How long the system may take to catch up after the load (default 180 s). */
  quietTimeoutMs?: number;
  /**
   * Instances of every service but the ledger validators and the gateway (default 1). With
   * two, a `service` fault kills one instance while the other keeps serving.
   */
  instances?: number;
}

export interface FaultOutcome {
  fault: string;
  /** From the kill until the process (or server) answered again. */
  recoveryMs: number;
  /** Client attempts that failed while this fault was in effect (from the kill to the next fault). */
  failedAttempts: number;
}

export interface ChaosReport {
  ok: boolean;
  durationMs: number;
  /** Instances of every service but the validators and the gateway. */
  instances: number;
  faults: FaultOutcome[];
  requests: Record<string, { sent: number; accepted: number; rejected: number; failedOnce: number; failedAttempts: number; neverAnswered: number }>;
  rejections: Record<string, number>;
  /** Failed attempts by kind and answer (status 0: no answer). */
  failures: Record<string, number>;
  checks: CheckResult[];
}

export function faultName(f: Fault): string {
  switch (f.kind) {
    case 'service':
      return `SIGKILL ${f.app}`;
    case 'validator':
      return `SIGKILL ledger validator ${f.index + 1}`;
    case 'postgres':
      return 'crash-restart PostgreSQL';
    case 'nats-node':
      return `SIGKILL nats-server node ${f.index + 1} of 3`;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inject(sys: TestSystem, env: ChaosEnvironment, f: Fault, downMs: number): Promise<void> {
  switch (f.kind) {
    case 'service': {
      await sys.processes.get(f.app)!.kill('SIGKILL');
      await sleep(downMs);
      await sys.start(f.app);
      return;
    }
    case 'validator': {
      const group = sys.validators();
      await group.members[f.index]!.kill('SIGKILL');
      await sleep(downMs);
      await group.restart(f.index);
      return;
    }
    case 'postgres':
      await env.postgres.restart(downMs);
      return;
    case 'nats-node': {
      if (!sys.cluster) throw new Error('a nats-node fault needs natsCluster: true');
      // Streams a service created after boot (a new market's journal, a bucket) get their replicas first.
      await sys.replicateStreams();
      const node = sys.cluster.nodes[f.index]!;
      await node.kill();
      await sleep(downMs);
      await node.restart();
      return;
    }
  }
}

/**
 * The fault run: boots the whole system on a private PostgreSQL (and, optionally, a private
 * 3-node JetStream cluster), drives steady load through the gateway, injects each fault in
 * turn, lets the system catch up and checks that nothing was lost or applied twice.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const started = Date.now();
  const env = await prepareChaosEnvironment(log);
  let sys: TestSystem | undefined;
  try {
    const n = options.instances ?? 1;
    sys = await startTestSystem({
      natsCluster: options.natsCluster,
      serviceEnvOverrides: { 'ride-market': { SWEEP_SECONDS: '1' } },
      instances: { identity: n, 'energy-market': n, settlement: n, metering: n, 'ride-market': n },
    });
    log(`system up on ${options.natsCluster ? '3-node JetStream cluster (streams R3)' : 'one nats-server'} and private PostgreSQL port ${env.postgres.port}${n > 1 ? `, ${n} instances of every service` : ''}`);
    const load = new ChaosLoad(sys, options.load);
    await load.setup();
    log(`participants ready: ${load.sellers.length} sellers, ${load.buyers.length} buyers, ${load.riders.length} riders, ${load.meters.length} meters, ${load.trips.length} trips`);
    load.start();
    const outcomes: (FaultOutcome & { from: number; to: number })[] = [];
    await sleep(options.gapMs);
    for (const f of options.faults) {
      const from = Date.now();
      log(`fault: ${faultName(f)}`);
      await inject(sys, env, f, options.downMs);
      const recoveryMs = Date.now() - from;
      log(`  back after ${recoveryMs} ms`);
      await sleep(options.gapMs);
      outcomes.push({ fault: faultName(f), recoveryMs, failedAttempts: 0, from, to: Date.now() });
    }
    await load.stop();
    log(`load stopped after ${load.records.length} requests; waiting for the system to catch up`);
    let outstanding = await waitForQuiet(sys, options.quietTimeoutMs ?? 180_000);
    const replay = await load.replayFailed();
    log(`replayed ${replay.replayed} requests that had failed: ${JSON.stringify(replay.answers)}`);
    if (outstanding.length === 0) outstanding = await waitForQuiet(sys, 30_000);
    if (outstanding.length > 0) {
      log(`still outstanding: ${outstanding.join('; ')}`);
      for (const [app, p] of sys.processes) {
        for (const [i, m] of ('members' in p ? (p as ValidatorGroup).members : [p]).entries()) {
          const gone = await Promise.race([m.exited.then(() => true), sleep(10).then(() => false)]);
          const tail = m.output().trim().split('\n').slice(gone ? -60 : -4).join('\n    ');
          log(`  ${app}${'members' in p ? ` validator ${i + 1}` : ''}: ${gone ? 'EXITED' : 'running'}${tail ? `\n    ${tail}` : ''}`);
        }
      }
    }
    const checks = await runChecks(sys, load.records, outstanding, replay);
    const down: string[] = [];
    for (const [app, p] of sys.processes) {
      for (const [i, m] of ('members' in p ? (p as ValidatorGroup).members : [p]).entries()) {
        if (await Promise.race([m.exited.then(() => true), sleep(10).then(() => false)])) {
          down.push(`${app}${'members' in p ? ` validator ${i + 1}` : ''}`);
          log(`${app} exited:\n    ${m.output().trim().split('\n').slice(-40).join('\n    ')}`);
        }
      }
    }
    for (const [app, extras] of sys.extraInstances) {
      for (const [i, m] of extras.entries()) {
        if (await Promise.race([m.exited.then(() => true), sleep(10).then(() => false)])) {
          down.push(`${app} instance ${i + 2}`);
          log(`${app} instance ${i + 2} exited:\n    ${m.output().trim().split('\n').slice(-40).join('\n    ')}`);
        }
      }
    }
    const extra = [...sys.extraInstances.values()].flat().length;
    checks.unshift({
      name: 'every process still running at the end',
      ok: down.length === 0,
      detail: down.length === 0 ? `${sys.processes.size} apps${extra > 0 ? ` and ${extra} more instances` : ''}, the ledger as 3 validators` : `exited: ${down.join(', ')}`,
    });
    for (const o of outcomes) o.failedAttempts = load.records.reduce((s, r) => s + r.failures.filter((x) => x.atMs >= o.from && x.atMs < o.to).length, 0);
    return {
      ok: checks.every((c) => c.ok),
      durationMs: Date.now() - started,
      instances: n,
      faults: outcomes.map(({ fault, recoveryMs, failedAttempts }) => ({ fault, recoveryMs, failedAttempts })),
      requests: summarise(load.records),
      rejections: rejections(load.records),
      failures: failureKinds(load.records),
      checks,
    };
  } finally {
    await sys?.stop().catch((e: Error) => log(`stopping the system: ${e.message}`));
    await env.stop();
  }
}

function summarise(records: RequestRecord[]): ChaosReport['requests'] {
  const out: ChaosReport['requests'] = {};
  for (const r of records) {
    const s = (out[r.kind] ??= { sent: 0, accepted: 0, rejected: 0, failedOnce: 0, failedAttempts: 0, neverAnswered: 0 });
    s.sent++;
    if (r.outcome === 'accepted') s.accepted++;
    if (r.outcome === 'rejected') s.rejected++;
    if (r.outcome === 'gave-up' || r.outcome === 'pending') s.neverAnswered++;
    if (r.failures.length > 0) s.failedOnce++;
    s.failedAttempts += r.failures.length;
  }
  return out;
}

function failureKinds(records: RequestRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const f of r.failures) out[`${r.kind} ${f.status} ${f.code ?? ''}`.trim()] = (out[`${r.kind} ${f.status} ${f.code ?? ''}`.trim()] ?? 0) + 1;
  return out;
}

function rejections(records: RequestRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) if (r.outcome === 'rejected') out[`${r.kind} ${r.status} ${r.code ?? ''}`.trim()] = (out[`${r.kind} ${r.status} ${r.code ?? ''}`.trim()] ?? 0) + 1;
  return out;
}

/** The report as a table for people, then one JSON line for tools. */
export function formatReport(report: ChaosReport): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  lines.push('', 'Faults (under load)', `${pad('fault', 42)} ${pad('back after', 12)} failed attempts`);
  for (const f of report.faults) lines.push(`${pad(f.fault, 42)} ${pad(`${(f.recoveryMs / 1000).toFixed(1)} s`, 12)} ${f.failedAttempts}`);
  lines.push('', 'Client requests', `${pad('kind', 10)} ${pad('sent', 7)} ${pad('accepted', 9)} ${pad('rejected', 9)} ${pad('failed≥1', 9)} ${pad('attempts failed', 16)} never answered`);
  for (const [k, s] of Object.entries(report.requests)) {
    lines.push(`${pad(k, 10)} ${pad(String(s.sent), 7)} ${pad(String(s.accepted), 9)} ${pad(String(s.rejected), 9)} ${pad(String(s.failedOnce), 9)} ${pad(String(s.failedAttempts), 16)} ${s.neverAnswered}`);
  }
  if (Object.keys(report.rejections).length > 0) lines.push(`rejections (final answers, not retried): ${Object.entries(report.rejections).map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  if (Object.keys(report.failures).length > 0) lines.push(`failed attempts by answer (0 = no answer): ${Object.entries(report.failures).map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  lines.push('', 'Checks');
  for (const c of report.checks) lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${pad(c.name, 56)} ${c.detail}`);
  lines.push('', `${report.ok ? 'ALL CHECKS PASSED' : 'SOME CHECKS FAILED'} in ${(report.durationMs / 1000).toFixed(0)} s${report.instances > 1 ? ` (${report.instances} instances of every service)` : ''}`);
  lines.push(JSON.stringify(report));
  return lines.join('\n');
}
