import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listJsonFiles, testdataPath } from '@ampool/testdata';
import { checkProof } from './check-proof';

const hexOf = (b64: string | null | undefined) => Buffer.from(b64 ?? '', 'base64').toString('hex');
// A zero-length proof element cannot be written as hex on a command line; pass a word instead.
const proofArg = (proof: string[] | null) => (proof ?? []).map((h) => hexOf(h) || 'empty').join(',');
const is32 = (b64: string) => Buffer.from(b64, 'base64').length === 32;
/** Valid only if the vector says so and every hash is 32 bytes (the checker refuses other lengths, as @ampool/crypto does). */
const expectValid = (wantErr: boolean, hashes: string[]) => !wantErr && hashes.every(is32);
const run = (args: string[]) => checkProof(args, () => undefined);

interface InclusionVector { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean }
interface ConsistencyVector { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean }

/** The command-line checker against every transparency-dev/merkle inclusion and consistency vector. */
describe('ledger:check-proof', () => {
  const files = (dir: string) => listJsonFiles(join('merkle', dir)).map((f) => [f, JSON.parse(readFileSync(testdataPath(join('merkle', dir, f)), 'utf8'))] as const);

  it.each(files('inclusion'))('inclusion %s: exit 0 exactly for a valid proof', (_file, v: InclusionVector) => {
    const code = run(['inclusion', '--leaf-hash', hexOf(v.leafHash), '--index', String(v.leafIdx), '--tree-size', String(v.treeSize), '--root', hexOf(v.root), '--proof', proofArg(v.proof)]);
    if (expectValid(v.wantErr, [v.root, v.leafHash, ...(v.proof ?? [])])) expect(code).toBe(0);
    else expect(code).not.toBe(0);
  });

  it.each(files('consistency'))('consistency %s: exit 0 exactly for a valid proof', (_file, v: ConsistencyVector) => {
    const code = run(['consistency', '--size1', String(v.size1), '--size2', String(v.size2), '--root1', hexOf(v.root1), '--root2', hexOf(v.root2), '--proof', proofArg(v.proof)]);
    // A proof from the empty tree proves nothing: refused even where the vector accepts it.
    if (v.size1 > 0 && expectValid(v.wantErr, [v.root1, v.root2, ...(v.proof ?? [])])) expect(code).toBe(0);
    else expect(code).not.toBe(0);
  });

  it('answers unusable arguments with exit code 2', () => {
    expect(run([])).toBe(2);
    expect(run(['inclusion', '--index', '1'])).toBe(2);
    expect(run(['consistency', '--size1', 'x', '--size2', '2', '--root1', 'a'.repeat(64), '--root2', 'a'.repeat(64), '--proof', ''])).toBe(2);
  });
});
