/**
 * Ed25519 verification throughput: node:crypto (OpenSSL) synchronous and on the libuv thread
 * pool, the system's `verifyEd25519` (OpenSSL plus our encoding checks and key cache), noble's
 * strict `ed25519.verify`, and the pure-JS reference of our rule. noble-curves v2 has no
 * asynchronous verify (that API lives in the separate noble-ed25519 package), so none is timed.
 *
 *     npx tsx bench/crypto/ed25519.bench.ts [--json] [--duration-ms 1000] [--rounds 5]
 *                                           [--concurrency 64] [--keys 64] [--message-bytes 200]
 *
 * Synchronous figures are one core (the main thread). The asynchronous figure is NOT: OpenSSL
 * runs on UV_THREADPOOL_SIZE threads (4 unless set), i.e. on every core the machine has.
 * Messages are ~200 bytes, the size of a signed HTTP request's signature base.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { generateKeyPair, signEd25519, verifyEd25519, verifyEd25519Async } from '@ampool/crypto';
import { verifyEd25519Reference } from '../../libs/crypto/src/ed25519-reference';
import { asyncOpsPerSecond, booleanFlag, machineInfo, median, numberFlag, opsPerSecond, printTable } from './bench-harness';

interface Sample {
  publicKey: Uint8Array;
  keyObject: KeyObject;
  message: Uint8Array;
  signature: Uint8Array;
}

async function main(): Promise<void> {
  const durationMs = numberFlag('duration-ms', 1000);
  const rounds = numberFlag('rounds', 5);
  const concurrency = numberFlag('concurrency', 64);
  const keyCount = numberFlag('keys', 64);
  const messageBytes = numberFlag('message-bytes', 200);

  const samples: Sample[] = Array.from({ length: keyCount }, () => {
    const { secretKey, publicKey } = generateKeyPair();
    const message = new Uint8Array(randomBytes(messageBytes));
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
    return { publicKey, keyObject: createPublicKey({ key: spki, format: 'der', type: 'spki' }), message, signature: signEd25519(secretKey, message) };
  });
  const at = (i: number): Sample => samples[i % samples.length] as Sample;

  // Every variant must accept every sample, or the figures would compare different work.
  for (const s of samples) {
    const verdicts = [
      verify(null, s.message, s.keyObject, s.signature),
      verifyEd25519(s.publicKey, s.message, s.signature),
      await verifyEd25519Async(s.publicKey, s.message, s.signature),
      ed25519.verify(s.signature, s.message, s.publicKey, { zip215: false }),
      verifyEd25519Reference(s.publicKey, s.message, s.signature),
    ];
    if (verdicts.some((v) => v !== true)) throw new Error('a verifier rejected a valid sample');
  }

  // Rounds are interleaved (every variant once per round) rather than run variant by variant,
  // so that load from elsewhere on the machine skews all variants alike and ratios stay fair.
  const variants: Record<string, () => number | Promise<number>> = {
    nodeSync: () => opsPerSecond((i) => verify(null, at(i).message, at(i).keyObject, at(i).signature), durationMs),
    ampoolSync: () => opsPerSecond((i) => verifyEd25519(at(i).publicKey, at(i).message, at(i).signature), durationMs),
    nodeAsync: () =>
      asyncOpsPerSecond(
        (i) =>
          new Promise<boolean>((resolve, reject) =>
            verify(null, at(i).message, at(i).keyObject, at(i).signature, (error, ok) => (error ? reject(error) : resolve(ok))),
          ),
        durationMs,
        concurrency,
      ),
    ampoolAsync: () => asyncOpsPerSecond((i) => verifyEd25519Async(at(i).publicKey, at(i).message, at(i).signature), durationMs, concurrency),
    nobleSync: () => opsPerSecond((i) => ed25519.verify(at(i).signature, at(i).message, at(i).publicKey, { zip215: false }), durationMs, 8),
    referenceSync: () => opsPerSecond((i) => verifyEd25519Reference(at(i).publicKey, at(i).message, at(i).signature), durationMs, 8),
  };
  const figures = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
  for (let r = -1; r < rounds; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const value = await run();
      // Round −1 is the warm-up: JIT, key cache, thread pool start-up.
      if (r >= 0) figures.get(name)?.push(value);
    }
  }
  const result = (name: string): number => median(figures.get(name) ?? [Number.NaN]);
  const [nodeSync, ampoolSync, nodeAsync, ampoolAsync, nobleSync, referenceSync] = [
    'nodeSync',
    'ampoolSync',
    'nodeAsync',
    'ampoolAsync',
    'nobleSync',
    'referenceSync',
  ].map(result) as [number, number, number, number, number, number];

  const threadPool = process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)';
  const fmt = (n: number): string => `${Math.round(n).toLocaleString('en-US')} /s`;
  printTable(`Ed25519 verify, ${messageBytes}-byte messages, ${keyCount} keys, median of ${rounds} × ${durationMs} ms`, [
    ['node:crypto sync (KeyObject ready)', fmt(nodeSync)],
    ['verifyEd25519 (checks + key cache)', `${fmt(ampoolSync)}  (${((ampoolSync / nodeSync) * 100).toFixed(0)}% of raw)`],
    [`node:crypto async (${concurrency} in flight, pool ${threadPool})`, fmt(nodeAsync)],
    [`verifyEd25519Async (${concurrency} in flight)`, fmt(ampoolAsync)],
    ['noble ed25519.verify strict (zip215: false)', `${fmt(nobleSync)}  (node sync is ${(nodeSync / nobleSync).toFixed(1)}×)`],
    ['pure-JS reference of our rule (noble points)', fmt(referenceSync)],
    ['noble async', 'not available in @noble/curves v2'],
  ]);

  if (booleanFlag('json')) {
    process.stdout.write(
      `${JSON.stringify({
        bench: 'ed25519',
        messageBytes,
        keys: keyCount,
        durationMs,
        rounds,
        nodeSyncVerifiesPerSec: Math.round(nodeSync),
        ampoolSyncVerifiesPerSec: Math.round(ampoolSync),
        nodeAsyncVerifiesPerSec: Math.round(nodeAsync),
        ampoolAsyncVerifiesPerSec: Math.round(ampoolAsync),
        asyncConcurrency: concurrency,
        uvThreadpoolSize: Number(process.env['UV_THREADPOOL_SIZE'] ?? 4),
        nobleSyncVerifiesPerSec: Math.round(nobleSync),
        nobleAsyncVerifiesPerSec: null,
        referenceSyncVerifiesPerSec: Math.round(referenceSync),
        nodeSyncOverNobleSync: Number((nodeSync / nobleSync).toFixed(2)),
        machine: machineInfo(),
      })}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
