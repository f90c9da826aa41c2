import { Injectable } from '@nestjs/common';
import { uuidv7 } from '@ampool/domain';
import type { Tx } from '@ampool/persistence';

/** One operator action: who, what, on what, and the particulars (JSON). */
export interface AuditRecord {
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

/** The append-only `identity.audit` table, written in the same transaction as the action. */
@Injectable()
export class AuditRepository {
  async append(tx: Tx, record: AuditRecord): Promise<void> {
    await tx.audit.create({
      data: { id: uuidv7(), actor: record.actor, action: record.action, target: record.target, details: JSON.stringify(record.details ?? {}) },
    });
  }
}
