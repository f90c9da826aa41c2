import type { Db } from './prisma-client';
import { schemaIdent, type ServiceSchema } from './service-schema';

/**
 * Records which events a consumer has applied. Handlers insert the mark in the same
 * transaction as their state change, so an event redelivered after a crash (or published
 * twice) is recognised and changes nothing.
 */
export class ProcessedEventsStore {
  constructor(private readonly schema: ServiceSchema) {}

  /** Marks the event processed; false when it already was (the caller must then do nothing). */
  async markProcessed(tx: Db, consumer: string, eventId: string): Promise<boolean> {
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO ${schemaIdent(this.schema)}."processed_event" (consumer, event_id) VALUES ($1, $2::uuid)
       ON CONFLICT DO NOTHING`,
      consumer,
      eventId,
    );
    return inserted === 1;
  }

  /** Marks several events processed at once; returns the ids that were not processed before. */
  async markManyProcessed(tx: Db, consumer: string, eventIds: string[]): Promise<string[]> {
    if (eventIds.length === 0) return [];
    const rows = await tx.$queryRawUnsafe<{ event_id: string }[]>(
      `INSERT INTO ${schemaIdent(this.schema)}."processed_event" (consumer, event_id)
       SELECT $1, id FROM unnest($2::uuid[]) AS id
       ON CONFLICT DO NOTHING RETURNING event_id::text`,
      consumer,
      eventIds,
    );
    return rows.map((r) => r.event_id);
  }
}
