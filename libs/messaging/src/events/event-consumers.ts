import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { deadLetterSubject, streamForSubject, STREAMS, type EventContract, type EventData, type EventEnvelope } from '@ampool/contracts';
import { NATS_CONNECTION } from '../nats-connection';
import { ensureStreams } from './stream-setup';

const NS_PER_MS = 1_000_000;

/** A durable consumer of one event type. */
export interface ConsumerSpec<C extends EventContract> {
  /** Durable consumer name, unique per (service, event): `<service>-<what it does>`. */
  durable: string;
  contract: C;
  /** Must be idempotent: it may see the same event more than once. Throw to retry. */
  handle: (event: EventEnvelope<EventData<C>>) => Promise<void>;
  /**
   * Optional: handles several events at once (in stream order), typically in one transaction;
   * the same rules as `handle` for each event. Events that arrive while a batch is being
   * handled make up the next batch, so under load the cost per event falls and at low load
   * nothing waits. When a batch fails, its events are handled one by one with `handle`, each
   * with its own retries and dead letter, so one bad event cannot hold the others back.
   */
  handleBatch?: (events: EventEnvelope<EventData<C>>[]) => Promise<void>;
  /** Deliveries before the event goes to the dead-letter subject. */
  maxDeliver?: number;
  /** How long the server waits for an ack before redelivering. */
  ackWaitMs?: number;
}

const DEFAULT_MAX_DELIVER = 8;
const DEFAULT_ACK_WAIT_MS = 30_000;
/** Messages a consumer holds unacknowledged at once (a bound on memory and on redelivery). */
const MAX_ACK_PENDING = 256;
const BATCH = 64;

/**
 * Runs durable JetStream pull consumers with explicit acks. Each event is handled in stream
 * order; a failure is retried with growing delays up to `maxDeliver` times, then the event is
 * copied to `dlq.<durable>` with the reason and terminated, so one poison event cannot block
 * the rest.
 */
@Injectable()
export class EventConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventConsumers.name);
  private readonly specs: ConsumerSpec<EventContract>[] = [];
  private readonly js: JetStreamClient;
  private readonly active = new Set<ConsumerMessages>();
  private readonly loops: Promise<void>[] = [];
  private running = false;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  /** Registers a consumer; call from a provider's constructor or onModuleInit. */
  register<C extends EventContract>(spec: ConsumerSpec<C>): void {
    if (this.running) throw new Error('register consumers before the application bootstraps');
    this.specs.push(spec as unknown as ConsumerSpec<EventContract>);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.specs.length === 0) return;
    const jsm = await jetstreamManager(this.nc);
    await ensureStreams(jsm, [STREAMS.deadLetter]);
    this.running = true;
    for (const spec of this.specs) {
      const stream = streamForSubject(spec.contract.subject);
      if (!stream) throw new Error(`no stream stores ${spec.contract.subject}`);
      await ensureStreams(jsm, [stream]);
      const config = {
        durable_name: spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: spec.contract.subject,
        max_deliver: spec.maxDeliver ?? DEFAULT_MAX_DELIVER,
        ack_wait: (spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS) * NS_PER_MS,
        max_ack_pending: MAX_ACK_PENDING,
      };
      try {
        await jsm.consumers.add(stream.name, config);
      } catch {
        await jsm.consumers.update(stream.name, spec.durable, config);
      }
      this.loops.push(this.run(stream.name, spec));
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    for (const messages of this.active) await messages.close().catch(() => undefined);
    await Promise.all(this.loops);
  }

  private async run(stream: string, spec: ConsumerSpec<EventContract>): Promise<void> {
    let backoffMs = 200;
    while (this.running) {
      try {
        const consumer = await this.js.consumers.get(stream, spec.durable);
        const messages = await consumer.consume({ max_messages: BATCH });
        this.active.add(messages);
        try {
          if (spec.handleBatch) {
            await this.consumeInBatches(spec, messages);
          } else {
            for await (const msg of messages) {
              await this.process(spec, msg);
              backoffMs = 200;
              if (!this.running) break;
            }
          }
          backoffMs = 200;
        } finally {
          this.active.delete(messages);
        }
      } catch (error) {
        if (!this.running) break;
        this.logger.warn(`consumer ${spec.durable} interrupted: ${(error as Error).message}`);
      }
      if (this.running) {
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
    }
  }

  /**
   * Reads messages as they come and hands them to `handleBatch` in groups: whatever arrived
   * while the last group was being handled (at most BATCH), in stream order.
   */
  private async consumeInBatches(spec: ConsumerSpec<EventContract>, messages: ConsumerMessages): Promise<void> {
    const queue: JsMsg[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const worker = (async () => {
      for (;;) {
        if (queue.length === 0) {
          if (ended || !this.running) return;
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        await this.processBatch(spec, queue.splice(0, BATCH));
      }
    })();
    try {
      for await (const msg of messages) {
        queue.push(msg);
        wake?.();
        wake = undefined;
        if (!this.running) break;
        // Keep at most a few batches read ahead: the rest waits in the stream.
        while (queue.length >= 4 * BATCH && this.running) await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      ended = true;
      wake?.();
      await worker;
    }
  }

  private async processBatch(spec: ConsumerSpec<EventContract>, msgs: JsMsg[]): Promise<void> {
    const valid: { msg: JsMsg; envelope: EventEnvelope<unknown> }[] = [];
    for (const msg of msgs) {
      try {
        const parsed = spec.contract.envelope.safeParse(msg.json());
        if (!parsed.success) throw new Error(`invalid event: ${parsed.error.issues[0]?.message ?? 'schema'}`);
        valid.push({ msg, envelope: parsed.data });
      } catch (error) {
        await this.deadLetter(spec, msg, (error as Error).message);
      }
    }
    if (valid.length === 0) return;
    try {
      await spec.handleBatch!(valid.map((v) => v.envelope));
      for (const v of valid) v.msg.ack();
    } catch (error) {
      this.logger.warn(`${spec.durable}: a batch of ${valid.length} events failed (${(error as Error).message}); handling them one by one`);
      for (const v of valid) await this.process(spec, v.msg);
    }
  }

  private async process(spec: ConsumerSpec<EventContract>, msg: JsMsg): Promise<void> {
    const maxDeliver = spec.maxDeliver ?? DEFAULT_MAX_DELIVER;
    let envelope: EventEnvelope<unknown>;
    try {
      const parsed = spec.contract.envelope.safeParse(msg.json());
      if (!parsed.success) throw new Error(`invalid event: ${parsed.error.issues[0]?.message ?? 'schema'}`);
      envelope = parsed.data;
    } catch (error) {
      // A malformed event will never become valid: straight to the dead letters.
      await this.deadLetter(spec, msg, (error as Error).message);
      return;
    }
    try {
      await spec.handle(envelope);
      msg.ack();
    } catch (error) {
      const attempt = msg.info.deliveryCount;
      if (attempt >= maxDeliver) {
        await this.deadLetter(spec, msg, `failed ${attempt} times: ${(error as Error).message}`);
        return;
      }
      this.logger.warn(`${spec.durable}: event ${envelope.id} failed (attempt ${attempt}/${maxDeliver}): ${(error as Error).message}`);
      msg.nak(Math.min(100 * 2 ** attempt, 10_000));
    }
  }

  private async deadLetter(spec: ConsumerSpec<EventContract>, msg: JsMsg, reason: string): Promise<void> {
    const h = natsHeaders();
    h.set('Ampool-Dead-Letter-Reason', reason.slice(0, 512));
    h.set('Ampool-Original-Subject', msg.subject);
    h.set('Ampool-Original-Stream-Seq', String(msg.seq));
    try {
      await this.js.publish(deadLetterSubject(spec.durable), msg.data, {
        headers: h,
        msgID: `${spec.durable}:${msg.seq}`,
        timeout: 5_000,
      });
      this.logger.error(`${spec.durable}: event at stream seq ${msg.seq} dead-lettered: ${reason}`);
      msg.term(reason.slice(0, 128));
    } catch (error) {
      // Could not store the dead letter: leave the event to be redelivered rather than lose it.
      this.logger.error(`${spec.durable}: dead-lettering failed: ${(error as Error).message}`);
      msg.nak(5_000);
    }
  }
}
