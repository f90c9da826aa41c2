import { fromHex, verifyConsistency, verifyInclusion } from '@ampool/crypto';

/**
 * `npm run ledger:check-proof -- inclusion --leaf-hash H --index I --tree-size N --root R --proof H1,H2,…`
 * `npm run ledger:check-proof -- consistency --size1 A --size2 B --root1 R1 --root2 R2 --proof H1,…`
 *
 * Checks an RFC 9162 proof with nothing but the hashes (no database, no network). Exit code
 * 0 only for a valid proof; 1 for an invalid one; 2 for unusable arguments.
 */
const USAGE = `usage:
  ledger:check-proof -- inclusion --leaf-hash H --index I --tree-size N --root R --proof H1,H2,...
  ledger:check-proof -- consistency --size1 A --size2 B --root1 R1 --root2 R2 --proof H1,H2,...
hashes are 64 hex digits; an empty proof is --proof ""`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { mode: string; flags: Map<string, string> } {
  const [mode, ...rest] = argv;
  if (mode !== 'inclusion' && mode !== 'consistency') throw new UsageError(`unknown proof kind ${mode ?? '(none)'}`);
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf('=');
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${arg}`);
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const value = rest[i + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  return { mode, flags };
}

function hash(flags: Map<string, string>, name: string): Uint8Array {
  const v = flags.get(name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new UsageError(`--${name} must be 64 hex digits`);
  return fromHex(v.toLowerCase());
}

function size(flags: Map<string, string>, name: string): number {
  const v = flags.get(name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  if (!/^[0-9]{1,16}$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
}

function proof(flags: Map<string, string>): Uint8Array[] {
  const v = flags.get('proof');
  if (v === undefined) throw new UsageError('--proof is required (comma-separated hashes, "" for none)');
  if (v.trim() === '') return [];
  return v.split(',').map((h, i) => {
    if (!/^[0-9a-fA-F]{64}$/.test(h.trim())) throw new UsageError(`proof hash ${i + 1} must be 64 hex digits`);
    return fromHex(h.trim().toLowerCase());
  });
}

/** Returns the exit code. */
export function checkProof(argv: string[], out: (line: string) => void): number {
  try {
    const { mode, flags } = parseArgs(argv);
    if (mode === 'inclusion') {
      const ok = verifyInclusion(hash(flags, 'leaf-hash'), size(flags, 'index'), size(flags, 'tree-size'), proof(flags), hash(flags, 'root'));
      out(ok ? 'inclusion proof: valid' : 'inclusion proof: INVALID');
      return ok ? 0 : 1;
    }
    const ok = verifyConsistency(size(flags, 'size1'), size(flags, 'size2'), proof(flags), hash(flags, 'root1'), hash(flags, 'root2'));
    out(ok ? 'consistency proof: valid' : 'consistency proof: INVALID');
    return ok ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      out(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exitCode = checkProof(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
}
