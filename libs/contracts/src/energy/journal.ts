import { z } from 'zod';
import type { StreamDefinition } from '../streams';
import { didKey, instant, nonNegativeInt64, positiveInt64, uuidV7, zoneId } from '../wire/codecs';
import { orderSide, timeInForce } from './order';

/**
 * The energy market's command journal: every command its engines applied, one message per
 * batch, one subject per market (`jrnl.energy.<area>.<interval start ms>.<journal id>`). Replayed after a
 * snapshot it rebuilds a book exactly. Outside `evt.>` and `rpc.>`: it is the market's own
 * write-ahead log, not a domain event.
 */
export const ENERGY_JOURNAL_STREAM: StreamDefinition = {
  name: 'ENERGY_JOURNAL',
  subjects: ['jrnl.energy.>'],
  maxAgeMs: 7 * 86_400_000,
  duplicateWindowMs: 10 * 60_000,
};

/**
 * The journal subject of one market. `journalId` is chosen when the market opens and kept
 * with it, so a market of a fresh database never replays a journal it did not write.
 */
export function energyJournalSubject(area: string, intervalStartMs: number, journalId: string): string {
  return `jrnl.energy.${area}.${intervalStartMs}.${journalId}`;
}

export const journalCommand = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('submit'),
    orderId: uuidV7,
    participant: didKey,
    zone: zoneId,
    side: orderSide,
    quantityWh: positiveInt64,
    limitPriceMicroPerKwh: positiveInt64,
    timeInForce,
    minFillWh: positiveInt64.nullable(),
    device: didKey.nullable(),
    /** What the device can still deliver in this interval at most (power × length, battery above reserve). */
    deviceLimitWh: nonNegativeInt64.nullable(),
    requestHash: z.string().max(64),
    /** The hold settlement placed for a buy. */
    holdMicro: nonNegativeInt64,
  }),
  z.strictObject({ type: z.literal('cancel'), orderId: uuidV7, reason: z.enum(['owner', 'participant-suspended', 'participant-revoked']) }),
  z.strictObject({ type: z.literal('replace'), orderId: uuidV7, quantityWh: positiveInt64, limitPriceMicroPerKwh: positiveInt64, holdMicro: nonNegativeInt64 }),
  z.strictObject({ type: z.literal('begin-closing-call') }),
  z.strictObject({ type: z.literal('close-gate') }),
]);
export type JournalCommand = z.output<typeof journalCommand>;

/** One journal message: a batch of commands applied in order, all at `at` (business time). */
export const journalEntry = z.strictObject({
  v: z.literal(1),
  market: z.string().max(100),
  batch: z.number().int().min(1),
  at: instant,
  commands: z.array(journalCommand).min(1).max(2000),
});
export type JournalEntry = z.output<typeof journalEntry>;
