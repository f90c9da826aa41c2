import { Injectable } from '@nestjs/common';
import { EntryCommitted, type EventContract, type EventEnvelope, type LedgerEntryType } from '@ampool/contracts';
import { canonicalJson, sha256Hex } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { outboxEvent, UnitOfWork } from '@ampool/messaging';
import { EntriesRepository } from './entries.repository';

/**
 * Turns facts from other services into ledger entries: the canonical JSON (RFC 8785) of the
 * event's data in its wire form, and its SHA-256. One entry per (type, subject), whatever
 * the redeliveries.
 *
 * Today one ledger process records entries in its own database; validators, signed blocks
 * and the Merkle log belong to the ledger capability still to come.
 */
@Injectable()
export class EntriesService {
  constructor(
    private readonly entries: EntriesRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async record<C extends EventContract>(
    consumer: string,
    contract: C,
    event: EventEnvelope<unknown>,
    type: LedgerEntryType,
    subjectId: string,
  ): Promise<void> {
    const canonicalPayload = canonicalJson(contract.data.encode(event.data));
    const payloadHash = sha256Hex(canonicalPayload);
    await this.uow.runOnce(consumer, event.id, async (tx, emit) => {
      const entry = await this.entries.append(tx, { id: uuidv7(), type, subjectId, canonicalPayload, payloadHash, submittedBy: event.source });
      if (!entry) return;
      emit(
        outboxEvent(
          EntryCommitted,
          { entryId: entry.id, sequence: entry.sequence, type, subjectId, payloadHash, committedAt: entry.recordedAt },
          'ledger',
        ),
      );
    });
  }
}
