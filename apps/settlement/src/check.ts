import { createPrismaClient } from '@ampool/persistence';
import { checkInvariants } from './reports/invariants';

/**
 * `npm run settlement:check [-- --at <ms>]`: the invariant check of settlement's books against
 * DATABASE_URL (the demo's database when unset). `--at` is the business time the timeout rule
 * judges by, for books kept on simulated time (default: the machine's clock). Prints the report
 * as one JSON line; exits 1 when a rule fails.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/ampool';
  const atFlag = process.argv.indexOf('--at');
  const atMs = atFlag > 0 ? Number(process.argv[atFlag + 1]) : Date.now();
  if (!Number.isSafeInteger(atMs)) throw new Error('--at takes a time in milliseconds since 1970');
  const prisma = createPrismaClient({ databaseUrl: url, poolMax: 1, applicationName: 'settlement-check' });
  try {
    const report = await prisma.$transaction((tx) => checkInvariants(tx, atMs), { isolationLevel: 'RepeatableRead', timeout: 300_000 });
    process.stdout.write(`${JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`settlement check failed: ${error.message}\n`);
  process.exit(2);
});
