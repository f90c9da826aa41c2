import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, hex, publicKeyFromSecret } from '@ampool/crypto';
import { createGenesis, genesisHash, labelledSecretKey, parseGenesis, SERVICE_ENTRY_TYPES, type LedgerSubmittingService } from '@ampool/ledger';
import { connect } from '@nats-io/transport-node';
import { spawnApp, startApp, type ServiceProcess } from './app-process';

/** The validators every Ampool system runs, each with its own schema for its copy of the chain. */
export const LEDGER_VALIDATORS = [
  { name: 'grid-operator', schema: 'ledger_v1' },
  { name: 'market-operator', schema: 'ledger_v2' },
  { name: 'auditor', schema: 'ledger_v3' },
] as const;

/** The services that sign their own entries, each with its own key, authorized for its own entry types only. */
export const LEDGER_SUBMITTING_SERVICES = Object.keys(SERVICE_ENTRY_TYPES) as LedgerSubmittingService[];
/** A submitter for load tests (energy trades only). */
export const LEDGER_BENCH_SUBMITTER = 'bench';

export interface LedgerMembers {
  dir: string;
  genesisFile: string;
  chainId: string;
  /** The environment of validator `i` (0, 1, 2) on top of the ledger service's own. */
  envFor(i: number): Record<string, string>;
  /** The environment that lets a service sign its own entries (its key file and the genesis). */
  submitterEnvFor(service: LedgerSubmittingService): Record<string, string>;
  /** Secret key of a member by name (tests and benchmarks sign with it). */
  secretKeyOf(name: string): Uint8Array;
}

/**
 * Writes (or reuses) the ledger's genesis and the members' key files in `dir`. `random`
 * keys are made once and kept (the demo's, under `.ampool/`, never committed); `labelled`
 * keys are derived from `label` (tests and benchmarks: reproducible, never for real use).
 * The genesis is a pure function of the public keys, so the same keys give the same file.
 */
export function prepareLedgerMembers(dir: string, options: { keys: 'random' | 'labelled'; label?: string; chainId?: string; maxEntries?: number; maxAgeMs?: number }): LedgerMembers {
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  const names = [...LEDGER_VALIDATORS.map((v) => v.name), ...LEDGER_SUBMITTING_SERVICES, LEDGER_BENCH_SUBMITTER];
  const keyFile = (name: string) => join(dir, 'keys', `${name}.key`);
  for (const name of names) {
    if (existsSync(keyFile(name)) && options.keys === 'random') continue;
    const secret = options.keys === 'random' ? generateKeyPair().secretKey : labelledSecretKey(`${options.label ?? 'test'}/${name}`);
    writeFileSync(keyFile(name), `${hex(secret)}\n`, { mode: 0o600 });
  }
  const secretKeyOf = (name: string) => Uint8Array.from(Buffer.from(readFileSync(keyFile(name), 'utf8').trim(), 'hex'));
  const genesis = createGenesis({
    chainId: options.chainId ?? 'ampool-local',
    createdAt: new Date('2026-11-01T00:00:00.000Z'),
    validators: LEDGER_VALIDATORS.map((v) => ({ name: v.name, publicKey: publicKeyFromSecret(secretKeyOf(v.name)) })),
    submitters: [
      ...LEDGER_SUBMITTING_SERVICES.map((name) => ({ name, publicKey: publicKeyFromSecret(secretKeyOf(name)), types: [...SERVICE_ENTRY_TYPES[name]] })),
      { name: LEDGER_BENCH_SUBMITTER, publicKey: publicKeyFromSecret(secretKeyOf(LEDGER_BENCH_SUBMITTER)), types: ['energy.trade'] },
    ],
    quorum: 2,
    ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}),
    ...(options.maxAgeMs ? { maxAgeMs: options.maxAgeMs } : {}),
  });
  const genesisFile = join(dir, 'genesis.json');
  const text = `${JSON.stringify(genesis, null, 2)}\n`;
  if (!existsSync(genesisFile) || genesisHash(parseGenesis(readFileSync(genesisFile, 'utf8'))) !== genesisHash(genesis)) writeFileSync(genesisFile, text);
  return {
    dir,
    genesisFile,
    chainId: genesis.chainId,
    secretKeyOf,
    envFor: (i) => {
      const v = LEDGER_VALIDATORS[i];
      if (!v) throw new Error(`no validator ${i}`);
      return {
        LEDGER_GENESIS_FILE: genesisFile,
        LEDGER_VALIDATOR: v.name,
        LEDGER_KEY_FILE: keyFile(v.name),
        LEDGER_SCHEMA: v.schema,
      };
    },
    submitterEnvFor: (service) => ({ LEDGER_GENESIS_FILE: genesisFile, LEDGER_SUBMITTER_KEY_FILE: keyFile(service) }),
  };
}

/** The ledger settings of `app` when it signs its own entries (energy-market, settlement), else none. */
export function ledgerSubmitterEnv(members: LedgerMembers, app: string): Record<string, string> {
  return (LEDGER_SUBMITTING_SERVICES as string[]).includes(app) ? members.submitterEnvFor(app as LedgerSubmittingService) : {};
}

/**
 * The three validators as one process group: `ledger` in the harnesses. Stopping or
 * killing it stops all three (and any standbys); `members[i]` reaches one of them (fault tests).
 */
export interface ValidatorGroup extends ServiceProcess {
  members: ServiceProcess[];
  /** Standby instances started with `startStandby`, in start order. */
  standbys: ServiceProcess[];
  /** (Re)starts validator `i` and waits until the ledger answers its health check. */
  restart(i: number): Promise<ServiceProcess>;
  /**
   * Starts another instance of validator `i` (same member: name, key, schema; its own
   * INSTANCE_ID, default `<name>-standby-<n>`) and waits until that instance answers health.
   * It stands by until it holds the member's lease (`validator.<name>` in LEDGER_LEASES).
   */
  startStandby(i: number, instanceId?: string): Promise<ServiceProcess>;
}

/** Starts the three validators with `baseEnv` (database, NATS) plus each one's own settings. */
export async function startValidators(
  members: LedgerMembers,
  baseEnv: Record<string, string>,
  options: { onOutput?: (chunk: string) => void; probeCredentials?: { user: string; pass: string }; timeoutMs?: number } = {},
): Promise<ValidatorGroup> {
  const procs: ServiceProcess[] = [];
  const standbys: ServiceProcess[] = [];
  const all = () => [...procs, ...standbys];
  const startOne = async (i: number) => {
    const env: Record<string, string> = { ...baseEnv, ...members.envFor(i), INSTANCE_ID: LEDGER_VALIDATORS[i]!.name };
    // All three answer the `ledger` health subject (one queue group), so each is also waited
    // for on its own readiness subject.
    const p = spawnApp('ledger', env, options.onOutput);
    procs[i] = p;
    await waitReady(p, LEDGER_VALIDATORS[i]!.name, env.NATS_URL!, options.probeCredentials, options.timeoutMs);
    return p;
  };
  const started = await Promise.allSettled(LEDGER_VALIDATORS.map((_, i) => startOne(i)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // One did not come up: the others must not outlive the caller that never gets the group.
    await Promise.all(procs.map((p) => p?.stop()));
    throw failed.reason;
  }
  const group: ValidatorGroup = {
    app: 'ledger',
    get pid() {
      return procs[0]!.pid;
    },
    members: procs,
    standbys,
    output: () => [...procs.map((p, i) => `--- ${LEDGER_VALIDATORS[i]!.name}\n${p.output()}`), ...standbys.map((p, i) => `--- standby ${i + 1}\n${p.output()}`)].join('\n'),
    kill: async (signal) => (await Promise.all(all().map((p) => p.kill(signal))))[0] ?? null,
    stop: async () => (await Promise.all(all().map((p) => p.stop())))[0] ?? null,
    exited: Promise.all(procs.map((p) => p.exited)).then((codes) => codes[0] ?? null),
    restart: async (i) => {
      await procs[i]?.stop();
      return startOne(i);
    },
    startStandby: async (i, instanceId) => {
      const v = LEDGER_VALIDATORS[i];
      if (!v) throw new Error(`no validator ${i}`);
      const id = instanceId ?? `${v.name}-standby-${standbys.length + 1}`;
      const p = await startApp('ledger', { ...baseEnv, ...members.envFor(i), INSTANCE_ID: id }, { onOutput: options.onOutput, probeCredentials: options.probeCredentials, timeoutMs: options.timeoutMs, instanceId: id });
      standbys.push(p);
      return p;
    },
  };
  return group;
}

/** The subject one validator answers once it has restored its chain and reads the streams. */
export function validatorReadySubject(name: string): string {
  return `rpc.ledger.validator.${name}.ready`;
}

async function waitReady(p: ServiceProcess, name: string, natsUrl: string, credentials?: { user: string; pass: string }, timeoutMs = 30_000): Promise<void> {
  let exitCode: number | null | undefined;
  void p.exited.then((c) => (exitCode = c));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`validator ${name} exited with ${exitCode} while starting:\n${p.output()}`);
    let nc;
    try {
      nc = await connect({ servers: natsUrl.split(','), timeout: 2_000, maxReconnectAttempts: 0, ...(credentials ?? {}) });
      await nc.request(validatorReadySubject(name), '', { timeout: 1_000 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await nc?.close();
    }
  }
  await p.kill();
  throw new Error(`validator ${name} was not ready within ${timeoutMs} ms:\n${p.output()}`);
}
