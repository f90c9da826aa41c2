import { formatReport, runChaos, type ChaosReport } from '@ampool/testing';

/**
 * The short fault run (`npm run test:chaos` is the full one): under steady load through the
 * gateway, the energy market, settlement, one ledger validator and the gateway are SIGKILLed
 * and restarted in turn, then the private PostgreSQL server crashes and restarts. Afterwards
 * every accepted order is accounted for, no trade, booking or transfer is lost or applied
 * twice, the books balance, no seat is oversold, every ledger copy verifies, and every
 * request that failed was retried with the same id and landed once. It runs twice: with one
 * instance of every service (a kill takes the service down until it restarts and recovers),
 * and with two (a kill takes one instance down; the other keeps serving and, for the energy
 * market, takes the dead one's areas over by their leases).
 */
describe.each([1, 2])('the system under faults (short run, %i instance(s) of every service)', (instances) => {
  let report: ChaosReport;

  beforeAll(async () => {
    report = await runChaos({
      instances,
      faults: [
        { kind: 'service', app: 'energy-market' },
        { kind: 'service', app: 'settlement' },
        { kind: 'validator', index: 1 },
        { kind: 'service', app: 'gateway' },
        { kind: 'postgres' },
      ],
      gapMs: 3_000,
      downMs: 1_000,
      natsCluster: false,
      quietTimeoutMs: 90_000,
      load: { paceMs: 100, retryDeadlineMs: 90_000, sellers: 2, buyers: 3, riders: 3, meters: 2, trips: 3, seatsPerTrip: 15, readingsPerBatch: 20 },
      log: () => undefined,
    });
    process.stderr.write(`${formatReport(report)}\n`);
  }, 600_000);

  it('injected every fault while requests were failing and being retried', () => {
    expect(report.faults).toHaveLength(5);
    const failed = Object.values(report.requests).reduce((s, r) => s + r.failedAttempts, 0);
    expect(failed).toBeGreaterThan(0);
  });

  it('passes every check', () => {
    const failing = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failing).toEqual([]);
    expect(report.checks.length).toBeGreaterThanOrEqual(10);
  });
});
