import { Controller, Injectable, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { z } from 'zod';
import {
  AppError,
  defineRpc,
  int64,
  positiveInt64,
  STREAMS,
  TradeExecuted,
  type EventEnvelope,
  type TradeFacts,
} from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { createPrismaClient, OutboxStore, PersistenceModule, PrismaClient } from '@ampool/persistence';
import { createTestDatabase, eventually, startTestNats, type TestDatabase, type TestNats } from '@ampool/testing';
import { EventConsumers, EventsModule, MessagingModule, outboxEvent, RpcClient, RpcHandler, UnitOfWork } from './index';

const Double = defineRpc(
  'rpc.test.number.double',
  z.strictObject({ amount: positiveInt64, mode: z.enum(['ok', 'domain', 'crash', 'slow', 'db-down']) }),
  z.strictObject({ doubled: int64 }),
);
/** The same subject with no request validation, to send what a careless client would. */
const DoubleUnchecked = defineRpc(Double.subject, z.any(), Double.response);

/** A client of a database nobody listens for (port 1): every query fails as a real outage does. */
const unreachableDb = createPrismaClient({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none', poolMax: 1 });

@Controller()
class DoubleController {
  @RpcHandler(Double)
  async double(input: z.output<typeof Double.request>): Promise<z.output<typeof Double.response>> {
    if (input.mode === 'domain') throw new AppError('INSUFFICIENT_FUNDS', 'not enough');
    if (input.mode === 'crash') throw new Error('password=hunter2 at db.internal:5432');
    if (input.mode === 'slow') await new Promise((r) => setTimeout(r, 1_500));
    if (input.mode === 'db-down') await unreachableDb.participant.count();
    return { doubled: input.amount * 2n };
  }
}

function facts(): TradeFacts {
  const did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
  const at = new Date('2026-11-21T10:15:00.000Z');
  return {
    id: uuidv7(), buyOrderId: uuidv7(), sellOrderId: uuidv7(), buyer: did, seller: did, zone: 'north',
    sellerZone: 'north', buyerZone: 'north', intervalStart: at, energyWh: 2000n, priceMicroPerKwh: 200_000n, gridFeeMicroPerKwh: 0n,
    valueMicro: 400_000n, buyerCostMicro: 400_000n, executedAt: at,
  };
}

/** What the test consumer does with each event: decided per trade id by the test. */
const behaviour = new Map<string, 'ok' | 'fail-twice' | 'fail-always'>();
const handled: { id: string; attempt: number }[] = [];
const attempts = new Map<string, number>();

@Injectable()
class TestConsumer {
  constructor(consumers: EventConsumers) {
    consumers.register({
      durable: 'test-trades',
      contract: TradeExecuted,
      maxDeliver: 3,
      ackWaitMs: 2_000,
      handle: async (e: EventEnvelope<TradeFacts>) => {
        const n = (attempts.get(e.data.id) ?? 0) + 1;
        attempts.set(e.data.id, n);
        const mode = behaviour.get(e.data.id) ?? 'ok';
        if (mode === 'fail-always' || (mode === 'fail-twice' && n <= 2)) throw new Error(`refusing attempt ${n}`);
        handled.push({ id: e.data.id, attempt: n });
      },
    });
  }
}

/** The batched consumer's record: batch sizes, and the trades it applied (once each, by runOnceMany). */
const batchSizes: number[] = [];
const batchedHandled: string[] = [];
const batchPoison = new Set<string>();

@Injectable()
class BatchedConsumer {
  constructor(consumers: EventConsumers, uow: UnitOfWork) {
    consumers.register({
      durable: 'test-trades-batched',
      contract: TradeExecuted,
      maxDeliver: 3,
      ackWaitMs: 2_000,
      handle: async (e: EventEnvelope<TradeFacts>) => {
        await uow.runOnce('test-batched', e.id, async () => void batchedHandled.push(e.data.id));
      },
      handleBatch: async (events: EventEnvelope<TradeFacts>[]) => {
        if (events.some((e) => batchPoison.has(e.data.id))) throw new Error('a batch holding a refused event');
        batchSizes.push(events.length);
        const fresh = new Set(await uow.runOnceMany('test-batched', events.map((e) => e.id), async () => undefined));
        for (const e of events) if (fresh.has(e.id)) batchedHandled.push(e.data.id);
      },
    });
  }
}

describe('messaging over a real nats-server and PostgreSQL', () => {
  let nats: TestNats;
  let db: TestDatabase;
  let app: INestMicroservice;
  let nc: NatsConnection;
  let rpc: RpcClient;

  beforeAll(async () => {
    [nats, db] = await Promise.all([startTestNats(), createTestDatabase()]);
    @Module({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, schema: 'energy', poolMax: 4 }),
        MessagingModule.forRoot({ service: 'energy', servers: [nats.url], rpcTimeoutMs: 1_000 }),
        EventsModule.forRoot({ publishes: [STREAMS.energy] }),
      ],
      controllers: [DoubleController],
      providers: [TestConsumer, BatchedConsumer],
    })
    class TestModule {}
    app = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, {
      transport: Transport.NATS,
      options: { servers: [nats.url], queue: 'test' },
      logger: false,
    });
    await app.listen();
    nc = await connect({ servers: nats.url });
    rpc = new RpcClient(nc, 1_000);
  });

  afterAll(async () => {
    await nc?.close();
    await app?.close();
    await Promise.all([nats?.stop(), db?.drop()]);
  });

  describe('request/reply', () => {
    it('carries 64-bit integers both ways as decimal strings', async () => {
      const big = 2n ** 61n + 7n;
      await expect(rpc.request(Double, { amount: big, mode: 'ok' })).resolves.toEqual({ doubled: big * 2n });
    });

    it('answers the wire form with requestWire, still refusing a reply outside the contract (INTERNAL)', async () => {
      const big = 2n ** 61n + 7n;
      await expect(rpc.requestWire(Double, { amount: big, mode: 'ok' })).resolves.toEqual({ doubled: (big * 2n).toString() });
      const OtherReply = defineRpc(Double.subject, Double.request, z.strictObject({ halved: int64 }));
      await expect(rpc.requestWire(OtherReply, { amount: 1n, mode: 'ok' })).rejects.toMatchObject({ code: 'INTERNAL' });
      await expect(rpc.requestWire(Double, { amount: 1n, mode: 'domain' })).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    });

    it('refuses a request outside the contract with VALIDATION_FAILED naming the field', async () => {
      const err = await rpc.request(DoubleUnchecked, { amount: 5, mode: 'ok' }).catch((e: AppError) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify((err as AppError).details)).toContain('amount');
    });

    it("passes the callee's error code through", async () => {
      await expect(rpc.request(Double, { amount: 1n, mode: 'domain' })).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS', message: 'not enough' });
    });

    it('reports an unexpected failure as INTERNAL without its message', async () => {
      const err = (await rpc.request(Double, { amount: 1n, mode: 'crash' }).catch((e) => e)) as AppError;
      expect(err.code).toBe('INTERNAL');
      expect(JSON.stringify(err)).not.toContain('hunter2');
      expect(err.message).not.toContain('hunter2');
    });

    it('reports a handler whose database is unreachable as UPSTREAM_UNAVAILABLE, naming no host', async () => {
      const err = (await rpc.request(Double, { amount: 1n, mode: 'db-down' }).catch((e) => e)) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(err.message).not.toContain('127.0.0.1');
    });

    it('gives up after the timeout with UPSTREAM_TIMEOUT', async () => {
      const started = Date.now();
      await expect(rpc.request(Double, { amount: 1n, mode: 'slow' }, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(1_400);
    });

    it('reports UPSTREAM_UNAVAILABLE when nobody serves the subject', async () => {
      const Nobody = defineRpc('rpc.test.nobody.home', z.strictObject({}), z.strictObject({}));
      await expect(rpc.request(Nobody, {})).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    });
  });

  describe('outbox and consumers', () => {
    const uow = () => app.get(UnitOfWork);

    it('publishes events committed with a transaction, with Nats-Msg-Id = event id, and empties the outbox', async () => {
      const trade = facts();
      const row = outboxEvent(TradeExecuted, trade, 'energy');
      await uow().run(async (_tx, emit) => emit(row));
      const jsm = await jetstreamManager(nc);
      const msg = await eventually(() => jsm.streams.getMessage('EVT_ENERGY', { last_by_subj: TradeExecuted.subject }).then((m) => (m?.header.get('Nats-Msg-Id') === row.id ? m : null)), 10_000, 'the event in the stream');
      expect(TradeExecuted.envelope.parse(msg.json()).data).toEqual(trade);
      await eventually(async () => (await app.get(OutboxStore).backlog(app.get(PrismaClient))) === 0, 10_000, 'the outbox to drain');
      await eventually(async () => handled.some((h) => h.id === trade.id), 10_000, 'the consumer to see it');
    });

    it('publishes nothing when the transaction rolls back', async () => {
      const trade = facts();
      await expect(
        uow().run(async (_tx, emit) => {
          emit(outboxEvent(TradeExecuted, trade, 'energy'));
          throw new Error('business rule broken');
        }),
      ).rejects.toThrow('business rule broken');
      // A later event is seen, the rolled-back one never.
      const marker = facts();
      await uow().run(async (_tx, emit) => emit(outboxEvent(TradeExecuted, marker, 'energy')));
      await eventually(async () => handled.some((h) => h.id === marker.id), 10_000, 'the marker event');
      expect(attempts.has(trade.id)).toBe(false);
    });

    it('retries a failing handler and acknowledges once it succeeds', async () => {
      const trade = facts();
      behaviour.set(trade.id, 'fail-twice');
      await uow().run(async (_tx, emit) => emit(outboxEvent(TradeExecuted, trade, 'energy')));
      const done = await eventually(async () => handled.find((h) => h.id === trade.id), 20_000, 'the third attempt');
      expect(done.attempt).toBe(3);
    });

    it('moves an event that keeps failing to the dead letters with the reason, and carries on', async () => {
      const poison = facts();
      const after = facts();
      behaviour.set(poison.id, 'fail-always');
      await uow().run(async (_tx, emit) => emit(outboxEvent(TradeExecuted, poison, 'energy'), outboxEvent(TradeExecuted, after, 'energy')));
      await eventually(async () => handled.some((h) => h.id === after.id), 30_000, 'the next event');
      const jsm = await jetstreamManager(nc);
      const dead = await eventually(() => jsm.streams.getMessage('DEAD_LETTER', { last_by_subj: 'dlq.test-trades' }).catch(() => null), 30_000, 'the dead letter');
      expect(TradeExecuted.envelope.parse(dead.json()).data.id).toBe(poison.id);
      expect(dead.header.get('Ampool-Dead-Letter-Reason')).toMatch(/failed 3 times: refusing attempt 3/);
      expect(attempts.get(poison.id)).toBe(3);
    });

    it('sends a malformed event straight to the dead letters', async () => {
      const js = jetstream(nc);
      await js.publish(TradeExecuted.subject, '{"not":"an envelope"}', { msgID: uuidv7() });
      const jsm = await jetstreamManager(nc);
      const dead = await eventually(
        () => jsm.streams.getMessage('DEAD_LETTER', { last_by_subj: 'dlq.test-trades' }).then((m) => (m?.string().includes('not') ? m : null)),
        20_000,
        'the malformed event in the dead letters',
      );
      expect(dead.header.get('Ampool-Dead-Letter-Reason')).toMatch(/invalid event/);
    });

    it('runs the work of an event id once, however often it is handled', async () => {
      const eventId = uuidv7();
      let runs = 0;
      const results = await Promise.all([1, 2, 3].map(() => uow().runOnce('test-once', eventId, async () => void runs++)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(runs).toBe(1);
      expect(await uow().runOnce('test-once', eventId, async () => void runs++)).toBe(false);
      expect(runs).toBe(1);
    });
  });

  describe('batch consumers', () => {
    const uow = () => app.get(UnitOfWork);
    it('hands events that arrived together to the batch handler, in stream order, each applied once', async () => {
      const trades = Array.from({ length: 300 }, facts);
      await uow().run(async (_tx, emit) => emit(...trades.map((t) => outboxEvent(TradeExecuted, t, 'energy'))));
      const ids = new Set(trades.map((t) => t.id));
      await eventually(async () => batchedHandled.filter((id) => ids.has(id)).length >= 300, 30_000, 'every event of the burst');
      const mine = batchedHandled.filter((id) => ids.has(id));
      expect(mine).toEqual(trades.map((t) => t.id));
      expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    });

    it('handles the events of a failed batch one by one, so one refused event does not hold the others back', async () => {
      const trades = Array.from({ length: 10 }, facts);
      batchPoison.add(trades[4]!.id);
      await uow().run(async (_tx, emit) => emit(...trades.map((t) => outboxEvent(TradeExecuted, t, 'energy'))));
      const ids = new Set(trades.map((t) => t.id));
      await eventually(async () => batchedHandled.filter((id) => ids.has(id)).length >= 10, 30_000, 'every event, the refused one by itself');
      expect(batchedHandled.filter((id) => ids.has(id)).sort()).toEqual(trades.map((t) => t.id).sort());
    });

    it('marks a batch of event ids processed once, however often it is run', async () => {
      const ids = Array.from({ length: 5 }, uuidv7);
      expect(await uow().runOnceMany('test-many', ids.slice(0, 2), async () => undefined)).toEqual(ids.slice(0, 2));
      const seen: string[][] = [];
      expect(await uow().runOnceMany('test-many', ids, async (_tx, _emit, fresh) => void seen.push(fresh))).toEqual(ids.slice(2));
      expect(seen).toEqual([ids.slice(2)]);
      expect(await uow().runOnceMany('test-many', ids, async () => void seen.push([]))).toEqual([]);
      expect(seen).toHaveLength(1);
    });
  });
});
