import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import {
  ensureEnvironment,
  ensureNatsServerBinary,
  ensureServiceLogins,
  freePort,
  localDataDir,
  repoRoot,
  startApp,
  startNatsServer,
  type ServiceProcess,
} from '@ampool/bootstrap';
import { EntryCommitted, HoldPlaced } from '@ampool/contracts';
import { AmpoolClient, loginOperator, registerParticipant, signingWith, type RegisteredParticipant } from '@ampool/client';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { applyMigrations, createDatabase, dropDatabase } from '@ampool/persistence';
import { machine, percentile } from '../machine';

/**
 * The foundation's trade path, end to end on one machine: signed buy orders through the
 * gateway's HTTP API, matched against resting sells, each trade held by settlement and recorded by the
 * ledger. Reports orders/s, HTTP submit latency, and order → committed latency (the later of
 * the hold and the ledger entry, timed from the events on NATS).
 *
 *   npm run bench:trade-path -- --json [--orders 2000] [--concurrency 16]
 */
const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ORDERS = option('orders', 2000);
const CONCURRENCY = option('concurrency', 16);
const BUYERS = 32;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const root = repoRoot();
  const env = await ensureEnvironment({ databaseUrl: process.env.DATABASE_URL, natsUrl: process.env.NATS_URL, dataDir: localDataDir(root), log });
  const dbName = `ampool_bench_${Date.now()}`;
  const dbUrl = await createDatabase(env.postgres.serverUrl, dbName);
  await applyMigrations(dbUrl, join(root, 'prisma', 'migrations'));
  const logins = await ensureServiceLogins(env.postgres.serverUrl, dbUrl, `p${Date.now()}`);
  const storeDir = mkdtempSync(join(tmpdir(), 'ampool-bench-nats-'));
  const nats = await startNatsServer({ binary: ensureNatsServerBinary(log), storeDir });
  const port = await freePort();
  const procs: ServiceProcess[] = [];
  try {
    const operatorAccount = { email: 'bench@ampool.local', password: `bench-${Date.now()}-password` };
    const env = (app: 'identity' | 'energy-market' | 'settlement' | 'ledger') => ({
      DATABASE_URL: logins[app], NATS_URL: nats.url, LOG_LEVEL: 'warn',
      ...(app === 'identity' ? { AUTO_APPROVE_ROLES: 'household', BOOTSTRAP_OPERATOR_EMAIL: operatorAccount.email, BOOTSTRAP_OPERATOR_PASSWORD: operatorAccount.password } : {}),
    });
    procs.push(...(await Promise.all((['identity', 'energy-market', 'settlement', 'ledger'] as const).map((a) => startApp(a, env(a))))));
    procs.push(await startApp('gateway', { NATS_URL: nats.url, LOG_LEVEL: 'warn', PORT: String(port), RATE_LIMIT_PER_SECOND: '0' }));
    const client = new AmpoolClient(`http://127.0.0.1:${port}`);
    const operator = await loginOperator(client, operatorAccount.email, operatorAccount.password);
    const household = () => registerParticipant(client, 'household', 'bench');

    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 120_000) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();
    const seller = await household();
    const buyers = await Promise.all(Array.from({ length: BUYERS }, household));
    for (const b of buyers) await client.post('/v1/deposits', { id: uuidv7(), participant: b.did, amountMicro: '1000000000' }, operator);
    await client.post(
      '/v1/energy/orders',
      { id: uuidv7(), participant: seller.did, side: 'sell', zone: 'bench', intervalStart, quantityWh: String(ORDERS * 100), limitPriceMicroPerKwh: '200000' },
      signingWith(seller.key),
    );

    // Hold and ledger events, timed as they are published.
    const nc = await connect({ servers: nats.url });
    const heldAt = new Map<string, number>();
    const committedAt = new Map<string, number>();
    const sub = nc.subscribe('evt.>', {
      callback: (_err, msg) => {
        const now = performance.now();
        if (msg.subject === HoldPlaced.subject) heldAt.set(HoldPlaced.envelope.parse(msg.json()).data.reference.id, now);
        else if (msg.subject === EntryCommitted.subject) {
          const d = EntryCommitted.envelope.parse(msg.json()).data;
          if (d.type === 'energy.trade') committedAt.set(d.subjectId, now);
        }
      },
    });

    const submittedAt = new Map<string, number>();
    const submitMs: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) {
          const i = next++;
          const buyer: RegisteredParticipant = buyers[i % BUYERS]!;
          const s = performance.now();
          const res = await client.post<{ trades: { id: string }[] }>(
            '/v1/energy/orders',
            { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'bench', intervalStart, quantityWh: '100', limitPriceMicroPerKwh: '250000' },
            signingWith(buyer.key),
          );
          submitMs.push(performance.now() - s);
          submittedAt.set(res.trades[0]!.id, s);
        }
      }),
    );
    const submitSeconds = (performance.now() - t0) / 1000;
    const deadline = Date.now() + 120_000;
    const done = () => [...submittedAt.keys()].every((id) => heldAt.has(id) && committedAt.has(id));
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const allSeconds = (performance.now() - t0) / 1000;
    sub.unsubscribe();
    await nc.close();

    const toCommitted = [...submittedAt].filter(([id]) => heldAt.has(id) && committedAt.has(id)).map(([id, s]) => Math.max(heldAt.get(id)!, committedAt.get(id)!) - s);
    const result = {
      bench: 'trade-path',
      orders: ORDERS,
      concurrency: CONCURRENCY,
      committed: toCommitted.length,
      ordersPerSec: Math.round(ORDERS / submitSeconds),
      committedTradesPerSec: Math.round(toCommitted.length / allSeconds),
      submitP50Ms: +percentile(submitMs, 50).toFixed(1),
      submitP99Ms: +percentile(submitMs, 99).toFixed(1),
      orderToCommittedP50Ms: +percentile(toCommitted, 50).toFixed(1),
      orderToCommittedP99Ms: +percentile(toCommitted, 99).toFixed(1),
      machine: machine(),
    };
    if (!json) log(JSON.stringify(result, null, 2));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await nats.stop();
    rmSync(storeDir, { recursive: true, force: true });
    await dropDatabase(env.postgres.serverUrl, dbName);
    await env.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
