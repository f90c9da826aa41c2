import type { NatsConnection } from '@nats-io/transport-node';
import { eventually, usePrivateNats } from '@ampool/testing';
import { fairShare, LeaseBucket } from './lease-bucket';

describe('LeaseBucket (real nats-server with JetStream)', () => {
  const nats = usePrivateNats();
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await nats.connect();
  });

  const open = (owner: string, bucket: string, ttlMs = 60_000) => LeaseBucket.open(nc, { bucket, owner, ttlMs });

  it('lets exactly one of many racing instances take a key, and names it as the holder', async () => {
    const instances = await Promise.all(Array.from({ length: 8 }, (_, i) => open(`i${i}`, 'RACE')));
    const won = await Promise.all(instances.map((l) => l.acquire('area.north')));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = instances[won.indexOf(true)]!;
    expect(await instances[0]!.holderOf('area.north')).toBe(winner.options.owner);
    expect(instances.filter((l) => l.holds('area.north'))).toEqual([winner]);
  });

  it('renews its own lease, and a released lease can be taken by another instance at once', async () => {
    const a = await open('a', 'HANDOVER');
    const b = await open('b', 'HANDOVER');
    expect(await a.acquire('area.x')).toBe(true);
    expect(await a.renew('area.x')).toBe(true);
    expect(await b.acquire('area.x')).toBe(false);
    await a.release('area.x');
    expect(a.holds('area.x')).toBe(false);
    expect(await b.acquire('area.x')).toBe(true);
    expect(await a.holderOf('area.x')).toBe('b');
    // a no longer holds it: renewing reports the loss instead of overwriting b's lease.
    expect(await a.renew('area.x')).toBe(false);
    expect(await b.renew('area.x')).toBe(true);
  });

  it('a lease its holder stops renewing expires, and another instance takes it', async () => {
    const a = await open('a', 'EXPIRY', 1_500);
    const b = await open('b', 'EXPIRY', 1_500);
    expect(await a.acquire('area.y')).toBe(true);
    expect(await b.acquire('area.y')).toBe(false);
    // a "dies": it renews no more. Its key leaves the bucket after the time to live.
    await eventually(async () => (await b.acquire('area.y')) || undefined, 10_000, 'b to take the expired lease');
    expect(await b.holderOf('area.y')).toBe('b');
    // a comes back and finds it lost; it also knows locally that it went unrenewed too long.
    expect(a.expiredLocally('area.y', 500)).toBe(true);
    expect(await a.renew('area.y')).toBe(false);
    expect(a.holds('area.y')).toBe(false);
  });

  it('lists live keys under a prefix', async () => {
    const a = await open('a', 'LIST');
    await a.put('instance.a', 'a');
    await a.put('instance.b', 'b');
    await a.acquire('area.z');
    expect([...(await a.entries('instance.')).keys()].sort()).toEqual(['instance.a', 'instance.b']);
    expect(await a.entries('area.')).toEqual(new Map([['area.z', 'a']]));
  });

  it('shares things fairly', () => {
    expect(fairShare(3, 2)).toBe(2);
    expect(fairShare(4, 2)).toBe(2);
    expect(fairShare(1, 3)).toBe(1);
    expect(fairShare(5, 0)).toBe(5);
  });
});
