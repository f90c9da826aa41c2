import { ALL_FAULTS, formatReport, runChaos } from './run-chaos';

/**
 * `npm run test:chaos`: the full fault run. Every service SIGKILLed and restarted in turn
 * (each ledger validator on its own), PostgreSQL crashed and restarted, one node of the
 * 3-node JetStream cluster SIGKILLed and brought back — all under steady load through the
 * gateway. Prints a table and, last, one JSON line; exits 1 when any check fails.
 * `-- --instances 2` runs two instances of every service but the validators and the gateway:
 * each kill then takes one instance down while the other keeps serving.
 */
async function main(): Promise<void> {
  const gapMs = Number(process.env.CHAOS_GAP_MS ?? 12_000);
  const at = process.argv.indexOf('--instances');
  const instances = at >= 0 ? Number(process.argv[at + 1]) : 1;
  const report = await runChaos({
    faults: ALL_FAULTS,
    gapMs,
    downMs: 2_000,
    natsCluster: true,
    instances,
    load: { paceMs: 60, retryDeadlineMs: 120_000, sellers: 4, buyers: 6, riders: 6, meters: 3, trips: 6, seatsPerTrip: 40, readingsPerBatch: 30 },
    log: (line) => process.stderr.write(`[chaos] ${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error: Error) => {
  process.stderr.write(`chaos run failed: ${error.stack ?? error.message}\n`);
  process.exit(2);
});
