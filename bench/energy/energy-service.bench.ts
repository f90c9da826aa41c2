/**
 * The energy market through the real service, journal and database (issue 3), in one JSON line.
 *
 *   npm run bench:energy -- --json [--orders N] [--batch N] [--concurrency N] [--gateway-orders N]
 *   (npm run bench:energy-service is the same command)
 *
 * Boots identity, settlement and energy-market as processes on a fresh database and a private
 * nats-server (bench-system.ts) with the gateway. Registers 8 sellers (each with a PV inverter)
 * and 8 funded buyers, then sends `--orders` orders (default 30,000) into ONE market (zone
 * north, the next interval) over NATS as batch submissions of `--batch` orders (default 500)
 * from one participant each, `--concurrency` batches in flight (default 8). Sells and buys
 * alternate by batch around one mid price, so about half the volume trades. Each order is the
 * whole path: participant check, device check (sells), a settlement hold (buys), the journal
 * append in JetStream, matching, and the transaction that stores orders, trades and events.
 * Prints `ordersPerSec` (accepted orders ÷ wall time), batch latency p50/p99 (request → every
 * order of the batch accepted), the same for single orders (`--single` orders, 64 in flight),
 * and signed batches through the gateway (`--gateway-orders`, 200 per request, 4 in flight).
 */
import { DepositCreate, OrderBatchSubmit, OrderSubmit, type OrderRequest } from '@ampool/contracts';
import { registerDevice, registerParticipant, submitOrders, type OrderBody } from '@ampool/client';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { connectNats, RpcClient } from '@ampool/messaging';
import { startBenchSystem } from '../bench-system';
import { machine, percentile } from '../machine';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUT = args.includes('--json');
const ORDERS = flag('orders', 30_000);
const BATCH = flag('batch', 500);
const CONCURRENCY = flag('concurrency', 8);
const SINGLE = flag('single', 3_000);
const GATEWAY_ORDERS = flag('gateway-orders', 20_000);
const MID = 150_000n;
const log = (line: string) => process.stderr.write(`[bench:energy] ${line}\n`);
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const sys = await startBenchSystem(['identity', 'settlement', 'energy-market'], log);
  try {
    const nc = await connectNats({ servers: [sys.natsUrl], name: 'bench-energy' });
    const rpc = new RpcClient(nc, 60_000);
    const sellers = await Promise.all(Array.from({ length: 8 }, (_, i) => registerParticipant(sys.client, 'household', `seller ${i}`)));
    const buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => registerParticipant(sys.client, 'household', `buyer ${i}`)));
    const devices = new Map<string, string>();
    for (const s of sellers) devices.set(s.did, (await registerDevice(sys.client, s, 'pv_inverter', { powerW: 4_000_000_000n, capacityWh: 0n, reserveWh: 0n })).did);
    const actor = `operator:${uuidv7()}`;
    for (const b of buyers) await rpc.request(DepositCreate, { id: uuidv7(), participant: b.did, amountMicro: 10n ** 15n, actor });

    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 10 * 60_000) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start);
    const order = (i: number, sell: boolean): OrderRequest => ({
      id: uuidv7(), side: sell ? 'sell' : 'buy', zone: 'north', intervalStart, quantityWh: BigInt(100 + (i % 10) * 100),
      // Normally spread offsets of ±10 ticks of 1,000 µ around the mid price, buys a little above.
      limitPriceMicroPerKwh: MID + BigInt(((i * 7919) % 21) - 10) * 1_000n + (sell ? 0n : 2_000n), timeInForce: 'GTC',
    });

    // Warm-up: opens the market and the code paths.
    await rpc.request(OrderBatchSubmit, { participant: sellers[0]!.did, orders: Array.from({ length: 50 }, (_, i) => ({ ...order(i, true), device: devices.get(sellers[0]!.did)! })) });

    log(`${ORDERS} orders into one market, batches of ${BATCH}, ${CONCURRENCY} in flight ...`);
    const latencies: number[] = [];
    let accepted = 0;
    let rejected = 0;
    let trades = 0;
    let nextBatch = 0;
    const batches = Math.ceil(ORDERS / BATCH);
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const b = nextBatch++;
          if (b >= batches) return;
          const sell = b % 2 === 0;
          const who = sell ? sellers[b % sellers.length]! : buyers[b % buyers.length]!;
          const orders = Array.from({ length: Math.min(BATCH, ORDERS - b * BATCH) }, (_, k) => {
            const o = order(b * BATCH + k, sell);
            return sell ? { ...o, device: devices.get(who.did)! } : o;
          });
          const t0 = process.hrtime.bigint();
          const { results } = await rpc.request(OrderBatchSubmit, { participant: who.did, orders });
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          for (const r of results) {
            if (r.status === 'accepted') {
              accepted++;
              trades += r.trades.length;
            } else rejected++;
          }
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`${accepted} accepted, ${rejected} refused, ${trades} trades in ${seconds.toFixed(1)} s (${Math.round(accepted / seconds)} orders/s)`);

    // Single orders, one request each.
    const singleLatencies: number[] = [];
    let nextSingle = 0;
    const singleStarted = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (;;) {
          const i = nextSingle++;
          if (i >= SINGLE) return;
          const sell = i % 2 === 0;
          const who = sell ? sellers[i % sellers.length]! : buyers[i % buyers.length]!;
          const o = order(i, sell);
          const t0 = process.hrtime.bigint();
          await rpc.request(OrderSubmit, { ...o, participant: who.did, ...(sell ? { device: devices.get(who.did)! } : {}) });
          singleLatencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const singleSeconds = Number(process.hrtime.bigint() - singleStarted) / 1e9;
    log(`${SINGLE} single orders in ${singleSeconds.toFixed(1)} s`);

    // Signed batches through the gateway.
    let gateway: Record<string, number> = {};
    if (GATEWAY_ORDERS > 0) {
      const gwLatencies: number[] = [];
      let gwAccepted = 0;
      let gwFailed = 0;
      let nextGw = 0;
      const per = 200; // the gateway's default body limit (64 KiB) holds about 250 orders
      const gwBatches = Math.ceil(GATEWAY_ORDERS / per);
      const gwStarted = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (;;) {
            const b = nextGw++;
            if (b >= gwBatches) return;
            const sell = b % 2 === 0;
            const who = sell ? sellers[b % sellers.length]! : buyers[b % buyers.length]!;
            const body: OrderBody[] = Array.from({ length: per }, (_, k) => {
              const o = order(b * per + k, sell);
              return {
                id: o.id, side: o.side, zone: o.zone, intervalStart: intervalStart.toISOString(), quantityWh: o.quantityWh.toString(),
                limitPriceMicroPerKwh: o.limitPriceMicroPerKwh.toString(), ...(sell ? { device: devices.get(who.did)! } : {}),
              };
            });
            const t0 = process.hrtime.bigint();
            try {
              const results = await submitOrders(sys.client, who, body);
              gwLatencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
              gwAccepted += results.filter((r) => r.status === 'accepted').length;
            } catch (error) {
              // A timeout at the gateway (the service still busy with the backlog) is counted, not fatal.
              gwFailed++;
              log(`gateway batch failed: ${(error as Error).message}`);
            }
          }
        }),
      );
      const gwSeconds = Number(process.hrtime.bigint() - gwStarted) / 1e9;
      gateway = { gatewayOrdersPerSec: Math.round(gwAccepted / gwSeconds), gatewayBatchesFailed: gwFailed, gatewayBatchP50Ms: round(percentile(gwLatencies, 50)), gatewayBatchP99Ms: round(percentile(gwLatencies, 99)) };
    }
    await nc.drain();

    const result = {
      benchmark: 'energy-service',
      ordersPerSec: Math.round(accepted / seconds),
      ordersAccepted: accepted,
      ordersRefused: rejected,
      trades,
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      batchP50Ms: round(percentile(latencies, 50)),
      batchP99Ms: round(percentile(latencies, 99)),
      singleOrdersPerSec: Math.round(SINGLE / singleSeconds),
      singleP50Ms: round(percentile(singleLatencies, 50)),
      singleP99Ms: round(percentile(singleLatencies, 99)),
      ...gateway,
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(result, null, JSON_OUT ? undefined : 2)}\n`);
  } finally {
    await sys.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
