import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Health, type ServiceName } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';

/** The repository root: the nearest folder upwards whose package.json is Ampool's. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ampool') return dir;
    dir = dirname(dir);
  }
  throw new Error(`no Ampool package.json above ${from}`);
}

/** The apps, and the service name each answers health checks as. */
export const APP_SERVICE = {
  identity: 'identity',
  'energy-market': 'energy',
  'ride-market': 'rides',
  metering: 'metering',
  settlement: 'settlement',
  ledger: 'ledger',
  simulator: 'simulator',
} as const satisfies Record<string, ServiceName>;
export type ServiceApp = keyof typeof APP_SERVICE;
export type AppName = ServiceApp | 'gateway';

export interface ServiceProcess {
  app: AppName;
  readonly pid: number;
  /** Everything the process printed (kept to the last 200 kB). */
  output(): string;
  /** Sends the signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Graceful stop: SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the process exits by itself. */
  exited: Promise<number | null>;
}

/** Path of an app's built entry point. */
export function appEntry(app: AppName): string {
  const entry = join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run build)`);
  return entry;
}

/** Apps this process started and that are still running: none may outlive it. */
const running = new Set<ChildProcess>();
let reaperInstalled = false;
function reapOnExit(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Starts a built app as its own process (as production runs it) without waiting. Its output
 * is kept (the last 200 kB) and, with `onOutput`, also passed on as it arrives.
 */
export function spawnApp(app: AppName, env: Record<string, string>, onOutput?: (chunk: string) => void): ServiceProcess {
  // AMPOOL_CPU_PROF_DIR (of the starting process) profiles every app it starts: node refuses
  // --cpu-prof in NODE_OPTIONS, so it goes on the command line.
  const profileDir = process.env.AMPOOL_CPU_PROF_DIR;
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...flags, '--enable-source-maps', appEntry(app)], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  reapOnExit();
  let out = '';
  const append = (c: Buffer) => {
    const text = c.toString();
    out = (out + text).slice(-200_000);
    onOutput?.(text);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    app,
    pid: child.pid ?? -1,
    output: () => out,
    kill,
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await kill('SIGTERM');
      clearTimeout(timer);
      return code;
    },
    exited,
  };
}

/**
 * Starts a built service and waits until it answers its health check with every dependency
 * up (`rpc.<service>.health` over NATS; `/health` over HTTP for the gateway).
 */
export async function startApp(
  app: AppName,
  env: Record<string, string>,
  options: {
    timeoutMs?: number;
    onOutput?: (chunk: string) => void;
    probeCredentials?: { user: string; pass: string };
    /**
     * Healthy only when this process itself answers (its INSTANCE_ID): with several instances
     * in one queue group, any running one could answer the health check otherwise.
     */
    instanceId?: string;
  } = {},
): Promise<ServiceProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const proc = spawnApp(app, env, options.onOutput);
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void proc.exited.then((c) => (exitCode = c));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${app} exited with ${exitCode} while starting:\n${proc.output()}`);
    if (await isHealthy(app, env, options.probeCredentials, options.instanceId)) return proc;
    await new Promise((r) => setTimeout(r, 150));
  }
  await proc.kill();
  throw new Error(`${app} did not become healthy within ${timeoutMs} ms:\n${proc.output()}`);
}

async function isHealthy(app: AppName, env: Record<string, string>, credentials?: { user: string; pass: string }, instanceId?: string): Promise<boolean> {
  if (app === 'gateway') {
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT}/health`, { signal: AbortSignal.timeout(2_000) });
      return res.status === 200;
    } catch {
      return false;
    }
  }
  let nc;
  try {
    nc = await connect({ servers: env.NATS_URL!.split(','), timeout: 2_000, maxReconnectAttempts: 0, ...(credentials ?? {}) });
    const report = await new RpcClient(nc, 2_000).request(Health[APP_SERVICE[app]], {});
    return report.status === 'up' && (instanceId === undefined || report.instance === instanceId);
  } catch {
    return false;
  } finally {
    await nc?.close();
  }
}
