import { createInbox, headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** The stream's answer to one publish. */
export interface PublishAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

interface Waiting {
  resolve: (ack: PublishAck) => void;
  reject: (error: Error) => void;
  deadlineMs: number;
  subject: string;
}

/** How often waiting publishes are checked against their deadline. */
const SWEEP_MS = 100;

/**
 * Publishes to JetStream with `Nats-Msg-Id` and waits for the stream's ack, like the
 * JetStream client's `publish`, but pipelined on one subscription: each message carries its
 * own reply subject under one wildcard inbox, and acks are matched by that subject. The
 * client's publish makes a request per message (a timer, a mux entry, and an Error object
 * built on every success), which was most of a service's NATS time when an outbox relay
 * publishes thousands of events a second.
 *
 * A publish resolves only on a positive ack from a stream; it rejects on a stream error, on
 * no stream taking the subject (no responders), on the deadline, and when the connection
 * closes. An ack that never comes (a reconnect in between) ends in the deadline: the caller
 * sends again with the same id, and the stream drops the duplicate.
 */
export class JetStreamPublisher {
  private readonly waiting = new Map<string, Waiting>();
  private prefix?: string;
  private sub?: Subscription;
  private sweeper?: NodeJS.Timeout;
  private next = 0;

  constructor(private readonly nc: NatsConnection) {}

  publish(subject: string, payload: string | Uint8Array, options: { msgID: string; timeoutMs: number }): Promise<PublishAck> {
    return new Promise<PublishAck>((resolve, reject) => {
      try {
        const prefix = this.subscribe();
        const token = (this.next++).toString(36);
        const h = natsHeaders();
        h.set('Nats-Msg-Id', options.msgID);
        this.waiting.set(token, { resolve, reject, deadlineMs: Date.now() + options.timeoutMs, subject });
        this.sweep();
        this.nc.publish(subject, payload, { reply: prefix + token, headers: h });
      } catch (error) {
        reject(error as Error);
      }
    });
  }

  /** Stops waiting: every pending publish is rejected. */
  close(): void {
    this.fail(() => new Error('publisher closed'));
    this.sub?.unsubscribe();
    this.sub = undefined;
  }

  private subscribe(): string {
    if (this.sub && !this.sub.isClosed() && this.prefix) return this.prefix;
    const inboxPrefix = (this.nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
    this.prefix = `${createInbox(inboxPrefix)}.`;
    const sub = this.nc.subscribe(`${this.prefix}*`, { callback: (_error, msg) => this.answer(msg) });
    this.sub = sub;
    // The connection closed under it: nothing waiting can be answered any more. (After
    // close() a later publish has a subscription of its own, which this must not touch.)
    void sub.closed.then(() => {
      if (this.sub === sub) this.fail(() => new Error('connection closed before the stream answered'));
    });
    return this.prefix;
  }

  private answer(msg: Msg | undefined): void {
    if (!msg || !this.prefix || !msg.subject.startsWith(this.prefix)) return;
    const token = msg.subject.slice(this.prefix.length);
    const w = this.waiting.get(token);
    if (!w) return;
    this.waiting.delete(token);
    if (msg.headers?.code === 503) {
      w.reject(new Error(`no stream takes ${w.subject} (no responders)`));
      return;
    }
    try {
      const ack = msg.json<{ stream?: string; seq?: number; duplicate?: boolean; error?: { code?: number; err_code?: number; description?: string } }>();
      if (ack.error) w.reject(new Error(`stream refused ${w.subject}: ${ack.error.description ?? 'error'} (${ack.error.err_code ?? ack.error.code ?? '?'})`));
      else if (typeof ack.stream !== 'string' || typeof ack.seq !== 'number') w.reject(new Error(`unexpected answer to a publish on ${w.subject}`));
      else w.resolve({ stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true });
    } catch (error) {
      w.reject(error as Error);
    }
  }

  private sweep(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [token, w] of this.waiting) {
        if (w.deadlineMs > now) continue;
        this.waiting.delete(token);
        const error = new Error(`no ack for a publish on ${w.subject} in time`);
        error.name = 'TimeoutError';
        w.reject(error);
      }
      if (this.waiting.size === 0) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  private fail(errorOf: () => Error): void {
    for (const w of this.waiting.values()) w.reject(errorOf());
    this.waiting.clear();
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
