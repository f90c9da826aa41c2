import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { BootstrapError } from './bootstrap-error';
import { canInstallDebianPackages, installDebianPackage } from './debian-packages';
import { freePort, waitForPort } from './ports';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface NatsServer {
  url: string;
  startedHere: boolean;
  stop(): Promise<void>;
}

/** What a NATS URL answers: nothing, plain NATS, or NATS with JetStream. */
export async function probeNats(url: string): Promise<'down' | 'no-jetstream' | 'ok'> {
  let nc;
  try {
    nc = await connect({ servers: url, timeout: 2_000, maxReconnectAttempts: 0 });
  } catch {
    return 'down';
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: 2_000 });
    await jsm.getAccountInfo();
    return 'ok';
  } catch {
    return 'no-jetstream';
  } finally {
    await nc.close();
  }
}

/** Path of the nats-server binary, or undefined. */
export function findNatsServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin', '/opt/homebrew/bin'];
  return dirs.map((d) => join(d, 'nats-server')).find((p) => existsSync(p));
}

/**
 * Finds nats-server or installs it: with apt-get when running as root on Debian/Ubuntu;
 * otherwise stops with the exact command to run.
 */
export function ensureNatsServerBinary(log: (line: string) => void): string {
  const found = findNatsServer();
  if (found) return found;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (canInstallDebianPackages()) {
    const installed = installDebianPackage('nats-server', log) ? findNatsServer() : undefined;
    if (installed) return installed;
    throw new BootstrapError('Installing nats-server with apt-get failed (see above). Install it by hand: apt-get install nats-server');
  }
  throw new BootstrapError(
    [
      'nats-server is not installed and nothing answers on 127.0.0.1:4222. Install it, then run this again:',
      hasApt ? '  sudo apt-get install nats-server' : '  Debian/Ubuntu: sudo apt-get install nats-server',
      '  macOS:         brew install nats-server',
      '  or start any NATS 2.9+ with JetStream (-js) and set NATS_URL to it.',
    ].join('\n'),
  );
}

export interface StartNatsOptions {
  binary: string;
  port?: number;
  storeDir: string;
  /** A configuration file (users, permissions, cluster); JetStream is enabled either way. */
  configFile?: string;
  extraArgs?: string[];
  /** Environment for the server (a configuration may read passwords from it). */
  env?: Record<string, string>;
  /** The configuration file sets address, port, JetStream and store itself (a cluster node): add no flags. */
  configComplete?: boolean;
}

/** Starts a nats-server with JetStream and waits until it accepts connections. */
export async function startNatsServer(options: StartNatsOptions): Promise<NatsServer & { process: ChildProcess; port: number }> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.storeDir, { recursive: true });
  const args = options.configComplete && options.configFile
    ? ['-c', options.configFile, ...(options.extraArgs ?? [])]
    : [
        ...(options.configFile ? ['-c', options.configFile] : []),
        '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', options.storeDir,
        ...(options.extraArgs ?? []),
      ];
  const child = spawn(options.binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...(options.env ?? {}) } });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${stderr.trim().split('\n').pop()}`))));
  await Promise.race([waitForPort('127.0.0.1', port, 10_000), exited]);
  exited.catch(() => undefined);
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    port,
    process: child,
    startedHere: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/**
 * Reuses the NATS at `url` (or the default 127.0.0.1:4222) when it answers with JetStream;
 * otherwise, when no URL was configured, starts nats-server with JetStream on port 4222
 * with its store under `dataDir`.
 */
export async function ensureNats(options: {
  url?: string;
  dataDir: string;
  log: (line: string) => void;
  /** Where to look, and start a server, when no URL is configured. */
  defaultUrl?: string;
}): Promise<NatsServer> {
  const defaultUrl = options.defaultUrl ?? DEFAULT_NATS_URL;
  const url = options.url ?? defaultUrl;
  const state = await probeNats(url);
  if (state === 'ok') {
    options.log(`NATS: reusing ${url}`);
    return { url, startedHere: false, stop: async () => undefined };
  }
  if (state === 'no-jetstream') {
    throw new BootstrapError(`NATS at ${url} answers but JetStream is not enabled. Restart it with -js (or jetstream {} in its configuration).`);
  }
  if (options.url) {
    throw new BootstrapError(`NATS does not answer at ${options.url} (from NATS_URL). Start it, correct NATS_URL, or unset it to let Ampool start one.`);
  }
  const binary = ensureNatsServerBinary(options.log);
  const port = Number(new URL(defaultUrl).port || 4222);
  options.log(`NATS: nothing answers on 127.0.0.1:${port}; starting ${binary} with JetStream`);
  return startNatsServer({ binary, port, storeDir: join(options.dataDir, 'nats') });
}
