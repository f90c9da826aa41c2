import { join } from 'node:path';
import { repoRoot } from '@ampool/bootstrap';

export { repoRoot };

/** `../shared/testdata` beside the repository, or AMPOOL_TESTDATA_DIR. */
export function testdataDir(): string {
  return process.env.AMPOOL_TESTDATA_DIR ?? join(repoRoot(), '..', 'shared', 'testdata');
}
