import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { OutboxStore, PrismaClient, type OutboxRow } from '@ampool/persistence';
import { NATS_CONNECTION } from '../nats-connection';
import { JetStreamPublisher } from './jetstream-publisher';
import { LedgerSubmitter } from './ledger-submitter';

/** Events published per database transaction of the relay. */
const BATCH = 256;
/** How often the relay looks for rows nobody told it about (another instance, a restart). */
const POLL_MS = 250;
const MAX_BACKOFF_MS = 5_000;

/**
 * Publishes outbox rows to JetStream with `Nats-Msg-Id` = event id, then deletes them; rows
 * that are ledger entries are signed with the service's key on the way (LedgerSubmitter).
 * Services call `notify()` after committing a transaction that wrote events, so latency is
 * one round trip rather than a poll interval. If NATS is unreachable the rows simply wait.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly publisher: JetStreamPublisher;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private pendingWake = false;
  private published = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: OutboxStore,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly ledger: LedgerSubmitter,
  ) {
    this.publisher = new JetStreamPublisher(nc);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loopDone = this.loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loopDone;
    this.publisher.close();
  }

  /** Tells the relay that new rows were committed. */
  notify(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  /** Total events this instance has published (for metrics and tests). */
  get publishedCount(): number {
    return this.published;
  }

  private async loop(): Promise<void> {
    let backoffMs = 100;
    while (this.running) {
      try {
        this.pendingWake = false;
        const n = await this.outbox.drain(this.prisma, BATCH, (rows) => this.publish(rows));
        this.published += n;
        backoffMs = 100;
        if (n === BATCH) continue;
        await this.sleep(POLL_MS);
      } catch (error) {
        if (!this.running) break;
        this.logger.warn(`outbox relay paused: ${(error as Error).message}`);
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    // One connection sends in call order, so the stream keeps the outbox order; the acks
    // are awaited together. A failure rolls the whole batch back, and the rows that did get
    // through are dropped as duplicates when the batch is published again. A row that is (or
    // also makes) a ledger entry goes with its signed entry, under the same rule.
    await Promise.all(rows.flatMap((r) => this.ledger.messagesFor(r)).map((m) => this.publisher.publish(m.subject, m.payload, { msgID: m.msgID, timeoutMs: 5_000 })));
  }

  private sleep(ms: number): Promise<void> {
    if (this.pendingWake || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }
}
