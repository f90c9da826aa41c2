/**
 * Settlement's transfers through the real service and database (issue 7), in one JSON line.
 *
 *   npm run bench:settlement -- --json [--accounts N] [--holds N] [--per-request N] [--in-flight N] [--singles N]
 *
 * Boots identity and settlement as processes on a fresh database and a private nats-server
 * (bench-system.ts) and funds `--accounts` participants (default 1,000). Then, over NATS
 * (`rpc.settlement.transfer.create`, the operator API's path behind the gateway), sends
 * `--holds` pending transfers between random participants (default 100,000) in requests of
 * `--per-request` (default 500), `--in-flight` requests at once (default 8), and then a partial
 * post of every hold the same way. The service merges concurrent requests into one database
 * transaction each (up to 8,000 transfers), locks accounts in id order, and writes each table
 * once per transaction. Prints `transfersPerSec` (holds + posts ÷ their wall time, the figure of
 * the issue), each phase's rate, and the latency of a single transfer sent alone
 * (`--singles`, default 2,000, one at a time): `p50TransferMs`, `p99TransferMs`. Then the same
 * holds and posts again on the persistence path alone — the service's TransferEngine in
 * transactions of 8,000 on the service's own database login, without NATS — as
 * `persistenceTransfersPerSec`.
 */
import { loadavg } from 'node:os';
import { DepositCreate, TransferCreate } from '@ampool/contracts';
import { newKeyHolder } from '@ampool/client';
import { uuidv7 } from '@ampool/domain';
import { connectNats, RpcClient } from '@ampool/messaging';
import { createPrismaClient } from '@ampool/persistence';
import type { TransferRequest } from '@ampool/settlement';
import { TransferEngine } from '../../apps/settlement/src/transfers/transfer-engine';
import { TransfersRepository } from '../../apps/settlement/src/transfers/transfers.repository';
import { startBenchSystem } from '../bench-system';
import { machine, percentile } from '../machine';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const JSON_OUT = args.includes('--json');
const ACCOUNTS = flag('accounts', 1_000);
const HOLDS = flag('holds', 100_000);
const PER_REQUEST = flag('per-request', 500);
const IN_FLIGHT = flag('in-flight', 8);
const SINGLES = flag('singles', 2_000);
const log = (line: string) => process.stderr.write(`[bench:settlement] ${line}\n`);

type Transfer = ReturnType<typeof TransferCreate.request.parse>['transfers'][number];

async function main(): Promise<void> {
  const sys = await startBenchSystem(['identity', 'settlement'], log);
  try {
    const nc = await connectNats({ servers: [sys.natsUrl], name: 'bench-settlement' });
    const rpc = new RpcClient(nc, 60_000);
    const actor = `operator:${uuidv7()}`;
    const people = Array.from({ length: ACCOUNTS }, () => newKeyHolder().keyId);
    for (const p of people) await rpc.request(DepositCreate, { id: uuidv7(), participant: p, amountMicro: 10n ** 12n, actor });
    log(`${ACCOUNTS} accounts funded; ${HOLDS} holds then ${HOLDS} posts, ${PER_REQUEST} per request, ${IN_FLIGHT} requests in flight ...`);

    /** Sends all transfers in requests of PER_REQUEST, IN_FLIGHT at once; returns seconds and refusals. */
    const send = async (all: Transfer[]) => {
      let next = 0;
      let refused = 0;
      const started = process.hrtime.bigint();
      const worker = async () => {
        for (;;) {
          const from = next;
          next += PER_REQUEST;
          if (from >= all.length) return;
          const { results } = await rpc.request(TransferCreate, { transfers: all.slice(from, from + PER_REQUEST), actor });
          refused += results.filter((r) => r.status === 'refused').length;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      return { seconds: Number(process.hrtime.bigint() - started) / 1e9, refused };
    };

    const pick = () => people[Math.floor(Math.random() * people.length)]!;
    const holds: Transfer[] = Array.from({ length: HOLDS }, () => {
      const debit = pick();
      let credit = pick();
      while (credit === debit) credit = pick();
      return { id: uuidv7(), kind: 'pending' as const, debit, credit, amountMicro: 1_000n, code: 'hold' };
    });
    const posts: Transfer[] = holds.map((h) => ({ id: uuidv7(), kind: 'post' as const, pendingId: h.id, amountMicro: 600n, code: 'delivery' }));
    const h = await send(holds);
    log(`holds: ${(HOLDS / h.seconds).toFixed(0)}/s (${h.refused} refused)`);
    const p = await send(posts);
    log(`posts: ${(HOLDS / p.seconds).toFixed(0)}/s (${p.refused} refused)`);

    const latencies: number[] = [];
    for (let i = 0; i < SINGLES; i++) {
      const t0 = process.hrtime.bigint();
      await rpc.request(TransferCreate, { transfers: [{ id: uuidv7(), kind: 'single', debit: pick(), credit: people[i % people.length]!, amountMicro: 1n, code: 'single' }], actor });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    await nc.drain();

    // The persistence path alone: the service's engine on its own database login, one
    // transaction per 8,000 transfers, no NATS or JSON in between.
    const prisma = createPrismaClient({ databaseUrl: sys.databaseUrls.settlement!, poolMax: 2 });
    const engine = new TransferEngine(new TransfersRepository());
    const owners = people.slice(0, ACCOUNTS);
    const inBatches = async (all: TransferRequest[]) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < all.length; i += 8_000) {
        await prisma.$transaction((tx) => engine.apply(tx, [all.slice(i, i + 8_000)], Date.now()), { timeout: 120_000 });
      }
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    const engineHolds: TransferRequest[] = holds.map((x) => ({ id: uuidv7(), kind: 'pending', debitAccountId: x.debit!, creditAccountId: x.credit!, amount: 1_000n, code: 'hold' }));
    const eh = await inBatches(engineHolds);
    const ep = await inBatches(engineHolds.map((x) => ({ id: uuidv7(), kind: 'post', pendingId: x.id, amount: 600n, code: 'delivery' })));
    await prisma.$disconnect();
    log(`persistence path: holds ${(HOLDS / eh).toFixed(0)}/s, posts ${(HOLDS / ep).toFixed(0)}/s (${owners.length} accounts)`);

    const result = {
      benchmark: 'settlement',
      persistenceTransfersPerSec: Math.round((2 * HOLDS) / (eh + ep)),
      persistenceHoldsPerSec: Math.round(HOLDS / eh),
      persistencePostsPerSec: Math.round(HOLDS / ep),
      /** Through the service: NATS request/reply, validation, batching, the engine, PostgreSQL. */
      transfersPerSec: Math.round((2 * HOLDS) / (h.seconds + p.seconds)),
      holdsPerSec: Math.round(HOLDS / h.seconds),
      postsPerSec: Math.round(HOLDS / p.seconds),
      transfers: 2 * HOLDS,
      refused: h.refused + p.refused,
      p50TransferMs: round(percentile(latencies, 50)),
      p99TransferMs: round(percentile(latencies, 99)),
      accounts: ACCOUNTS,
      perRequest: PER_REQUEST,
      inFlight: IN_FLIGHT,
      machine: machine(),
      /** Other work on the machine while this ran: figures on a shared box move with it. */
      loadAverage1m: round(loadavg()[0]!),
    };
    process.stdout.write(`${JSON.stringify(result, null, JSON_OUT ? undefined : 2)}\n`);
  } finally {
    await sys.stop();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
