import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

/** `../shared/testdata` beside the repository, or AMPOOL_TESTDATA_DIR. */
export function testdataDir(): string {
  return process.env.AMPOOL_TESTDATA_DIR ?? join(repoRoot(), '..', 'shared', 'testdata');
}
