import { Injectable } from '@nestjs/common';
import { OutboxStore, PrismaClient, ProcessedEventsStore, type OutboxRow, type Tx } from '@ampool/persistence';
import { OutboxRelay } from './outbox-relay';

/** Collects the events a transaction emits; they are written to the outbox before commit. */
export type Emit = (...rows: OutboxRow[]) => void;

const MAX_ATTEMPTS = 4;

/**
 * One database transaction with its outbox. State changes and the events they cause commit
 * together or not at all; after the commit the relay is told to publish. Transactions that
 * lose a serialization or deadlock race are retried a bounded number of times.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: OutboxStore,
    private readonly processed: ProcessedEventsStore,
    private readonly relay: OutboxRelay,
  ) {}

  async run<T>(work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const rows: OutboxRow[] = [];
      try {
        const result = await this.prisma.$transaction(
          async (tx) => {
            const value = await work(tx, (...r) => rows.push(...r));
            await this.outbox.append(tx, rows);
            return value;
          },
          { maxWait: 10_000, timeout: 30_000 },
        );
        if (rows.length > 0) this.relay.notify();
        return result;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((r) => setTimeout(r, 10 * attempt + Math.floor(Math.random() * 20)));
      }
    }
  }

  /**
   * Like `run`, for a consumer handling one event: the event is marked processed in the
   * same transaction, and if it already was, `work` does not run at all.
   */
  async runOnce(consumer: string, eventId: string, work: (tx: Tx, emit: Emit) => Promise<void>): Promise<boolean> {
    return this.run(async (tx, emit) => {
      if (!(await this.processed.markProcessed(tx, consumer, eventId))) return false;
      await work(tx, emit);
      return true;
    });
  }

  /**
   * `runOnce` for several events in one transaction: all are marked processed together, and
   * `work` gets the ids not processed before (in the order given; none: it does not run).
   * Returns those ids.
   */
  async runOnceMany(consumer: string, eventIds: string[], work: (tx: Tx, emit: Emit, fresh: string[]) => Promise<void>): Promise<string[]> {
    return this.run(async (tx, emit) => {
      const marked = new Set(await this.processed.markManyProcessed(tx, consumer, eventIds));
      const fresh = eventIds.filter((id) => marked.has(id));
      if (fresh.length > 0) await work(tx, emit, fresh);
      return fresh;
    });
  }
}

/** Write conflicts and deadlocks (Prisma P2034, PostgreSQL 40001 / 40P01) are worth a retry. */
function isRetryable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; meta?: { code?: string } };
  return e?.code === 'P2034' || e?.meta?.code === '40001' || e?.meta?.code === '40P01' || /40001|40P01|deadlock detected|could not serialize/.test(e?.message ?? '');
}
