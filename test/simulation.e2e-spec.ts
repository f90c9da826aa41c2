import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '@ampool/bootstrap';
import { query, startTestSystem, type TestSystem } from '@ampool/testing';

jest.setTimeout(300_000);

/** Tomorrow 06:00 UTC: ahead of the machine's clock, so readings stamped then are only accepted on simulated time. */
const SIM_START = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000 + 6 * 3_600_000;

/**
 * The demo's population as a process of its own on shared simulated time, headless for three
 * simulated hours: households join through the API with their own keys, meters sign readings,
 * households trade, drivers publish and riders search. What the report says must be what the
 * services recorded, and the services must have run on the simulated clock, not the machine's.
 */
describe('the simulated neighbourhood and city (headless)', () => {
  let sys: TestSystem;
  const reportDir = mkdtempSync(join(tmpdir(), 'ampool-report-'));

  beforeAll(async () => {
    sys = await startTestSystem({ sharedClock: { simAtMs: SIM_START, realAtMs: Date.now(), rate: 0 } });
  });
  afterAll(() => sys?.stop());
  const one = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> => (await query<T>(sys.db.url, sql, params))[0]!;

  it('runs, writes its report, and the report agrees with the services', async () => {
    const lines: string[] = [];
    let finished: (ok: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => (finished = resolve));
    const sim = await startApp(
      'simulator',
      {
        NATS_URL: sys.nats.url, NATS_USER: 'simulator', NATS_PASSWORD: sys.nats.passwords!.simulator, LOG_LEVEL: 'warn',
        GATEWAY_URL: sys.gatewayUrl, OPERATOR_EMAIL: sys.operatorAccount.email, OPERATOR_PASSWORD: sys.operatorAccount.password,
        SCENARIO: 'population', SIM_MODE: 'headless', SIM_HOUSEHOLDS: '12', SIM_DRIVERS: '6', SIM_RIDERS: '20', SIM_DAYS: '0.125',
        SIM_START: new Date(SIM_START).toISOString(), SIM_SEED: '3', REPORT_DIR: reportDir,
      },
      {
        probeCredentials: { user: 'admin', pass: sys.nats.passwords!.admin },
        onOutput: (chunk) => {
          for (const line of chunk.split('\n').filter(Boolean)) {
            lines.push(line);
            if (/\[sim\] done$/.test(line)) finished(true);
            if (/\[sim\] failed/.test(line)) finished(false);
          }
        },
      },
    );
    try {
      expect(await done).toBe(true);
    } finally {
      await sim.stop();
      if (process.env.SIM_DEBUG) for (const [app, p] of sys.processes) process.stderr.write(`--- ${app}\n${p.output().slice(-4000)}\n`);
    }
    expect(lines.filter((l) => /\[sim\] time .* step \d+\/12$/.test(l))).toHaveLength(12);

    const report = readFileSync(join(reportDir, 'report.md'), 'utf8');
    expect(readdirSync(reportDir).filter((f) => f.endsWith('.svg')).sort()).toEqual(['import-by-zone.svg', 'prices.svg', 'production.svg', 'volumes.svg']);
    const number = (label: string) => Number(new RegExp(`\\| ${label} \\| ([0-9,]+)`).exec(report)?.[1]?.replace(/,/g, ''));

    // Every member joined through the API, and the trades and readings the report counts are the services' own.
    const { n: households } = await one<{ n: string }>(`SELECT count(*)::text AS n FROM identity.participant WHERE role = 'household'`);
    expect(Number(households)).toBe(12);
    const { n: trades } = await one<{ n: string }>('SELECT count(*)::text AS n FROM energy.trade');
    expect(number('trades')).toBeGreaterThan(0);
    expect(number('trades')).toBe(Number(trades));
    const { n: readings } = await one<{ n: string }>('SELECT count(*)::text AS n FROM metering.reading');
    expect(number('meter readings stored')).toBe(Number(readings));
    // 12 meters, a reading at the start and after each of the 12 intervals.
    expect(Number(readings)).toBe(12 * 13);

    // The services ran on simulated time: readings (refused as clock skew on the machine's clock) and trades lie in the simulated morning.
    const { first, last } = await one<{ first: Date; last: Date }>('SELECT min(at) AS first, max(at) AS last FROM metering.reading');
    expect(first.getTime()).toBe(SIM_START);
    expect(last.getTime()).toBe(SIM_START + 3 * 3_600_000);
    const { n: outside } = await one<{ n: string }>(`SELECT count(*)::text AS n FROM energy.trade WHERE interval_start < $1 OR interval_start > $2`, [new Date(SIM_START), new Date(SIM_START + 4 * 3_600_000)]);
    expect(outside).toBe('0');
    expect(number('trips published')).toBeGreaterThan(0);
    expect(existsSync(join(reportDir, 'report.md'))).toBe(true);
  });
});
