import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { ChainVerifier, parseGenesis, type ChainProblem, type Genesis } from '@ampool/ledger';
import { ChainStore, type ValidatorSchema } from '../chain/chain.store';

/**
 * `npm run ledger:verify -- [--database-url URL] [--genesis FILE] [--schema ledger_v1 ...]`
 *
 * Trusts nothing stored: recomputes every hash and root of each validator's copy from its
 * entries, checks every signature and the quorum of each final block, then compares the
 * copies block by block. Names the first entry or block that differs; exit code 0 only when
 * every copy verifies and they agree.
 */
const SCHEMAS: ValidatorSchema[] = ['ledger_v1', 'ledger_v2', 'ledger_v3'];
const PAGE = 200;

interface CopyReport {
  schema: ValidatorSchema;
  blocks: number;
  entries: number;
  finalHeight: number;
  problem: ChainProblem | null;
  refusedSignatures: { height: number; validator: string; reason: string }[];
  hashes: string[];
}

function parseArgs(argv: string[]) {
  const out: { databaseUrl?: string; genesis?: string; schemas: ValidatorSchema[]; quiet: boolean } = { schemas: [], quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--database-url') out.databaseUrl = value();
    else if (a === '--genesis') out.genesis = value();
    else if (a === '--schema') {
      const s = value();
      if (!(SCHEMAS as string[]).includes(s)) throw new Error(`--schema must be one of ${SCHEMAS.join(', ')}`);
      out.schemas.push(s as ValidatorSchema);
    } else if (a === '--quiet') out.quiet = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

function progress(enabled: boolean) {
  let last = '';
  return {
    update(label: string, done: number, total: number) {
      if (!enabled) return;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} blocks`;
      if (line === last) return;
      last = line;
      process.stderr.write(`\r${line}`);
    },
    end() {
      if (enabled && last) process.stderr.write('\n');
      last = '';
    },
  };
}

async function verifyCopy(store: ChainStore, schema: ValidatorSchema, genesis: Genesis, bar: ReturnType<typeof progress>): Promise<CopyReport> {
  const verifier = new ChainVerifier(genesis);
  const total = await store.blockCount();
  const finalHeight = await store.lastFinalHeight();
  const report: CopyReport = { schema, blocks: 0, entries: 0, finalHeight, problem: null, refusedSignatures: [], hashes: [] };
  let from = 1;
  for (;;) {
    const blocks = await store.blocks(from, PAGE);
    if (blocks.length === 0) break;
    const last = blocks.at(-1)!.height;
    const entries = await store.entriesOfBlocks(blocks[0]!.height, last);
    const votes = await store.votesOfBlocks(genesis.chainId, blocks[0]!.height, last);
    for (const b of blocks) {
      const problem = verifier.check(
        {
          height: b.height,
          headerJson: b.json,
          headerHash: b.hash,
          entries: entries.filter((e) => e.height === b.height).map((e) => ({ logIndex: e.logIndex, id: e.id, json: e.json })),
          votes: votes.filter((v) => v.height === b.height),
        },
        { requireQuorum: b.height <= finalHeight },
      );
      if (problem) {
        report.problem = problem;
        bar.end();
        report.refusedSignatures = verifier.refusedVotes;
        return report;
      }
      report.blocks++;
      report.entries = verifier.logSize;
      report.hashes.push(b.hash);
      bar.update(schema, report.blocks, total);
    }
    from = last + 1;
  }
  bar.end();
  report.refusedSignatures = verifier.refusedVotes;
  return report;
}

function describe(p: ChainProblem): string {
  return p.logIndex !== undefined ? `block ${p.height}, entry #${p.logIndex} (${p.entryId}): ${p.message}` : `block ${p.height}: ${p.message}`;
}

export async function main(argv: string[], out: (line: string) => void): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    out(`${(error as Error).message}\nusage: ledger:verify -- [--database-url URL] [--genesis FILE] [--schema ledger_v1 ...] [--quiet]`);
    return 2;
  }
  const databaseUrl = args.databaseUrl ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/ampool';
  const genesisFile = args.genesis ?? process.env.LEDGER_GENESIS_FILE ?? join(process.cwd(), '.ampool', 'ledger', 'genesis.json');
  if (!existsSync(genesisFile)) {
    out(`no genesis file at ${genesisFile} (give --genesis)`);
    return 2;
  }
  const genesis = parseGenesis(readFileSync(genesisFile, 'utf8'));
  const pool = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'ledger-verify' });
  const bar = progress(!args.quiet && process.stderr.isTTY === true);
  let failed = false;
  try {
    const schemas = args.schemas.length > 0 ? args.schemas : SCHEMAS;
    const reports: CopyReport[] = [];
    for (const schema of schemas) {
      const store = new ChainStore(pool, schema);
      const r = await verifyCopy(store, schema, genesis, bar);
      reports.push(r);
      for (const s of r.refusedSignatures) out(`${schema}: refused signature of ${s.validator} for block ${s.height}: ${s.reason}`);
      if (r.problem) {
        failed = true;
        out(`${schema}: FAILED at ${describe(r.problem)}`);
      } else {
        out(`${schema}: ok — ${r.blocks} blocks, ${r.entries} entries, final up to block ${r.finalHeight}; every hash, root and signature recomputed`);
      }
    }
    // Compare the copies over the heights they all hold.
    for (let i = 1; i < reports.length; i++) {
      const a = reports[0]!;
      const b = reports[i]!;
      const common = Math.min(a.hashes.length, b.hashes.length);
      const differs = a.hashes.findIndex((h, k) => k < common && h !== b.hashes[k]);
      if (differs >= 0) {
        failed = true;
        out(`${b.schema} differs from ${a.schema} at block ${differs + 1}`);
      } else {
        out(`${b.schema} and ${a.schema} agree on blocks 1..${common}`);
      }
    }
  } finally {
    await pool.end();
  }
  out(failed ? 'ledger verification FAILED' : 'ledger verified');
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`ledger:verify failed: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
