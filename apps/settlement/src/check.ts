import { createPrismaClient } from '@ampool/persistence';
import { checkInvariants } from './reports/invariants';

/**
 * `npm run settlement:check`: the invariant check of settlement's books against DATABASE_URL
 * (the demo's database when unset). Prints the report as one JSON line; exits 1 when a rule fails.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/ampool';
  const prisma = createPrismaClient({ databaseUrl: url, poolMax: 1, applicationName: 'settlement-check' });
  try {
    const report = await prisma.$transaction((tx) => checkInvariants(tx, Date.now()), { isolationLevel: 'RepeatableRead', timeout: 300_000 });
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
