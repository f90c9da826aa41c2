import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { LeaseBucket, type ServiceIdentity } from '@ampool/messaging';
import type { ValidatorSettings } from '../config';
import { ValidatorLease } from './validator-lease.service';
import type { ValidatorService } from './validator.service';

/** A bucket whose answers the test decides (the real one is tested on a nats-server). */
class FakeBucket {
  held = false;
  free = true;
  /** What the next renewal does: keep the lease, report it lost, or fail to reach the bucket. */
  renewal: 'ok' | 'lost' | 'unreachable' = 'ok';
  stale = false;
  released = 0;
  holds = () => this.held;
  acquire = async () => {
    if (this.held) return true;
    if (!this.free) return false;
    this.free = false;
    return (this.held = true);
  };
  renew = async () => {
    if (this.renewal === 'unreachable') throw new Error('no responders');
    if (this.renewal === 'lost') this.held = false;
    return this.held;
  };
  expiredLocally = () => this.held && this.stale;
  forget = () => {
    this.held = false;
  };
  release = async () => {
    this.held = false;
    this.free = true;
    this.released++;
  };
}

class FakeValidator {
  active = false;
  starts = 0;
  stops = 0;
  refreshes = 0;
  leaseValid: (() => boolean) | undefined;
  prepare = async () => undefined;
  start = async (leaseValid: () => boolean) => {
    this.starts++;
    this.leaseValid = leaseValid;
    this.active = true;
  };
  stop = async () => {
    if (this.active) this.stops++;
    this.active = false;
  };
  refreshView = async () => {
    this.refreshes++;
  };
}

describe('ValidatorLease', () => {
  let bucket: FakeBucket;
  let validator: FakeValidator;
  let lease: ValidatorLease;
  const settings = { name: 'auditor', lease: { ttlMs: 3_000, renewMs: 60_000 } } as ValidatorSettings;
  const round = () => (lease as unknown as { tick(): Promise<void> }).tick().then(() => new Promise((r) => setImmediate(r)));

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    bucket = new FakeBucket();
    validator = new FakeValidator();
    jest.spyOn(LeaseBucket, 'open').mockResolvedValue(bucket as unknown as LeaseBucket);
    lease = new ValidatorLease({} as NatsConnection, { instance: 'auditor-b' } as ServiceIdentity, settings, validator as unknown as ValidatorService);
  });
  afterEach(async () => {
    await lease.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('stands by while another instance holds the lease: it runs nothing, follows the schema, and says so in its health', async () => {
    bucket.free = false;
    await lease.onApplicationBootstrap();
    await round();
    expect(LeaseBucket.open).toHaveBeenCalledWith(expect.anything(), { bucket: 'LEDGER_LEASES', owner: 'auditor-b', ttlMs: 3_000 });
    expect(validator.starts).toBe(0);
    expect(validator.refreshes).toBe(2);
    expect(lease.checks()).toEqual({ standby: 'up' });
  });

  it('takes a free lease and runs the validator, whose writes are fenced by the lease not having expired locally', async () => {
    await lease.onApplicationBootstrap();
    await new Promise((r) => setImmediate(r));
    expect(validator.starts).toBe(1);
    expect(lease.checks()).toEqual({ validator: 'up' });
    expect(validator.leaseValid!()).toBe(true);
    bucket.stale = true;
    expect(validator.leaseValid!()).toBe(false);
  });

  it('keeps validating while the bucket is unreachable but the lease cannot have expired, and stops once it may have', async () => {
    await lease.onApplicationBootstrap();
    await new Promise((r) => setImmediate(r));
    bucket.renewal = 'unreachable';
    await round();
    expect(validator.active).toBe(true);
    bucket.stale = true;
    await round();
    expect(validator.active).toBe(false);
    expect(bucket.held).toBe(false);
    // The bucket answers again and nobody took the lease meanwhile: this instance takes it back.
    bucket.renewal = 'ok';
    bucket.stale = false;
    bucket.free = true;
    await round();
    expect(validator.starts).toBe(2);
    expect(validator.active).toBe(true);
  });

  it('stops at once when a renewal finds the lease taken by another instance', async () => {
    await lease.onApplicationBootstrap();
    await new Promise((r) => setImmediate(r));
    bucket.renewal = 'lost';
    await round();
    expect(validator.stops).toBe(1);
    expect(lease.checks()).toEqual({ standby: 'up' });
  });

  it('on shutdown stops the validator first, then gives the lease up for a standby to take at once', async () => {
    await lease.onApplicationBootstrap();
    await new Promise((r) => setImmediate(r));
    const order: string[] = [];
    const stop = validator.stop;
    validator.stop = async () => {
      order.push('stop');
      await stop();
    };
    const release = bucket.release;
    bucket.release = async () => {
      order.push('release');
      await release();
    };
    await lease.onModuleDestroy();
    expect(order).toEqual(['stop', 'release']);
    expect(bucket.free).toBe(true);
  });
});
