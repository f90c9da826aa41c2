import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** A lease this instance holds: the key's revision it last wrote, and when. */
interface Held {
  revision: number;
  renewedAtMs: number;
}

export interface LeaseBucketOptions {
  /** The key-value bucket's name. */
  bucket: string;
  /** This instance: the value written under every key it holds. */
  owner: string;
  /**
   * How long a lease lives without renewal (the bucket's max age). A holder that dies loses
   * its leases after this long; a live holder renews well within it.
   */
  ttlMs: number;
}

const CONFLICT = /wrong last sequence|key exists/i;

/**
 * Leases in a JetStream key-value bucket: one key per leased thing, whose value names the
 * holder. `create` succeeds only when nobody holds the key, `update` only when the key is
 * still at the revision this holder last wrote, and the bucket's max age removes a key its
 * holder stopped renewing. So at most one instance holds a key at a time — as long as every
 * holder stops using a lease once it cannot renew it within the time to live, which
 * `expiredLocally` tells it. Work guarded by a lease should still be fenced where it lands
 * (an expected sequence, a conditional update), since clocks and pauses can stretch that.
 */
export class LeaseBucket {
  private readonly held = new Map<string, Held>();

  private constructor(
    private readonly kv: KV,
    readonly options: LeaseBucketOptions,
  ) {}

  static async open(nc: NatsConnection, options: LeaseBucketOptions): Promise<LeaseBucket> {
    const kv = await new Kvm(jetstream(nc)).create(options.bucket, { ttl: options.ttlMs, history: 1 });
    return new LeaseBucket(kv, options);
  }

  /** Takes the lease if nobody holds it; true when this instance holds it now. */
  async acquire(key: string): Promise<boolean> {
    if (this.held.has(key)) return true;
    try {
      const revision = await this.kv.create(key, this.options.owner);
      this.held.set(key, { revision, renewedAtMs: Date.now() });
      return true;
    } catch (error) {
      if (CONFLICT.test((error as Error).message)) return false;
      throw error;
    }
  }

  /**
   * Renews a held lease. False when it was lost (someone else holds the key, or it expired);
   * a failure to reach the bucket is thrown, and the lease stays held until `expiredLocally`.
   */
  async renew(key: string): Promise<boolean> {
    const held = this.held.get(key);
    if (!held) return false;
    try {
      held.revision = await this.kv.update(key, this.options.owner, held.revision);
      held.renewedAtMs = Date.now();
      return true;
    } catch (error) {
      if (!CONFLICT.test((error as Error).message)) throw error;
      this.held.delete(key);
      return false;
    }
  }

  /** Gives a held lease up, so another instance can take it at once. */
  async release(key: string): Promise<void> {
    const held = this.held.get(key);
    this.held.delete(key);
    if (!held) return;
    await this.kv.delete(key, { previousSeq: held.revision }).catch((error: Error) => {
      if (!CONFLICT.test(error.message)) throw error;
    });
  }

  /** Forgets a lease without touching the bucket (after it was found lost). */
  forget(key: string): void {
    this.held.delete(key);
  }

  /** Whether this instance holds the key (as far as it knows). */
  holds(key: string): boolean {
    return this.held.has(key);
  }

  /** The keys this instance holds, optionally those starting with a prefix. */
  heldKeys(prefix = ''): string[] {
    return [...this.held.keys()].filter((k) => k.startsWith(prefix));
  }

  /**
   * True when a held lease went unrenewed for longer than the time to live less a margin: it
   * may have expired in the bucket and been taken by another instance, so its holder must
   * stop using it.
   */
  expiredLocally(key: string, marginMs: number, nowMs = Date.now()): boolean {
    const held = this.held.get(key);
    return held !== undefined && nowMs - held.renewedAtMs > this.options.ttlMs - marginMs;
  }

  /** Who holds a key now, or null. */
  async holderOf(key: string): Promise<string | null> {
    const entry = await this.kv.get(key);
    return entry && entry.operation === 'PUT' ? entry.string() : null;
  }

  /** Writes a key unconditionally (a heartbeat under this instance's own key). */
  async put(key: string, value: string): Promise<void> {
    await this.kv.put(key, value);
  }

  /** Every live key starting with a prefix, with its value. */
  async entries(prefix: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const keys = await this.kv.keys(`${prefix}>`);
    for await (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry && entry.operation === 'PUT') out.set(key, entry.string());
    }
    return out;
  }
}

/**
 * How many of `total` things an instance should hold when `instances` share them: the
 * ceiling of an even share, so every thing can be held and no instance needs more.
 */
export function fairShare(total: number, instances: number): number {
  return instances <= 0 ? total : Math.ceil(total / instances);
}
