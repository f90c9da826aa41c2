import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { LEDGER_LEASE_BUCKET, validatorLeaseKey } from '@ampool/contracts';
import { LeaseBucket, NATS_CONNECTION, SERVICE_IDENTITY, type CheckState, type ExtraHealthChecks, type ServiceIdentity } from '@ampool/messaging';
import { VALIDATOR_SETTINGS, type ValidatorSettings } from '../config';
import { ValidatorService } from './validator.service';

/** A promise that fails after `ms` (a bucket call must not hold up a round past the lease's margin). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Which instance of a ledger member runs its validator. Every instance of member X boots;
 * the one holding the lease `validator.X` in the LEDGER_LEASES bucket runs the pipeline and
 * renews the lease every `renewMs`, the others try to take it every `renewMs` and serve
 * reads meanwhile. When the holder dies its lease expires after the time to live and a
 * standby takes it over, rebuilding from the member's schema and the streams. A holder that
 * cannot renew before its lease may have expired (`expiredLocally`, one round of margin)
 * stops its pipeline; a holder shutting down gives the lease up at once.
 */
@Injectable()
export class ValidatorLease implements OnApplicationBootstrap, OnModuleDestroy, ExtraHealthChecks {
  private readonly logger = new Logger(ValidatorLease.name);
  private bucket?: LeaseBucket;
  private timer?: NodeJS.Timeout;
  private round: Promise<void> | undefined;
  private stopped = false;
  private readonly key: string;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
    @Inject(VALIDATOR_SETTINGS) private readonly settings: ValidatorSettings,
    private readonly validator: ValidatorService,
  ) {
    this.key = validatorLeaseKey(settings.name);
  }

  /** This instance's name in the bucket. */
  get instance(): string {
    return this.identity.instance;
  }

  /** Whether this instance holds the member's lease (as far as it knows). */
  get holding(): boolean {
    return this.bucket?.holds(this.key) ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.validator.prepare();
    this.bucket = await LeaseBucket.open(this.nc, { bucket: LEDGER_LEASE_BUCKET, owner: this.instance, ttlMs: this.settings.lease.ttlMs });
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.settings.lease.renewMs);
  }

  /** On shutdown the pipeline stops, then the lease is given up so a standby takes over at once. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
    const held = this.holding;
    await this.validator.stop().catch((e: Error) => this.logger.warn(`stopping the validator: ${e.message}`));
    if (held) await this.bucket?.release(this.key).catch((e: Error) => this.logger.warn(`giving up the lease ${this.key}: ${e.message}`));
  }

  /** The role this instance plays now: `validator` when it runs the pipeline, else `standby`. */
  checks(): Record<string, CheckState> {
    return this.validator.active ? { validator: 'up' } : { standby: 'up' };
  }

  private tick(): Promise<void> {
    if (this.round || this.stopped) return this.round ?? Promise.resolve();
    this.round = this.sweep()
      .catch((error: Error) => this.logger.warn(`lease round failed: ${error.message}`))
      .finally(() => (this.round = undefined));
    return this.round;
  }

  /** One round: the holder renews (or stops when it cannot), a standby tries to take the lease. */
  private async sweep(): Promise<void> {
    const bucket = this.bucket!;
    const { renewMs } = this.settings.lease;
    if (bucket.holds(this.key)) {
      let kept: boolean;
      try {
        kept = await within(bucket.renew(this.key), renewMs, 'renewing the lease');
      } catch (error) {
        // The bucket is unreachable: keep validating while the lease cannot have expired yet.
        kept = !bucket.expiredLocally(this.key, renewMs);
        if (!kept) {
          bucket.forget(this.key);
          this.logger.warn(`lease ${this.key} not renewed in time (${(error as Error).message})`);
        }
      }
      if (!kept) {
        this.logger.warn(`lease ${this.key} lost: stopping this validator (another instance of ${this.settings.name} may run it now)`);
        await this.validator.stop();
        return;
      }
      // Held but not running: the start failed earlier, or the lease was taken in a round that
      // timed out. Starting runs beside the renewals (a restore can take longer than a round).
      if (!this.validator.active) this.begin();
      return;
    }
    if (await within(bucket.acquire(this.key), renewMs, 'taking the lease')) {
      this.logger.log(`took lease ${this.key} as ${this.instance}: starting the validator`);
      this.begin();
      return;
    }
    await this.validator.refreshView();
  }

  private starting: Promise<void> | undefined;

  private begin(): void {
    if (this.starting || this.stopped) return;
    const { renewMs } = this.settings.lease;
    this.starting = this.validator
      .start(() => this.bucket?.holds(this.key) === true && !this.bucket.expiredLocally(this.key, renewMs))
      .catch(async (error: Error) => {
        // Could not rebuild (the database is down): give the lease up for another instance or a later round.
        this.logger.warn(`starting the validator failed: ${error.message}`);
        await this.validator.stop().catch(() => undefined);
        if (this.bucket?.holds(this.key)) await this.bucket.release(this.key).catch(() => this.bucket?.forget(this.key));
      })
      .finally(() => (this.starting = undefined));
  }
}
