import { uuidv7 } from '@ampool/domain';
import type { z } from 'zod';
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

/**
 * `outboxEvent` for data already in its wire form (written out by a hot path and held equal
 * to the contract's encode by that path's test): the envelope is assembled as the contract
 * would encode it, without running the schema. Consumers decode it against the contract.
 */
export function outboxEventWire<C extends EventContract>(
  contract: C,
  data: z.input<C['data']>,
  source: string,
  options: { id?: string; occurredAt?: Date } = {},
): OutboxRow {
  const id = options.id ?? uuidv7();
  const envelope = { id, subject: contract.subject, source, occurredAt: (options.occurredAt ?? new Date()).toISOString(), data };
  return { id, subject: contract.subject, payload: JSON.stringify(envelope) };
}
