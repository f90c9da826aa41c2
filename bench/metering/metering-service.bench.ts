import { registerDevice, registerParticipant, type UploadingDevice } from '@ampool/client';
import { signEd25519 } from '@ampool/crypto';
import { signRequest } from '@ampool/http-signature';
import { crc16Arc, isEuSummerTime, readingBatchSigningBytes, telegramSigningBytes, type MeterReading } from '@ampool/metering';
import { startBenchSystem } from '../bench-system';
import { machine, percentile } from '../machine';

/**
 * Metering through the real gateway, service and database: signed reading batches per second
 * (each a signed HTTP request carrying a device-signed batch: both signatures checked, readings
 * stored, intervals finalized) and signed DSMR telegrams per second. A batch defaults to an
 * hour of readings every 10 s (360): devices upload in batches; one reading per request is
 * bounded by the per-request cost instead (see --per-batch). Requests are signed before
 * timing starts: the figure is the system's work, not the client's.
 *
 *   npm run bench:metering -- --json [--devices 40] [--batches 6] [--per-batch 360] [--concurrency 16]
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const DEVICES = option('devices', 40);
const BATCHES = option('batches', 6);
const PER_BATCH = option('per-batch', 360);
const CONCURRENCY = option('concurrency', 16);
const TELEGRAMS = option('telegrams', 2000);
const log = (line: string) => process.stderr.write(`${line}\n`);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

interface Prepared {
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function fire(requests: Prepared[]): Promise<{ seconds: number; latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const s = performance.now();
        const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, latencies, failures };
}

function telegramAt(atMs: number, importWh: bigint): string {
  const summer = isEuSummerTime(atMs);
  const local = new Date(atMs + (summer ? 2 : 1) * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${two(local.getUTCFullYear() % 100)}${two(local.getUTCMonth() + 1)}${two(local.getUTCDate())}${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}${summer ? 'S' : 'W'}`;
  const kwh = (wh: bigint) => `${String(wh / 1000n).padStart(6, '0')}.${String(wh % 1000n).padStart(3, '0')}*kWh`;
  const body = ['/ISK5\\2M550T-1012', '', '1-3:0.2.8(50)', `0-0:1.0.0(${stamp})`, `1-0:1.8.1(${kwh(importWh)})`, `1-0:1.8.2(${kwh(0n)})`,
    `1-0:2.8.1(${kwh(0n)})`, `1-0:2.8.2(${kwh(0n)})`, '1-0:1.7.0(00.500*kW)', '1-0:2.7.0(00.000*kW)', '!'].join('\r\n');
  return `${body}${crc16Arc(new TextEncoder().encode(body)).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
}

async function main(): Promise<void> {
  const sys = await startBenchSystem(['identity', 'metering'], log);
  try {
    const meters: UploadingDevice[] = [];
    const gateways: UploadingDevice[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const owner = await registerParticipant(sys.client, 'household', `bench ${i}`);
      meters.push(await registerDevice(sys.client, owner, 'meter', { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n }));
      gateways.push(await registerDevice(sys.client, owner, 'p1_gateway', { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n }));
    }

    // Readings every 10 s, going back in time so every batch is recent history (not in the future).
    const url = `${sys.gatewayUrl}/v1/metering/readings`;
    const origin = Date.now() - BATCHES * PER_BATCH * 10_000 - 60_000;
    const batches: Prepared[] = [];
    for (let b = 0; b < BATCHES; b++) {
      for (const d of meters) {
        const readings: MeterReading[] = Array.from({ length: PER_BATCH }, (_, i) => {
          const n = b * PER_BATCH + i;
          return { atMs: origin + n * 10_000, importWh: 1_000_000n + BigInt(n) * 3n, exportWh: 0n };
        });
        const batch = { device: d.did, key: d.key.keyId, readings };
        const body = JSON.stringify({
          device: d.did, key: d.key.keyId,
          readings: readings.map((r) => ({ at: new Date(r.atMs).toISOString(), importWh: r.importWh.toString(), exportWh: '0' })),
          signature: b64(signEd25519(d.key.secretKey, readingBatchSigningBytes(batch))),
        });
        batches.push({ url, body, headers: await signRequest({ method: "POST", url, body }, d.key) });
      }
    }
    const r = await fire(batches);

    const turl = `${sys.gatewayUrl}/v1/metering/telegrams`;
    const telegrams: Prepared[] = [];
    const tOrigin = Date.now() - TELEGRAMS * 1_000 - 60_000;
    for (let i = 0; i < TELEGRAMS; i++) {
      const gw = gateways[i % gateways.length]!;
      const atMs = Math.floor((tOrigin + i * 1_000) / 1000) * 1000;
      const telegram = telegramAt(atMs, 5_000_000n + BigInt(i));
      const receivedAt = new Date(atMs + 500);
      const submission = { gateway: gw.did, key: gw.key.keyId, receivedAtMs: receivedAt.getTime(), timeZone: 'Europe/Amsterdam' as const, telegram: new TextEncoder().encode(telegram) };
      const body = JSON.stringify({
        gateway: gw.did, key: gw.key.keyId, receivedAt: receivedAt.toISOString(), timeZone: 'Europe/Amsterdam', telegram,
        signature: b64(signEd25519(gw.key.secretKey, telegramSigningBytes(submission))),
      });
      telegrams.push({ url: turl, body, headers: await signRequest({ method: "POST", url: turl, body }, gw.key) });
    }
    const t = await fire(telegrams);

    const result = {
      bench: 'metering-service',
      devices: DEVICES,
      batches: batches.length,
      readingsPerBatch: PER_BATCH,
      concurrency: CONCURRENCY,
      failures: r.failures + t.failures,
      readingsPerSec: Math.round((batches.length * PER_BATCH) / r.seconds),
      batchP50Ms: +percentile(r.latencies, 50).toFixed(1),
      batchP99Ms: +percentile(r.latencies, 99).toFixed(1),
      telegramsPerSec: Math.round(TELEGRAMS / t.seconds),
      telegramP50Ms: +percentile(t.latencies, 50).toFixed(1),
      telegramP99Ms: +percentile(t.latencies, 99).toFixed(1),
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await sys.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
