import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { CLOCK_BUCKET, CLOCK_KEY } from '@ampool/contracts';
import { Clock } from '@ampool/domain';
import { startTestNats, type TestNats } from '@ampool/testing';
import { ClockModule, publishClockSetting, SharedClock } from './clock.module';
import { inboxPrefixFor, NATS_CONNECTION } from '../nats-connection';

/**
 * Shared simulated time on a real nats-server that enforces the production permissions: the
 * simulator writes the setting; a service reads and follows it and cannot write it.
 */
describe('the shared clock', () => {
  let nats: TestNats;
  const open: NatsConnection[] = [];
  const as = async (user: 'simulator' | 'energy' | 'settlement') => {
    const nc = await connect({ servers: nats.url, user, pass: nats.passwords![user], inboxPrefix: inboxPrefixFor(user) });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    nats = await startTestNats({ auth: true });
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await nats?.stop();
  });

  it('refuses to start a service on CLOCK=shared before any setting exists', async () => {
    const nc = await as('energy');
    await expect(SharedClock.connect(nc)).rejects.toThrow(/CLOCK=shared/);
  });

  it('gives services the simulator’s time and follows every step', async () => {
    const simulator = await as('simulator');
    const start = Date.parse('2027-06-21T00:00:00Z');
    await publishClockSetting(simulator, { simAtMs: start, realAtMs: Date.now(), rate: 0 });

    // In a service, MessagingModule provides the connection; here a stand-in does.
    const nc = await as('settlement');
    @Global()
    @Module({ providers: [{ provide: NATS_CONNECTION, useValue: nc }], exports: [NATS_CONNECTION] })
    class Connection {}
    const moduleRef = await Test.createTestingModule({ imports: [Connection, ClockModule.forRoot('shared')] }).compile();
    const clock = moduleRef.get(Clock);
    expect(clock.now()).toBe(start);

    const next = start + 15 * 60_000;
    await publishClockSetting(simulator, { simAtMs: next, realAtMs: Date.now(), rate: 0 });
    const deadline = Date.now() + 5_000;
    while (clock.now() !== next && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(clock.now()).toBe(next);
    await moduleRef.close();
  });

  it('does not let a service write the clock', async () => {
    const energy = await as('energy');
    // The bucket exists now (the simulator made it); writing its key directly is still refused.
    await expect(jetstream(energy).publish(`$KV.${CLOCK_BUCKET}.${CLOCK_KEY}`, JSON.stringify({ simAtMs: 0, realAtMs: 0, rate: 1 }), { timeout: 2_000 })).rejects.toThrow();
    await expect(publishClockSetting(energy, { simAtMs: 0, realAtMs: 0, rate: 1 })).rejects.toThrow();
  });
});
