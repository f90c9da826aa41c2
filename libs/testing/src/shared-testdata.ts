/**
 * Where the third-party test vectors live (`/work/shared/testdata` on the development machines,
 * described in its README.md). Test-only: imported by specs as `@ampool/testdata` (a light entry point: no database or NATS code).
 *
 * Resolution: `AMPOOL_TESTDATA_DIR` if set (CI can mount the data anywhere), otherwise
 * `<repo root>/../shared/testdata`, where the repo root is the nearest folder above this file
 * that holds a package.json. A missing folder is an error, never a skipped test.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The folder holding package.json nearest above `from`. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
}

/** Absolute path of the shared test-data folder; throws if it does not exist. */
export function sharedTestdataDir(): string {
  const override = process.env['AMPOOL_TESTDATA_DIR'];
  const dir = override !== undefined && override !== '' ? resolve(override) : resolve(findRepoRoot(), '..', 'shared', 'testdata');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`test data not found at ${dir}; set AMPOOL_TESTDATA_DIR to the shared testdata folder`);
  }
  return dir;
}

/** Absolute path of `relativePath` inside the shared test-data folder. */
export function testdataPath(relativePath: string): string {
  return join(sharedTestdataDir(), relativePath);
}

/** UTF-8 text of a test-data file. */
export function readTestdata(relativePath: string): string {
  return readFileSync(testdataPath(relativePath), 'utf8');
}

/** Every `.json` file below a test-data folder, recursively, as sorted paths relative to it. */
export function listJsonFiles(relativeDir: string): string[] {
  const root = testdataPath(relativeDir);
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) found.push(relative(root, path));
    }
  };
  walk(root);
  return found.sort();
}
