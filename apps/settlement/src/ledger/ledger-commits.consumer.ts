import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS } from '@ampool/contracts';
import { EventConsumers } from '@ampool/messaging';
import { PrismaClient } from '@ampool/persistence';

/**
 * Records the finality of settlement's own entries (transfers, holds, booking releases): once a
 * quorum of validators signed the block holding an entry, the transfer it is about is
 * committed (statements show `ledgerCommittedAt`). The entry id is the key, so the same
 * announcement delivered again changes nothing.
 */
@Injectable()
export class LedgerCommitsConsumer {
  constructor(consumers: EventConsumers, prisma: PrismaClient) {
    const c = DURABLE_CONSUMERS.settlementLedgerCommits;
    consumers.register({
      durable: c.durable,
      contract: c.contract,
      handle: async (e) => {
        if (!e.data.type.startsWith('settlement.')) return;
        await prisma.$executeRawUnsafe(
          `INSERT INTO settlement.ledger_commit (entry_id, entry_type, subject_id, log_index, payload_hash, committed_at)
           VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6) ON CONFLICT (entry_id) DO NOTHING`,
          e.data.entryId,
          e.data.type,
          e.data.subjectId,
          e.data.sequence,
          e.data.payloadHash,
          e.data.committedAt,
        );
      },
    });
  }
}
