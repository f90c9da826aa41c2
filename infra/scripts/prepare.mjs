// Gets a fresh clone ready with nothing but Node and npm: installs dependencies from the
// lockfile when they are missing or stale, generates the Prisma client offline, and builds.
// It uses only Node's standard library, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const MIN_NODE = [20, 19];

function fail(message) {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

function run(command, args, env = {}) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) fail(`could not run ${command}: ${r.error.message}`);
  if (r.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${r.status})`);
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    fail(`Ampool needs Node.js ${MIN_NODE.join('.')} or newer; this is ${process.version}.`);
  }
}

/** `npm ci` when node_modules is missing or older than the lockfile. */
function ensureDependencies(log) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (mtime(marker) >= mtime(join(root, 'package-lock.json'))) return;
  log('installing dependencies from package-lock.json (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

/**
 * Prisma's CLI insists on locating its native schema engine even for `generate`, which only
 * needs the WASM bundled with the package; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
 * executable (node itself) lets it work offline.
 */
function ensurePrismaClient(log) {
  const schema = join(root, 'prisma', 'schema.prisma');
  const generated = join(root, 'libs', 'persistence', 'src', 'generated', 'prisma', 'client.ts');
  if (mtime(generated) >= mtime(schema) && mtime(generated) >= mtime(join(root, 'node_modules', '.package-lock.json'))) return;
  log('generating the Prisma client…');
  run(process.execPath, [join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  });
}

/** Everything up to a built tree; `quiet` keeps the output to what changed. */
export async function prepare({ build = true, log = (l) => process.stderr.write(`${l}\n`) } = {}) {
  checkNode();
  ensureDependencies(log);
  ensurePrismaClient(log);
  if (build) {
    const { build: compile } = await import('./build.mjs');
    compile({ quiet: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await prepare();
