import { registerDevice, signingWith, type Credentials, type KeyHolder, type RawResponse, type RegisteredParticipant } from '@ampool/client';
import { readingBatchSigningBytes, type MeterReading } from '@ampool/metering';
import { signEd25519 } from '@ampool/crypto';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import type { TestSystem } from '../test-system';

export type RequestKind = 'deposit' | 'order' | 'trip' | 'booking' | 'readings';

/** One client request as the client saw it, through every attempt (all attempts carry the same id). */
export interface RequestRecord {
  kind: RequestKind;
  id: string;
  /** Who sent it (participant or device did). */
  by: string;
  attempts: number;
  /** Each failed attempt: HTTP status (0 = no answer: connection refused, reset or timed out) and code. */
  failures: { status: number; code?: string; atMs: number }[];
  /** accepted: 2xx; rejected: a 4xx answer with an error code (final, not retried); gave-up: still failing at the deadline. */
  outcome: 'accepted' | 'rejected' | 'gave-up' | 'pending';
  status?: number;
  code?: string;
  body?: any;
  /** What was sent (the same bytes of content on every attempt). */
  payload: any;
}

export interface LoadSettings {
  /** Pause of each worker between its requests. */
  paceMs: number;
  /** How long one request keeps being retried before the client gives up. */
  retryDeadlineMs: number;
  sellers: number;
  buyers: number;
  riders: number;
  meters: number;
  trips: number;
  seatsPerTrip: number;
  readingsPerBatch: number;
}

export const ZONES = ['north', 'south'] as const;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const ROUTE: [number, number][] = [[48.85, 2.3], [48.85, 2.35], [48.85, 2.4]];
const PICKUP: [number, number] = [48.8502, 2.31];
const DROPOFF: [number, number] = [48.8502, 2.39];
const REPLAY_PATHS: Record<RequestKind, string> = {
  deposit: '/v1/deposits',
  order: '/v1/energy/orders',
  trip: '/v1/rides/trips',
  booking: '/v1/rides/bookings',
  readings: '/v1/metering/readings',
};
const READING_STEP_MS = 10_000;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** A status or failure the client may retry with the same id: no answer, or the system said it could not serve now. */
export function retryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/**
 * Steady traffic through the public gateway, as real clients make it: participants with their
 * own keys sign energy orders across zones and delivery intervals, riders book seats, meters
 * upload signed readings. Every request carries an id chosen by the client, and a request
 * that fails without a final answer is retried with the same id and body until it gets one.
 */
export class ChaosLoad {
  readonly records: RequestRecord[] = [];
  readonly intervals: string[] = [];
  sellers: (RegisteredParticipant & { device: string })[] = [];
  buyers: RegisteredParticipant[] = [];
  riders: RegisteredParticipant[] = [];
  driver?: RegisteredParticipant;
  meters: { did: string; key: KeyHolder; nextMinute: number }[] = [];
  trips: string[] = [];
  readingsStartMs = 0;
  private running = false;
  private workers: Promise<void>[] = [];
  private operator?: Credentials;

  constructor(
    private readonly sys: TestSystem,
    readonly settings: LoadSettings,
  ) {}

  /** Setup calls are not what the run measures: one answered 5xx or not at all on a loaded machine is simply made again. */
  private async setupStep<T>(make: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await make();
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        if (attempt >= 10 || !retryableStatus(status)) throw error;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  /** Participants, devices, deposits and trips, made before any fault. */
  async setup(): Promise<void> {
    const { sys, settings } = this;
    this.operator = await this.setupStep(() => sys.operator());
    // Delivery intervals an hour or more ahead: no gate closes during the run.
    let start = nextIntervalStartMs(Date.now() + HOUR);
    for (let i = 0; i < 3; i++, start = nextIntervalStartMs(start)) this.intervals.push(new Date(start).toISOString());
    for (let i = 0; i < settings.sellers; i++) {
      const p = await this.setupStep(() => sys.participant('household', `seller ${i}`));
      const pv = await this.setupStep(() => registerDevice(sys.client, p, 'pv_inverter', { powerW: 2_000_000n, capacityWh: 0n, reserveWh: 0n }));
      this.sellers.push({ ...p, device: pv.did });
    }
    for (let i = 0; i < settings.buyers; i++) this.buyers.push(await this.setupStep(() => sys.participant('household', `buyer ${i}`)));
    for (let i = 0; i < settings.riders; i++) this.riders.push(await this.setupStep(() => sys.participant('rider', `rider ${i}`)));
    for (const p of [...this.buyers, ...this.riders]) {
      await this.request('deposit', p.did, this.operator, 'POST', '/v1/deposits', { id: uuidv7(), participant: p.did, amountMicro: '100000000000' });
    }
    this.driver = await this.setupStep(() => sys.participant('driver', 'driver'));
    const departure = Date.now() + 48 * HOUR;
    for (let i = 0; i < settings.trips; i++) {
      await this.request('trip', this.driver.did, signingWith(this.driver.key), 'POST', '/v1/rides/trips', {
        id: uuidv7(), route: ROUTE, departureAt: new Date(departure + i * MINUTE).toISOString(), arrivalAt: new Date(departure + (i + 20) * MINUTE).toISOString(),
        vehicleCapacity: 64, seatsOffered: settings.seatsPerTrip, pricing: { kind: 'per-seat', pricePerSeatMicro: '3000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
      });
    }
    this.trips = this.records.filter((r) => r.kind === 'trip' && r.outcome === 'accepted').map((r) => r.id);
    const owner = await this.setupStep(() => sys.participant('household', 'meter owner'));
    // Within metering's 7-day window, and far enough back (readings 10 s apart) that a long run never reaches the present.
    this.readingsStartMs = Math.floor((Date.now() - 6 * 24 * HOUR) / (15 * MINUTE)) * 15 * MINUTE;
    for (let i = 0; i < settings.meters; i++) {
      const d = await this.setupStep(() => registerDevice(sys.client, owner, 'meter', { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n }));
      this.meters.push({ did: d.did, key: d.key, nextMinute: 0 });
    }
  }

  /** Starts the workers; they run until `stop()`. */
  start(): void {
    this.running = true;
    let n = 0;
    const pick = <T>(xs: readonly T[]) => xs[n++ % xs.length]!;
    for (const seller of this.sellers) {
      this.loop(() => {
        const order = { id: uuidv7(), participant: seller.did, side: 'sell', zone: pick(ZONES), intervalStart: pick(this.intervals), quantityWh: String(200 + (n % 5) * 100), limitPriceMicroPerKwh: String(150_000 + (n % 7) * 10_000), device: seller.device };
        return this.request('order', seller.did, signingWith(seller.key), 'POST', '/v1/energy/orders', order);
      });
    }
    for (const buyer of this.buyers) {
      this.loop(() => {
        const order = { id: uuidv7(), participant: buyer.did, side: 'buy', zone: pick(ZONES), intervalStart: pick(this.intervals), quantityWh: String(150 + (n % 4) * 100), limitPriceMicroPerKwh: String(170_000 + (n % 7) * 10_000) };
        return this.request('order', buyer.did, signingWith(buyer.key), 'POST', '/v1/energy/orders', order);
      });
    }
    for (const rider of this.riders) {
      this.loop(async () => {
        if (this.trips.length === 0) return;
        const booking = { id: uuidv7(), tripId: pick(this.trips), pickup: PICKUP, dropoff: DROPOFF, seats: 1 };
        await this.request('booking', rider.did, signingWith(rider.key), 'POST', '/v1/rides/bookings', booking);
      }, 4);
    }
    for (const meter of this.meters) {
      this.loop(() => {
        const readings: MeterReading[] = Array.from({ length: this.settings.readingsPerBatch }, (_, i) => {
          const minute = meter.nextMinute + i;
          return { atMs: this.readingsStartMs + minute * READING_STEP_MS, importWh: 10_000n + BigInt(minute) * 2n, exportWh: 0n };
        });
        meter.nextMinute += readings.length;
        const batch = { device: meter.did, key: meter.key.keyId, readings };
        const body = {
          device: meter.did,
          key: meter.key.keyId,
          readings: readings.map((r) => ({ at: new Date(r.atMs).toISOString(), importWh: r.importWh.toString(), exportWh: r.exportWh.toString() })),
          signature: b64(signEd25519(meter.key.secretKey, readingBatchSigningBytes(batch))),
        };
        return this.request('readings', meter.did, signingWith(meter.key), 'POST', '/v1/metering/readings', body, uuidv7());
      }, 2);
    }
  }

  /** Stops the workers and waits for every request in flight to reach a final answer. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /**
   * Sends again, once, every request that failed at least once and was then answered, with
   * the same id, body and signer: the proof that a client's retry lands once. Returns the
   * answers by status.
   */
  async replayFailed(): Promise<{ replayed: number; answers: Record<string, number> }> {
    const answers: Record<string, number> = {};
    const again = this.records.filter((r) => r.failures.length > 0 && r.outcome === 'accepted');
    for (const r of again) {
      const credentials = this.credentialsOf(r);
      const path = REPLAY_PATHS[r.kind];
      let status = 0;
      try {
        status = (await this.sys.client.send('POST', path, r.payload, credentials)).status;
      } catch {
        status = 0;
      }
      answers[`${r.kind} ${status}`] = (answers[`${r.kind} ${status}`] ?? 0) + 1;
    }
    return { replayed: again.length, answers };
  }

  private credentialsOf(r: RequestRecord): Credentials {
    if (r.kind === 'deposit') return this.operator!;
    const holders: { did: string; key: { keyId: string; secretKey: Uint8Array } }[] = [...this.sellers, ...this.buyers, ...this.riders, ...this.meters, ...(this.driver ? [this.driver] : [])];
    return signingWith(holders.find((h) => h.did === r.by)!.key);
  }

  private loop(step: () => Promise<unknown>, paceFactor = 1): void {
    this.workers.push(
      (async () => {
        while (this.running) {
          await step();
          await new Promise((r) => setTimeout(r, this.settings.paceMs * paceFactor));
        }
      })(),
    );
  }

  /**
   * Sends one request, retrying it with the same id and body while the answer is a retryable
   * failure; records every attempt.
   */
  async request(kind: RequestKind, by: string, credentials: Credentials, method: string, path: string, payload: any, id: string = payload.id): Promise<RequestRecord> {
    const record: RequestRecord = { kind, id, by, attempts: 0, failures: [], outcome: 'pending', payload };
    this.records.push(record);
    const deadline = Date.now() + this.settings.retryDeadlineMs;
    for (;;) {
      record.attempts++;
      let res: RawResponse | undefined;
      try {
        res = await this.sys.client.send(method, path, payload, credentials);
      } catch {
        res = undefined;
      }
      const status = res?.status ?? 0;
      const code = (res?.body as { code?: string } | undefined)?.code;
      if (status >= 200 && status < 300) {
        Object.assign(record, { outcome: 'accepted', status, body: res!.body });
        return record;
      }
      if (!retryableStatus(status)) {
        Object.assign(record, { outcome: 'rejected', status, code });
        return record;
      }
      record.failures.push({ status, code, atMs: Date.now() });
      if (Date.now() > deadline) {
        Object.assign(record, { outcome: 'gave-up', status, code });
        return record;
      }
      await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * record.attempts)));
    }
  }
}
