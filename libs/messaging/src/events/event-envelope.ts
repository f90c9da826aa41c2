import { uuidv7 } from '@ampool/domain';
import type { EventContract, EventData, EventEnvelope } from '@ampool/contracts';
import type { OutboxRow } from '@ampool/persistence';

/** An event ready for the outbox: the envelope as JSON, its id as the outbox and message id. */
export function outboxEvent<C extends EventContract>(
  contract: C,
  data: EventData<C>,
  source: string,
  options: { id?: string; occurredAt?: Date } = {},
): OutboxRow {
  const envelope: EventEnvelope<EventData<C>> = {
    id: options.id ?? uuidv7(),
    subject: contract.subject,
    source,
    occurredAt: options.occurredAt ?? new Date(),
    data,
  };
  return { id: envelope.id, subject: contract.subject, payload: JSON.stringify(contract.envelope.encode(envelope)) };
}
