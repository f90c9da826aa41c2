/**
 * The permissioned ledger end to end: three validator processes (each its own schema) and
 * PostgreSQL on this machine, a private nats-server, entries pre-signed by the bench
 * submitter.
 *
 * 1. Throughput: `--entries` entries published as fast as JetStream takes them; entries/s
 *    from the first submission until the last entry is final (a quorum signed its block).
 * 2. Latency: `--rate` entries/s for `--seconds`; submit → final for each entry, taken when
 *    the finality event (`EntryCommitted`) for it arrives; p50 and p99.
 * 3. Proofs: inclusion proof served by a validator from its stored subtrees (one SQL query +
 *    assembly) at the log size reached; and assembly alone in a log of `--log-leaves`
 *    (10,000,000) leaves built in memory, keeping only the nodes the sampled proofs need.
 *
 *     npm run bench:ledger -- [--json] [--entries 20000] [--rate 10000] [--seconds 5] [--log-leaves 10000000]
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ensureEnvironment, ensureNatsServerBinary, ensureServiceLogins, localDataDir, prepareLedgerMembers, repoRoot, startNatsServer, startValidators } from '@ampool/bootstrap';
import { EntryCommitted } from '@ampool/contracts';
import { CompactMerkleRange, inclusionProofFromSubtrees, inclusionProofNodes, leafHash, verifyInclusion, type SubtreeNodeId } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { entryJson, signEntry, SUBMIT_SUBJECT } from '@ampool/ledger';
import { applyMigrations, createDatabase, dropDatabase } from '@ampool/persistence';
import { Pool } from 'pg';
import { booleanFlag, machineInfo, median, nowMs, numberFlag, printTable } from '../crypto/bench-harness';
import { percentile } from '../machine';

const BUYER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SELLER = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';

async function main(): Promise<void> {
  const json = booleanFlag('json');
  const total = numberFlag('entries', 20_000);
  const rate = numberFlag('rate', 10_000);
  const seconds = numberFlag('seconds', 5);
  const logLeaves = numberFlag('log-leaves', 10_000_000);
  const log = (line: string) => !json && process.stderr.write(`[bench:ledger] ${line}\n`);

  const root = repoRoot();
  const env = await ensureEnvironment({ databaseUrl: process.env.DATABASE_URL, natsUrl: process.env.NATS_URL, dataDir: localDataDir(root), log });
  const dbName = `ampool_bench_ledger_${Date.now()}`;
  const dbUrl = await createDatabase(env.postgres.serverUrl, dbName);
  const storeDir = mkdtempSync(join(tmpdir(), 'ampool-bench-ledger-'));
  let nats: Awaited<ReturnType<typeof startNatsServer>> | undefined;
  let stopValidators: (() => Promise<unknown>) | undefined;
  try {
    await applyMigrations(dbUrl, join(root, 'prisma', 'migrations'));
    const logins = await ensureServiceLogins(env.postgres.serverUrl, dbUrl, `p${randomBytes(12).toString('hex')}`);
    nats = await startNatsServer({ binary: ensureNatsServerBinary(log), storeDir: join(storeDir, 'nats') });
    const members = prepareLedgerMembers(join(storeDir, 'ledger'), { keys: 'labelled', label: 'bench', chainId: 'ampool-bench', maxEntries: 1_000, maxAgeMs: 50 });
    const group = await startValidators(members, { DATABASE_URL: logins.ledger, NATS_URL: nats.url, LOG_LEVEL: 'warn', DB_POOL_MAX: '4' });
    stopValidators = () => group.stop();
    log('3 validators up');

    const nc = await connect({ servers: nats.url });
    const js = jetstream(nc);
    const secret = members.secretKeyOf('bench');
    const t0 = Date.now();
    const sign = () => {
      const id = uuidv7();
      const payload = { id: uuidv7(t0), buyOrderId: uuidv7(t0), sellOrderId: uuidv7(t0), buyer: BUYER, seller: SELLER, zone: 'north', sellerZone: 'north', buyerZone: 'north', intervalStart: '2027-01-15T10:00:00.000Z', energyWh: '1000', priceMicroPerKwh: '200000', gridFeeMicroPerKwh: '0', valueMicro: '200000', buyerCostMicro: '200000', executedAt: '2027-01-15T09:00:00.000Z' };
      const e = signEntry(members.chainId, { id, type: 'energy.trade', payload, submitter: 'bench' }, secret);
      return { id: e.id, subjectId: payload.id, bytes: entryJson(e) };
    };

    // Finality events: when each entry's EntryCommitted first arrives.
    const finalAt = new Map<string, number>();
    const sub = nc.subscribe(EntryCommitted.subject);
    void (async () => {
      for await (const m of sub) {
        const data = (m.json() as { data: { entryId: string } }).data;
        if (!finalAt.has(data.entryId)) finalAt.set(data.entryId, nowMs());
      }
    })();
    const pool = new Pool({ connectionString: dbUrl, max: 2 });
    // PostgreSQL is shared with other work on this machine: an idle connection it terminates
    // must not end the bench (the next query opens a new one), as it must not end a validator.
    pool.on('error', () => undefined);
    const finalSizeOf = async (s: string) => Number((await pool.query(`SELECT coalesce(max(b.log_size), 0) AS n FROM ${s}.block b JOIN ${s}.finality f USING (height)`)).rows[0].n);
    const finalSize = async () => Math.max(...(await Promise.all(['ledger_v1', 'ledger_v2', 'ledger_v3'].map(finalSizeOf))));
    const waitFinal = async (n: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while ((await finalSize()) < n) {
        if (Date.now() > deadline) throw new Error(`only ${await finalSize()} of ${n} entries final after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // 1. Throughput.
    log(`signing ${total} entries…`);
    const batch = Array.from({ length: total }, sign);
    log('submitting…');
    const start = nowMs();
    const WINDOW = 2_000;
    for (let i = 0; i < batch.length; i += WINDOW) {
      await Promise.all(batch.slice(i, i + WINDOW).map((e) => js.publish(SUBMIT_SUBJECT, e.bytes, { msgID: e.id, timeout: 60_000 })));
    }
    const submittedMs = nowMs() - start;
    await waitFinal(total, 600_000);
    const throughputMs = nowMs() - start;
    const entriesPerSec = Math.round(total / (throughputMs / 1000));
    log(`${total} entries final in ${Math.round(throughputMs)} ms (${entriesPerSec}/s; submitted in ${Math.round(submittedMs)} ms)`);

    // 2. Latency at a fixed rate.
    const count = rate * seconds;
    const paced = Array.from({ length: count }, sign);
    const sentAt = new Map<string, number>();
    const begin = nowMs();
    // A bounded window of unacknowledged publishes: when the server falls behind, the offered
    // rate drops (and the achieved rate is what is reported).
    const inflight = new Set<Promise<unknown>>();
    let failed = 0;
    const TICK_MS = 10;
    for (let sent = 0; sent < count; ) {
      const due = Math.min(count, Math.floor(((nowMs() - begin) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const e = paced[sent]!;
        sentAt.set(e.id, nowMs());
        const p: Promise<unknown> = js.publish(SUBMIT_SUBJECT, e.bytes, { msgID: e.id, timeout: 60_000 }).catch(() => void failed++).finally(() => inflight.delete(p));
        inflight.add(p);
        if (inflight.size >= 5_000) await Promise.race(inflight);
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    await Promise.all(inflight);
    if (failed > 0) log(`${failed} publishes failed`);
    const achievedRate = Math.round(count / ((nowMs() - begin) / 1000));
    const deadline = Date.now() + 120_000;
    while (paced.some((e) => !finalAt.has(e.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const latencies = paced.filter((e) => finalAt.has(e.id)).map((e) => finalAt.get(e.id)! - sentAt.get(e.id)!);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    log(`at ${achievedRate}/s: submit→final p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${latencies.length}/${count} seen final)`);

    // 3a. Inclusion proof served from the validator's stored subtrees (SQL + assembly): at the
    // size that validator has final (another may be ahead, its subtrees not stored here yet).
    const size = await finalSizeOf('ledger_v1');
    const dbProofTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const index = randomInt(0, size);
      const t = nowMs();
      const ids = inclusionProofNodes(index, size).flat();
      const rows = await pool.query<{ level: number; idx: string; hash: Buffer }>(
        `SELECT s.level, s.idx, s.hash FROM ledger_v1.subtree s JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON s.level = w.level AND s.idx = w.idx`,
        [ids.map((n) => n.level), ids.map((n) => n.index)],
      );
      const m = new Map(rows.rows.map((r) => [`${r.level}/${r.idx}`, new Uint8Array(r.hash)]));
      inclusionProofFromSubtrees(index, size, (l, x) => m.get(`${l}/${x}`)!);
      dbProofTimes.push(nowMs() - t);
    }
    const dbProofMs = median(dbProofTimes);
    await pool.end();
    sub.unsubscribe();
    await nc.close();
    await group.stop();
    stopValidators = undefined;

    // 3b. Assembly in a log of logLeaves leaves.
    log(`building a log of ${logLeaves} leaves in memory…`);
    const proofs = 1_000;
    const indices = Array.from({ length: proofs }, () => randomInt(0, logLeaves));
    const keyOf = (level: number, index: number) => level * 2 ** 46 + index;
    const needed = new Set<number>();
    for (const i of indices) inclusionProofNodes(i, logLeaves).flat().forEach((n: SubtreeNodeId) => needed.add(keyOf(n.level, n.index)));
    const store = new Map<number, Uint8Array>();
    const range = CompactMerkleRange.empty();
    const leaf = new Uint8Array(8);
    const view = new DataView(leaf.buffer);
    for (let i = 0; i < logLeaves; i++) {
      view.setFloat64(0, i);
      for (const node of range.append(leafHash(leaf))) {
        const k = keyOf(node.level, node.index);
        if (needed.has(k)) store.set(k, node.hash);
      }
    }
    const rootOf = range.root();
    const get = (l: number, x: number) => store.get(keyOf(l, x))!;
    const t = nowMs();
    const built = indices.map((i) => inclusionProofFromSubtrees(i, logLeaves, get));
    const proofMs = (nowMs() - t) / proofs;
    const ok = indices.every((i, k) => {
      view.setFloat64(0, i);
      return verifyInclusion(leafHash(leaf), i, logLeaves, built[k]!, rootOf);
    });
    if (!ok) throw new Error('a proof did not verify');

    const result = {
      bench: 'ledger',
      machine: machineInfo(),
      validators: 3,
      entries: total,
      entriesPerSec,
      submitMs: Math.round(submittedMs),
      latencyRate: achievedRate,
      p50SubmitToFinalMs: Number(p50.toFixed(1)),
      p99SubmitToFinalMs: Number(p99.toFixed(1)),
      dbProofMs: Number(dbProofMs.toFixed(3)),
      dbLogSize: size,
      proofMs: Number(proofMs.toFixed(4)),
      proofLogSize: logLeaves,
    };
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      printTable('ledger (3 validators, PostgreSQL and nats-server on this machine)', [
        ['entries/s, submission → final', `${entriesPerSec} (${total} entries)`],
        [`submit → final at ${achievedRate}/s`, `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`],
        [`inclusion proof from PostgreSQL (log of ${size})`, `${dbProofMs.toFixed(3)} ms`],
        [`inclusion proof assembly (log of ${logLeaves})`, `${proofMs.toFixed(4)} ms`],
      ]);
  } finally {
    await stopValidators?.();
    await nats?.stop();
    rmSync(storeDir, { recursive: true, force: true });
    await dropDatabase(env.postgres.serverUrl, dbName).catch(() => undefined);
    await env.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ledger failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
