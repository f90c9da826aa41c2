import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS, type EventData, type EventEnvelope } from '@ampool/contracts';
import { EventConsumers } from '@ampool/messaging';
import { PrismaClient } from '@ampool/persistence';

/**
 * Records the finality of settlement's own entries (transfers, holds, booking releases): once a
 * quorum of validators signed the block holding an entry, the transfer it is about is
 * committed (statements show `ledgerCommittedAt`). The entry id is the key, so the same
 * announcement delivered again changes nothing; announcements that arrived together are
 * recorded with one statement.
 */
@Injectable()
export class LedgerCommitsConsumer {
  constructor(consumers: EventConsumers, prisma: PrismaClient) {
    const c = DURABLE_CONSUMERS.settlementLedgerCommits;
    consumers.register({
      durable: c.durable,
      contract: c.contract,
      handle: (e) => record([e]),
      handleBatch: record,
    });
    /** One statement for the settlement entries among the announcements that arrived together. */
    async function record(events: EventEnvelope<EventData<typeof c.contract>>[]): Promise<void> {
      const mine = events.map((e) => e.data).filter((d) => d.type.startsWith('settlement.'));
      if (mine.length === 0) return;
      await prisma.$executeRawUnsafe(
        `INSERT INTO settlement.ledger_commit (entry_id, entry_type, subject_id, log_index, payload_hash, committed_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bigint[], $5::text[], $6::timestamptz[]) ON CONFLICT (entry_id) DO NOTHING`,
        mine.map((d) => d.entryId),
        mine.map((d) => d.type),
        mine.map((d) => d.subjectId),
        mine.map((d) => String(d.sequence)),
        mine.map((d) => d.payloadHash),
        mine.map((d) => d.committedAt.toISOString()),
      );
    }
  }
}
