import { connect } from '@nats-io/transport-node';
import { registerDevice, registerParticipant, signingWith, type RegisteredParticipant } from '@ampool/client';
import { EntryCommitted, HoldPlaced } from '@ampool/contracts';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { startBenchSystem } from '../bench-system';
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
  const sys = await startBenchSystem(['identity', 'energy-market', 'settlement', 'ledger'], log);
  try {
    const { client, operator } = sys;
    const household = () => registerParticipant(client, 'household', 'bench');

    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 120_000) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();
    const seller = await household();
    const buyers = await Promise.all(Array.from({ length: BUYERS }, household));
    for (const b of buyers) await client.post('/v1/deposits', { id: uuidv7(), participant: b.did, amountMicro: '1000000000' }, operator);
    // The seller's PV inverter can deliver the whole sell in one interval.
    const pv = await registerDevice(client, seller, 'pv_inverter', { powerW: BigInt(ORDERS) * 400n + 1_000n, capacityWh: 0n, reserveWh: 0n });
    await client.post(
      '/v1/energy/orders',
      { id: uuidv7(), participant: seller.did, side: 'sell', zone: 'north', intervalStart, quantityWh: String(ORDERS * 100), limitPriceMicroPerKwh: '200000', device: pv.did },
      signingWith(seller.key),
    );

    // Hold and ledger events, timed as they are published.
    const nc = await connect({ servers: sys.natsUrl });
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
            { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'north', intervalStart, quantityWh: '100', limitPriceMicroPerKwh: '250000' },
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
    await sys.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
