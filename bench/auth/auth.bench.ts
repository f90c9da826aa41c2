import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@ampool/bootstrap';
import { registerParticipant, type RegisteredParticipant } from '@ampool/client';
import { signRequest } from '@ampool/http-signature';
import { startBenchSystem } from '../bench-system';
import { machine, percentile } from '../machine';

/**
 * Authentication cost: Ed25519 verifications per second (node:crypto and @noble/curves, sync
 * and async, from bench/crypto) and authenticated gateway requests per second — RFC 9421
 * verification, Content-Digest, nonce claim in JetStream KV, cached key resolution — measured
 * on `GET /v1/whoami`, which touches no backend service.
 *
 *   npm run bench:auth -- --json [--requests 20000] [--concurrency 32]
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REQUESTS = option('requests', 20_000);
const CONCURRENCY = option('concurrency', 32);
const SIGNERS = 64;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const root = repoRoot();
  // Verification throughput of each library, on one core, from the crypto benchmark.
  const crypto = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'crypto', 'ed25519.bench.js'), '--json'], { encoding: 'utf8' });
  const verify = JSON.parse(crypto.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;

  const sys = await startBenchSystem(['identity'], log);
  try {
    const base = sys.gatewayUrl;
    const client = sys.client;
    const signers: RegisteredParticipant[] = [];
    for (let i = 0; i < SIGNERS; i++) signers.push(await registerParticipant(client, 'household', `bench ${i}`));

    // Sign everything first: the figure is the gateway's work, not the client's.
    const url = `${base}/v1/whoami`;
    const signed = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => signRequest({ method: 'GET', url }, signers[i % SIGNERS]!.key)));
    const warm = await fetch(url, { headers: await signRequest({ method: 'GET', url }, signers[0]!.key) });
    if (warm.status !== 200) throw new Error(`whoami answered ${warm.status}: ${await warm.text()}`);
    for (const s of signers) await fetch(url, { headers: await signRequest({ method: 'GET', url }, s.key) }); // key cache warm

    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          const headers = signed[next++]!;
          const s = performance.now();
          const res = await fetch(url, { headers });
          await res.arrayBuffer();
          if (res.status !== 200) failures++;
          latencies.push(performance.now() - s);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const result = {
      bench: 'auth',
      rule: 'strict RFC 8032 (cofactorless, canonical encodings, no small-order keys) via node:crypto',
      verifiesPerSecPerCore: verify.ampoolSyncVerifiesPerSec,
      nodeSyncVerifiesPerSec: verify.nodeSyncVerifiesPerSec,
      nodeAsyncVerifiesPerSec: verify.nodeAsyncVerifiesPerSec,
      nobleSyncVerifiesPerSec: verify.nobleSyncVerifiesPerSec,
      nobleAsyncVerifiesPerSec: verify.nobleAsyncVerifiesPerSec ?? null,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      failures,
      gatewayRequestsPerSec: Math.round(REQUESTS / seconds),
      gatewayP50Ms: +percentile(latencies, 50).toFixed(2),
      gatewayP99Ms: +percentile(latencies, 99).toFixed(2),
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await sys.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}${error.cause ? `\ncause: ${String((error.cause as Error).stack ?? error.cause)}` : ""}\n`);
  process.exit(1);
});
