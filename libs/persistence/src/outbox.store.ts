import type { Db, PrismaClient } from './prisma-client';
import { schemaIdent, type ServiceSchema } from './service-schema';

/** One event waiting to be published: its id becomes the JetStream `Nats-Msg-Id`. */
export interface OutboxRow {
  id: string;
  subject: string;
  payload: string;
}

/**
 * The transactional outbox, shared by every service: events are written in the same
 * transaction as the state change that caused them, and a relay publishes them afterwards.
 * Raw SQL because it is a hot path (one multi-row INSERT per transaction) and identical for
 * every schema.
 */
export class OutboxStore {
  constructor(private readonly schema: ServiceSchema) {}

  /** Adds events inside the caller's transaction. */
  async append(tx: Db, rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO ${schemaIdent(this.schema)}."outbox" (id, subject, payload)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
      rows.map((r) => r.id),
      rows.map((r) => r.subject),
      rows.map((r) => r.payload),
    );
  }

  /**
   * Runs `publish` on the oldest unpublished events, then deletes them, in one transaction.
   * Rows are locked with SKIP LOCKED so several relay instances share the work; if the
   * process dies before the commit, the rows stay and are published again with the same
   * id, which JetStream drops as a duplicate.
   */
  async drain(prisma: PrismaClient, limit: number, publish: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    return prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id::text AS id, subject, payload FROM ${schemaIdent(this.schema)}."outbox"
           ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
          limit,
        );
        if (rows.length === 0) return 0;
        await publish(rows);
        await tx.$executeRawUnsafe(
          `DELETE FROM ${schemaIdent(this.schema)}."outbox" WHERE id = ANY($1::uuid[])`,
          rows.map((r) => r.id),
        );
        return rows.length;
      },
      { timeout: 30_000 },
    );
  }

  /** Events not yet published (for health and tests). */
  async backlog(db: Db): Promise<number> {
    const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${schemaIdent(this.schema)}."outbox"`);
    return Number(rows[0]?.n ?? 0n);
  }
}
