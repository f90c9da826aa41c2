import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ENERGY_LEASE_BUCKET } from '@ampool/contracts';
import { fairShare, LeaseBucket, NATS_CONNECTION, SERVICE_IDENTITY, type ServiceIdentity } from '@ampool/messaging';
import { AreasService } from '../areas/areas.service';
import { MarketEngine } from '../engine/market-engine.service';
import { OrdersService } from '../orders/orders.service';

/** Timing of the area leases (from the service's configuration). */
export interface LeaseOptions {
  /** A lease not renewed for this long expires: the longest an area waits for a new writer after its writer dies. */
  ttlMs: number;
  /** How often leases are renewed and free areas looked for. */
  renewMs: number;
}
export const LEASE_OPTIONS = Symbol('LEASE_OPTIONS');

const AREA = 'area.';
const INSTANCE = 'instance.';

/** Hooks of the router: start and stop answering an area's forwarded requests. */
export interface AreaListener {
  listen(areaId: string): void;
  unlisten(areaId: string): void;
}

/**
 * Which areas this instance writes. Instances of the energy market share areas by leases in
 * the ENERGY_LEASES key-value bucket (LeaseBucket): every `renewMs` each instance renews its
 * heartbeat and its leases, takes free areas up to its fair share (areas ÷ live instances,
 * rounded up) and hands one over when it holds more than that. An instance that holds an area
 * has its open markets in memory (`MarketEngine.adopt`) and answers the requests other
 * instances forward for it. When a writer dies, its leases expire after `ttlMs` and the other
 * instances take its areas over, rebuilding each market from its snapshot and journal; the
 * journal's expected sequence keeps a writer that has not noticed its loss from writing.
 */
@Injectable()
export class AreaLeases implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AreaLeases.name);
  private bucket?: LeaseBucket;
  /** Areas held, each with the promise of its markets being loaded. */
  private readonly adopted = new Map<string, Promise<void>>();
  /** Areas handed over recently, not to be taken back until then (ms). */
  private readonly cooldown = new Map<string, number>();
  private listener?: AreaListener;
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
    @Inject(LEASE_OPTIONS) private readonly options: LeaseOptions,
    private readonly engine: MarketEngine,
    private readonly areas: AreasService,
    private readonly orders: OrdersService,
  ) {}

  /** This instance's name in the bucket. */
  get instance(): string {
    return this.identity.instance;
  }

  setListener(listener: AreaListener): void {
    this.listener = listener;
  }

  /**
   * Takes this instance's first areas before it serves. If JetStream does not answer yet (a
   * busy or restarting server), the service still starts: the lease rounds keep trying, and
   * requests for areas nobody writes are answered 503 meanwhile.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.renewMs);
  }

  /**
   * On shutdown (before the engine stops and the connections close) the areas are handed over
   * at once instead of after the leases' expiry.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.adopted.keys()].map((a) => this.handOver(a, true)));
    await this.bucket?.release(INSTANCE + this.instance).catch(() => undefined);
  }

  /**
   * Whether this instance writes the area now; waits for its markets to be loaded when it has
   * just taken it.
   */
  async writes(areaId: string): Promise<boolean> {
    const loading = this.adopted.get(areaId);
    if (!loading) return false;
    await loading;
    return this.adopted.get(areaId) === loading;
  }

  /** Whether this instance writes the area, without waiting. */
  holds(areaId: string): boolean {
    return this.adopted.has(areaId);
  }

  /** The areas this instance writes. */
  held(): string[] {
    return [...this.adopted.keys()];
  }

  /** Takes a free area now (a request for it found no writer); false when someone holds it. */
  async take(areaId: string): Promise<boolean> {
    if (this.stopped || !this.bucket) return false;
    if (this.adopted.has(areaId)) return this.writes(areaId);
    if ((this.cooldown.get(areaId) ?? 0) > Date.now()) return false;
    if (!(await this.bucket.acquire(AREA + areaId))) return false;
    this.adopt(areaId);
    return this.writes(areaId);
  }

  private adopt(areaId: string): void {
    const loading = this.orders.refreshBlocked().then(() => this.engine.adopt(areaId)).then(
      () => {
        if (this.adopted.get(areaId) === loading) this.listener?.listen(areaId);
        this.logger.log(`writing area ${areaId}`);
      },
      async (error: Error) => {
        // Its markets could not be loaded (the database is down): let another instance, or a later round, try.
        this.logger.warn(`taking area ${areaId} over failed: ${error.message}`);
        if (this.adopted.get(areaId) === loading) await this.handOver(areaId, false);
      },
    );
    this.adopted.set(areaId, loading);
  }

  /**
   * Stops writing an area and releases its lease for another instance to take at once.
   * `graceful`: the commands already queued finish first (the lease is still renewed
   * meanwhile, since its key stays held until released); otherwise they are refused.
   */
  private async handOver(areaId: string, graceful: boolean): Promise<void> {
    this.adopted.delete(areaId);
    this.listener?.unlisten(areaId);
    await this.engine.release(areaId, graceful);
    if (this.bucket?.holds(AREA + areaId)) await this.bucket.release(AREA + areaId).catch((e: Error) => this.logger.warn(`releasing area ${areaId}: ${e.message}`));
  }

  /** The lease was lost (taken, or not renewed in time): stop writing at once, journal nothing more. */
  private async lose(areaId: string): Promise<void> {
    this.adopted.delete(areaId);
    this.listener?.unlisten(areaId);
    this.bucket?.forget(AREA + areaId);
    await this.engine.release(areaId, false);
  }

  /**
   * Renews every area lease this instance holds — also those being handed over — each on its
   * own, so one that cannot be reached does not keep the others from being renewed.
   */
  private async renewAll(bucket: LeaseBucket): Promise<void> {
    for (const key of bucket.heldKeys(AREA)) {
      const areaId = key.slice(AREA.length);
      let kept: boolean;
      try {
        kept = await bucket.renew(key);
      } catch (error) {
        // The bucket is unreachable: keep writing while the lease cannot have expired yet.
        kept = !bucket.expiredLocally(key, this.options.renewMs);
        if (!kept) this.logger.warn(`area ${areaId}: lease not renewed in time (${(error as Error).message})`);
      }
      if (!kept) {
        this.logger.warn(`area ${areaId}: lease lost; another instance writes it now`);
        await this.lose(areaId);
      }
    }
  }

  /** One round: renewals, heartbeat, free areas taken up to the fair share, surplus handed over. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      this.bucket ??= await LeaseBucket.open(this.nc, { bucket: ENERGY_LEASE_BUCKET, owner: this.instance, ttlMs: this.options.ttlMs });
      const bucket = this.bucket;
      await this.renewAll(bucket);
      await bucket.put(INSTANCE + this.instance, String(Date.now()));
      const areas = (await this.areas.all()).map((a) => a.id);
      const instances = (await bucket.entries(INSTANCE)).size;
      const share = fairShare(areas.length, Math.max(1, instances));
      const holders = await bucket.entries(AREA);
      for (const areaId of areas) {
        if (this.adopted.size >= share) break;
        if (holders.has(AREA + areaId) || this.adopted.has(areaId)) continue;
        if ((this.cooldown.get(areaId) ?? 0) > Date.now()) continue;
        if (await bucket.acquire(AREA + areaId)) this.adopt(areaId);
      }
      // Hand one area over per round while holding more than a fair share, and only when
      // some instance holds less (so it will take it). The handover drains in the background:
      // the rounds go on renewing every lease meanwhile.
      const counts = new Map<string, number>();
      for (const owner of holders.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
      const someoneShort = instances > counts.size || [...counts.entries()].some(([owner, n]) => owner !== this.instance && n < share);
      if (this.adopted.size > share && someoneShort) {
        const areaId = [...this.adopted.keys()].at(-1)!;
        this.cooldown.set(areaId, Date.now() + 3 * this.options.renewMs);
        this.logger.log(`handing area ${areaId} over (holding ${this.adopted.size}, fair share ${share})`);
        void this.handOver(areaId, true);
      }
    } catch (error) {
      this.logger.warn(`lease round failed: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }
}
