import { connect, type NatsConnection } from '@nats-io/transport-node';
import { registerDevice, signingWith, uploadReadings, uploadTelegram, type UploadingDevice } from '@ampool/client';
import { randomUUID } from 'node:crypto';
import { IntervalFinalized, ReadingsSubmit } from '@ampool/contracts';
import { signEd25519 } from '@ampool/crypto';
import { crc16Arc, isEuSummerTime, readingBatchSigningBytes, type MeterReading } from '@ampool/metering';
import { eventually, query, startTestSystem, type TestSystem } from '@ampool/testing';

const MIN = 60_000;
const INTERVAL = 15 * MIN;

/** A fresh DSMR 5.0 telegram for Amsterdam at `atMs`, with a correct CRC-16/ARC. */
function telegram(atMs: number, importWh: { t1: bigint; t2: bigint }, exportWh: { t1: bigint; t2: bigint }): string {
  const summer = isEuSummerTime(atMs);
  const local = new Date(atMs + (summer ? 2 : 1) * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${two(local.getUTCFullYear() % 100)}${two(local.getUTCMonth() + 1)}${two(local.getUTCDate())}${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}${summer ? 'S' : 'W'}`;
  const kwh = (wh: bigint) => `${String(wh / 1000n).padStart(6, '0')}.${String(wh % 1000n).padStart(3, '0')}*kWh`;
  const body =
    ['/ISK5\\2M550T-1012', '', '1-3:0.2.8(50)', `0-0:1.0.0(${stamp})`, '0-0:96.1.1(4530303434303037333134383735313139)',
      `1-0:1.8.1(${kwh(importWh.t1)})`, `1-0:1.8.2(${kwh(importWh.t2)})`, `1-0:2.8.1(${kwh(exportWh.t1)})`, `1-0:2.8.2(${kwh(exportWh.t2)})`,
      '1-0:1.7.0(00.500*kW)', '1-0:2.7.0(00.000*kW)', '!'].join('\r\n');
  const crc = crc16Arc(new TextEncoder().encode(body)).toString(16).toUpperCase().padStart(4, '0');
  return `${body}${crc}\r\n`;
}

describe('metering', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  const finalizedEvents: { device: string; intervalStart: string; importWh: string }[] = [];

  beforeAll(async () => {
    sys = await startTestSystem({ serviceEnvOverrides: { metering: { ESTIMATE_AFTER_MINUTES: '1', SWEEP_SECONDS: '1' } } });
    nc = await connect(sys.natsAdmin);
    nc.subscribe(IntervalFinalized.subject, {
      callback: (_e, msg) => {
        const d = IntervalFinalized.envelope.parse(msg.json()).data;
        finalizedEvents.push({ device: d.device, intervalStart: d.intervalStart.toISOString(), importWh: d.importWh.toString() });
      },
    });
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  async function meter(type: 'meter' | 'p1_gateway' = 'meter'): Promise<UploadingDevice & { owner: Awaited<ReturnType<TestSystem['participant']>> }> {
    const owner = await sys.participant();
    const d = await registerDevice(sys.client, owner, type, { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n });
    return { did: d.did, key: d.key, owner };
  }

  /** Readings every minute from `startMs` for `count` minutes, importing `whPerMinute`. */
  function series(startMs: number, count: number, whPerMinute: bigint, base = 1_000_000n): MeterReading[] {
    return Array.from({ length: count }, (_, i) => ({ atMs: startMs + i * MIN, importWh: base + BigInt(i) * whPerMinute, exportWh: 5_000n }));
  }

  it('stores a signed upload and finalizes the intervals it covers, conserving every watt-hour', async () => {
    const d = await meter();
    const start = Math.floor((Date.now() - 3 * 3_600_000) / INTERVAL) * INTERVAL + 7 * MIN;
    const readings = series(start, 120, 10n);
    const outcome = await uploadReadings(sys.client, d, readings);
    expect(outcome).toMatchObject({ stored: 120, duplicates: 0, refused: [] });
    expect(outcome.finalized).toBeGreaterThanOrEqual(6);

    const { intervals: all } = await sys.client.get<{ intervals: { intervalStart: string; importWh: string; quality: string; estimated: boolean; revision: number }[] }>(
      `/v1/devices/${d.did}/intervals?limit=500`, signingWith(d.owner.key));
    // Intervals covered by readings are measured; later ones (this suite estimates after a
    // minute of silence) are flagged estimated.
    const lastReadingMs = readings[readings.length - 1]!.atMs;
    const intervals = all.filter((i) => Date.parse(i.intervalStart) + INTERVAL <= lastReadingMs);
    expect(intervals.length).toBeGreaterThanOrEqual(6);
    expect(intervals.every((i) => i.quality === 'measured' && i.revision === 0)).toBe(true);
    expect(all.filter((i) => Date.parse(i.intervalStart) + INTERVAL > lastReadingMs).every((i) => i.estimated)).toBe(true);
    // Readings are exactly 10 Wh a minute: every whole interval is 150 Wh, and nothing is lost.
    expect(intervals.map((i) => i.importWh)).toEqual(intervals.map(() => '150'));
    const first = Date.parse(intervals[0]!.intervalStart);
    expect(first).toBe(start - 7 * MIN + INTERVAL);
    await eventually(async () => finalizedEvents.filter((e) => e.device === d.did).length >= intervals.length, 10_000, 'a finalized event per interval');
    const events = finalizedEvents.filter((e) => e.device === d.did);
    expect(new Set(events.map((e) => e.intervalStart)).size).toBe(events.length);
  });

  it('takes a retried upload as duplicates and refuses different values for a stored instant', async () => {
    const d = await meter();
    const start = Date.now() - 2 * 3_600_000;
    const readings = series(start, 40, 5n);
    await uploadReadings(sys.client, d, readings);
    const before = await query(sys.db.url, 'SELECT count(*)::int AS n FROM metering.interval WHERE device = $1', [d.did]);
    expect(await uploadReadings(sys.client, d, readings)).toMatchObject({ stored: 0, duplicates: 40, finalized: 0 });
    const changed = readings.map((r, i) => (i === 3 ? { ...r, importWh: r.importWh + 1n } : r));
    const outcome = await uploadReadings(sys.client, d, changed);
    expect(outcome.refused).toEqual([{ at: new Date(readings[3]!.atMs).toISOString(), code: 'CONFLICTING_DUPLICATE' }]);
    expect(await query(sys.db.url, 'SELECT count(*)::int AS n FROM metering.interval WHERE device = $1', [d.did])).toEqual(before);
    const stored = await query(sys.db.url, 'SELECT import_wh::text AS v FROM metering.reading WHERE device = $1 AND at = $2', [d.did, new Date(readings[3]!.atMs)]);
    expect(stored).toEqual([{ v: readings[3]!.importWh.toString() }]);
  });

  it('flags an interval whose register ran backwards instead of using it quietly', async () => {
    const d = await meter();
    const start = Math.floor((Date.now() - 2 * 3_600_000) / INTERVAL) * INTERVAL + MIN;
    const readings = series(start, 60, 10n).map((r, i) => (i === 30 ? { ...r, importWh: r.importWh - 100n } : r));
    await uploadReadings(sys.client, d, readings);
    const flagged = await query<{ quality: string; anomalies: string[] }>(sys.db.url, `SELECT quality, anomalies FROM metering.interval WHERE device = $1 AND 'REGISTER_BACKWARDS' = ANY(anomalies)`, [d.did]);
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((f) => f.quality === 'anomalous')).toBe(true);
    const op = await sys.operator();
    const { anomalies } = await sys.client.get<{ anomalies: { code: string }[] }>(`/v1/metering/anomalies?device=${encodeURIComponent(d.did)}`, op);
    expect(anomalies.map((a) => a.code)).toContain('REGISTER_BACKWARDS');
  });

  it('refuses an upload whose batch signature does not verify, stores none of it, and records why', async () => {
    const d = await meter();
    const readings = series(Date.now() - 3_600_000, 10, 1n);
    const res = await sys.client.send(
      'POST', '/v1/metering/readings',
      { device: d.did, key: d.key.keyId, readings: readings.map((r) => ({ at: new Date(r.atMs).toISOString(), importWh: r.importWh.toString(), exportWh: r.exportWh.toString() })), signature: 'A'.repeat(86) },
      signingWith(d.key),
    );
    expect([res.status, (res.body as { code: string }).code]).toEqual([422, 'PROOF_INVALID']);
    expect(await query(sys.db.url, 'SELECT count(*)::int AS n FROM metering.reading WHERE device = $1', [d.did])).toEqual([{ n: 0 }]);
    expect(await query(sys.db.url, `SELECT code FROM metering.anomaly WHERE device = $1`, [d.did])).toEqual([{ code: 'BAD_SIGNATURE' }]);
  });

  it('lets a device upload only for itself, and not its owner on its behalf', async () => {
    const d = await meter();
    const other = await meter();
    const readings = series(Date.now() - 3_600_000, 2, 1n);
    const asOther = await sys.client.send('POST', '/v1/metering/readings', { device: d.did, key: other.key.keyId, readings: [], signature: 'A'.repeat(86) }, signingWith(other.key));
    expect((asOther.body as { code: string }).code).toBe('VALIDATION_FAILED'); // no readings at all
    const spoof = await sys.client.send(
      'POST', '/v1/metering/readings',
      { device: d.did, key: other.key.keyId, readings: readings.map((r) => ({ at: new Date(r.atMs).toISOString(), importWh: '1', exportWh: '0' })), signature: 'A'.repeat(86) },
      signingWith(other.key),
    );
    expect([spoof.status, (spoof.body as { code: string }).code]).toEqual([403, 'FORBIDDEN']);
    const byOwner = await sys.client.send('POST', '/v1/metering/readings', { device: d.did, key: d.key.keyId, readings: [], signature: 'A'.repeat(86) }, signingWith(d.owner.key));
    expect((byOwner.body as { code: string }).code).toBe('FORBIDDEN');
  });

  it('refuses a suspended device’s uploads at the gateway and at metering itself, and takes them again once reinstated', async () => {
    const d = await meter();
    const operator = await sys.operator();
    const start = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
    const first = series(start, 5, 10n);
    expect(await uploadReadings(sys.client, d, first)).toMatchObject({ stored: 5 }); // identity's answers now cached in both
    const submission = (readings: MeterReading[]) => ({
      device: d.did,
      key: d.key.keyId,
      readings: readings.map((r) => ({ at: new Date(r.atMs).toISOString(), importWh: r.importWh.toString(), exportWh: r.exportWh.toString() })),
      signature: Buffer.from(signEd25519(d.key.secretKey, readingBatchSigningBytes({ device: d.did, key: d.key.keyId, readings }))).toString('base64url'),
    });
    // Straight to metering over NATS, past the gateway: metering's own cache must have let go.
    const direct = async (readings: MeterReading[]) => {
      const msg = await nc.request(ReadingsSubmit.subject, JSON.stringify({ pattern: ReadingsSubmit.subject, data: submission(readings), id: randomUUID() }), { timeout: 5_000 });
      return msg.json<{ err?: { code: string } | null; response?: { stored: number } }>();
    };

    expect((await sys.client.send('POST', `/v1/devices/${d.did}/suspend`, { reason: 'seal broken' }, operator)).status).toBe(200);
    const later = series(start + 5 * MIN, 5, 10n, 1_000_050n);
    // Probing with readings already stored adds nothing should the event not have arrived yet;
    // well inside the cache's 30 s TTL, only the event can have dropped the device.
    await eventually(async () => (await direct(first)).err?.code === 'DEVICE_SUSPENDED', 5_000, 'metering to refuse the suspended device');
    expect((await direct(later)).err?.code).toBe('DEVICE_SUSPENDED');
    const viaGateway = await sys.client.send('POST', '/v1/metering/readings', submission(later), signingWith(d.key));
    expect([viaGateway.status, (viaGateway.body as { code: string }).code]).toEqual([403, 'DEVICE_SUSPENDED']);
    expect(await query(sys.db.url, `SELECT count(*)::int AS n FROM metering.reading WHERE device = $1`, [d.did])).toEqual([{ n: 5 }]);

    expect((await sys.client.send('POST', `/v1/devices/${d.did}/reinstate`, {}, operator)).status).toBe(200);
    await eventually(async () => (await direct(later)).response?.stored === 5, 5_000, 'metering to take the reinstated device’s readings');
    expect(await uploadReadings(sys.client, d, series(start + 10 * MIN, 5, 10n, 1_000_100n))).toMatchObject({ stored: 5 });
  });

  describe('DSMR P1 telegrams', () => {
    it('parses a fresh telegram from a P1 gateway into a reading, summing the tariff registers', async () => {
      const gw = await meter('p1_gateway');
      const at = Math.floor((Date.now() - 10 * MIN) / 1000) * 1000;
      const out = await uploadTelegram(sys.client, gw, telegram(at, { t1: 123_456n, t2: 100_000n }, { t1: 10_000n, t2: 5_500n }), 'Europe/Amsterdam');
      expect(out).toMatchObject({ reading: { at: new Date(at).toISOString(), importWh: '223456', exportWh: '15500' }, crc: 'valid', duplicate: false });
      const again = await uploadTelegram(sys.client, gw, telegram(at, { t1: 123_456n, t2: 100_000n }, { t1: 10_000n, t2: 5_500n }), 'Europe/Amsterdam');
      expect(again.duplicate).toBe(true);
    });

    it.each([
      ['a wrong CRC', (t: string) => t.replace(/!([0-9A-F]{4})/, (_m, c: string) => `!${((parseInt(c, 16) + 1) & 0xffff).toString(16).toUpperCase().padStart(4, '0')}`), 'TELEGRAM_CRC_MISMATCH', undefined],
      ['a truncated telegram', (t: string) => t.slice(0, t.length - 40), 'TELEGRAM_MALFORMED', 'DSMR_TRUNCATED'],
      ['junk after the checksum', (t: string) => `${t}garbage`, 'TELEGRAM_MALFORMED', 'DSMR_TRAILING_DATA'],
      ['LF-only line endings', (t: string) => t.replaceAll('\r\n', '\n'), 'TELEGRAM_MALFORMED', 'DSMR_BAD_LINE_ENDING'],
    ])('refuses %s with its code, storing nothing', async (_, mutate, code, dsmrCode) => {
      const gw = await meter('p1_gateway');
      const bad = mutate(telegram(Date.now() - 5 * MIN, { t1: 1_000n, t2: 0n }, { t1: 0n, t2: 0n }));
      const err = await uploadTelegram(sys.client, gw, bad, 'Europe/Amsterdam').catch((e: { status: number; body: { code: string; details?: { dsmrCode?: string } } }) => e);
      expect((err as { status: number }).status).toBe(422);
      expect((err as { body: { code: string } }).body.code).toBe(code);
      if (dsmrCode) expect((err as { body: { details: { dsmrCode: string } } }).body.details.dsmrCode).toBe(dsmrCode);
      expect(await query(sys.db.url, 'SELECT count(*)::int AS n FROM metering.reading WHERE device = $1', [gw.did])).toEqual([{ n: 0 }]);
    });

    it('refuses telegrams from a device that is not a P1 gateway', async () => {
      const m = await meter('meter');
      const err = await uploadTelegram(sys.client, m, telegram(Date.now() - MIN, { t1: 1n, t2: 0n }, { t1: 0n, t2: 0n }), 'Europe/Amsterdam').catch((e: { body: { code: string } }) => e);
      expect((err as { body: { code: string } }).body.code).toBe('FORBIDDEN');
    });
  });

  it('finalizes a silent device’s intervals as estimated once their time has passed', async () => {
    const d = await meter();
    // The last reading is 3 minutes into an interval that ended more than a minute ago.
    const lastInterval = Math.floor((Date.now() - 2 * MIN) / INTERVAL) * INTERVAL - INTERVAL;
    const readings = series(lastInterval - 40 * MIN, 44, 10n);
    await uploadReadings(sys.client, d, readings);
    const estimated = await eventually(
      async () => (await query<{ start: Date }>(sys.db.url, 'SELECT interval_start AS start FROM metering.interval WHERE device = $1 AND estimated', [d.did]))[0],
      20_000,
      'an estimated interval',
    );
    expect(estimated.start.getTime()).toBe(lastInterval);
  });
});
