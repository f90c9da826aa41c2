#!/usr/bin/env node
// Compiles apps/, libs/, infra/ and bench/ TypeScript to CommonJS in dist/ with SWC, and
// bundles the operator dashboard (apps/dashboard, a browser app) into dist/dashboard/ with esbuild.
// Type checking is a separate step (`npm run typecheck`): SWC strips types without checking
// them, which keeps a full build of every app to a couple of seconds on a 2-core machine.
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const swc = require('@swc/core');

const SOURCE_DIRS = ['apps', 'libs', 'infra', 'bench'];
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;
const ASSET_FILE = /\.(json|html|css|svg|sql)$/;

/** Path aliases come from tsconfig.json so there is one source of truth for them. */
function aliasPaths() {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  const paths = {};
  for (const [alias, targets] of Object.entries(tsconfig.compilerOptions.paths ?? {})) {
    paths[alias] = targets.map((t) => t.replace(/^\.\//, ''));
  }
  return paths;
}

/** The browser app: bundled by esbuild, not compiled for Node. */
const DASHBOARD_DIR = join(root, 'apps', 'dashboard');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (full === DASHBOARD_DIR) continue;
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

export function build({ quiet = false } = {}) {
  const started = Date.now();
  const outDir = join(root, 'dist');
  rmSync(outDir, { recursive: true, force: true });
  const options = {
    swcrc: false,
    sourceMaps: true,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths: aliasPaths(),
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  };
  let files = 0;
  for (const top of SOURCE_DIRS) {
    let entries;
    try {
      entries = [...walk(join(root, top))];
    } catch {
      continue;
    }
    for (const file of entries) {
      const rel = relative(root, file);
      const dest = join(outDir, rel);
      if (file.endsWith('.ts') && !file.endsWith('.d.ts') && !TEST_FILE.test(file)) {
        const out = swc.transformFileSync(file, { ...options, filename: file, sourceFileName: file });
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest.replace(/\.ts$/, '.js'), out.code + `\n//# sourceMappingURL=${dest.split('/').pop().replace(/\.ts$/, '.js')}.map\n`);
        writeFileSync(dest.replace(/\.ts$/, '.js.map'), out.map);
        files++;
      } else if (ASSET_FILE.test(file) && !rel.startsWith('bench/results')) {
        mkdirSync(dirname(dest), { recursive: true });
        copyFileSync(file, dest);
      }
    }
  }
  buildDashboard(join(outDir, 'dashboard'));
  if (!quiet) console.log(`build: ${files} files compiled to dist/ and the dashboard bundled in ${Date.now() - started} ms`);
}

/**
 * One script and one stylesheet (Preact, uPlot and the app), no CDN: the gateway serves them
 * from dist/dashboard with a strict Content-Security-Policy (no inline scripts or styles).
 */
function buildDashboard(outDir) {
  const esbuild = require('esbuild');
  mkdirSync(outDir, { recursive: true });
  esbuild.buildSync({
    entryPoints: { app: join(DASHBOARD_DIR, 'src', 'main.tsx') },
    outdir: outDir,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(DASHBOARD_DIR, 'tsconfig.json'),
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const asset of ['index.html', 'favicon.svg']) copyFileSync(join(DASHBOARD_DIR, asset), join(outDir, asset));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
