import { ApiError, registerDevice, uploadReadings, type UploadingDevice } from '@ampool/client';
import type { MeterReading } from '@ampool/metering';
import { query, startTestSystem, type TestSystem } from '@ampool/testing';

const DEVICES = 6;
const BATCHES = 20;
const PER_BATCH = 60;
const MIN = 60_000;

/**
 * Metering is SIGKILLed during a burst of uploads; devices retry what failed, as real devices
 * do. Afterwards every reading is stored exactly once and the finalized intervals of each
 * device add up exactly to its register difference: nothing lost, nothing counted twice.
 */
describe('metering killed during an upload burst', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem();
  });
  afterAll(() => sys?.stop());

  it('loses no reading and counts none twice', async () => {
    const devices: UploadingDevice[] = [];
    for (let i = 0; i < DEVICES; i++) {
      const owner = await sys.participant();
      const d = await registerDevice(sys.client, owner, 'meter', { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n });
      devices.push({ did: d.did, key: d.key });
    }
    const start = Math.floor((Date.now() - 2 * 24 * 3_600_000) / (15 * MIN)) * 15 * MIN;
    const batchOf = (b: number): MeterReading[] =>
      Array.from({ length: PER_BATCH }, (_, i) => {
        const minute = b * PER_BATCH + i;
        return { atMs: start + minute * MIN, importWh: 10_000n + BigInt(minute) * 7n, exportWh: 0n };
      });

    const metering = sys.processes.get('metering')!;
    let uploaded = 0;
    let killed: Promise<unknown> | undefined;
    let retries = 0;
    const upload = async (device: UploadingDevice) => {
      for (let b = 0; b < BATCHES; b++) {
        if (++uploaded === Math.floor((DEVICES * BATCHES) / 3)) killed = metering.kill('SIGKILL').then(() => sys.start('metering'));
        for (let attempt = 1; ; attempt++) {
          try {
            const out = await uploadReadings(sys.client, device, batchOf(b));
            expect(out.stored + out.duplicates).toBe(PER_BATCH);
            break;
          } catch (error) {
            // Unavailable, timed out or cut off: safe to retry the same batch.
            const retryable = !(error instanceof ApiError) || [503, 504].includes(error.status);
            if (!retryable || attempt > 60) throw error;
            retries++;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      }
    };
    await Promise.all(devices.map(upload));
    await killed;
    expect(retries).toBeGreaterThan(0); // the kill did land in the middle of the burst

    for (const d of devices) {
      const [readings] = await query<{ n: number }>(sys.db.url, 'SELECT count(*)::int AS n FROM metering.reading WHERE device = $1', [d.did]);
      expect(readings!.n).toBe(BATCHES * PER_BATCH);
      const intervals = await query<{ start: Date; revision: number; import_wh: string }>(
        sys.db.url,
        `SELECT DISTINCT ON (interval_start) interval_start AS start, revision, import_wh::text FROM metering.interval
         WHERE device = $1 ORDER BY interval_start, revision DESC`,
        [d.did],
      );
      // 7 Wh a minute, 15-minute intervals: every finalized interval is 105 Wh, none twice.
      expect(intervals.length).toBeGreaterThan(70);
      expect(intervals.every((i) => i.import_wh === '105')).toBe(true);
      const [dupes] = await query<{ n: number }>(
        sys.db.url,
        'SELECT count(*)::int AS n FROM (SELECT interval_start FROM metering.interval WHERE device = $1 AND revision = 0 GROUP BY interval_start HAVING count(*) > 1) x',
        [d.did],
      );
      expect(dupes!.n).toBe(0);
    }
  });
});
