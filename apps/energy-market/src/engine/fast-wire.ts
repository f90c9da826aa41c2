import { OrderAccepted, OrderClosed, TradeExecuted, type EventData, type JournalCommand, type JournalEntry, type TradeFacts } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import type { OutboxRow } from '@ampool/persistence';

/**
 * Hand-written wire encoders for the market's hot path. The schemas' own `encode` walks every
 * field through zod, which for a batch of 1,000 orders and its 2,500 events costs more CPU
 * than matching and the journal together. These produce byte-for-byte the same JSON as
 * `journalEntry.encode` and `outboxEvent` (fast-wire.spec.ts checks it against the schemas on
 * random values); everything read back (journal replay, consumers) is still decoded with the
 * schemas.
 */

const s = (v: bigint | null): string | null => (v === null ? null : v.toString());

function commandWire(c: JournalCommand): Record<string, unknown> {
  switch (c.type) {
    case 'submit':
      return {
        type: c.type, orderId: c.orderId, participant: c.participant, zone: c.zone, side: c.side, quantityWh: c.quantityWh.toString(),
        limitPriceMicroPerKwh: c.limitPriceMicroPerKwh.toString(), timeInForce: c.timeInForce, minFillWh: s(c.minFillWh), device: c.device,
        deviceLimitWh: s(c.deviceLimitWh), requestHash: c.requestHash, holdMicro: c.holdMicro.toString(),
      };
    case 'cancel':
      return { type: c.type, orderId: c.orderId, reason: c.reason };
    case 'replace':
      return { type: c.type, orderId: c.orderId, quantityWh: c.quantityWh.toString(), limitPriceMicroPerKwh: c.limitPriceMicroPerKwh.toString(), holdMicro: c.holdMicro.toString() };
    default:
      return { type: c.type };
  }
}

/** The journal entry as JSON, as `JSON.stringify(journalEntry.encode(entry))` would give it. */
export function journalJson(entry: JournalEntry): string {
  return JSON.stringify({ v: entry.v, market: entry.market, batch: entry.batch, at: entry.at.toISOString(), commands: entry.commands.map(commandWire) });
}

function row(subject: string, data: Record<string, unknown>, at: Date): OutboxRow {
  const id = uuidv7();
  return { id, subject, payload: JSON.stringify({ id, subject, source: 'energy', occurredAt: at.toISOString(), data }) };
}

export function tradeExecutedRow(t: TradeFacts, at: Date): OutboxRow {
  return row(TradeExecuted.subject, {
    id: t.id, buyOrderId: t.buyOrderId, sellOrderId: t.sellOrderId, buyer: t.buyer, seller: t.seller, zone: t.zone, sellerZone: t.sellerZone,
    buyerZone: t.buyerZone, intervalStart: t.intervalStart.toISOString(), energyWh: t.energyWh.toString(), priceMicroPerKwh: t.priceMicroPerKwh.toString(),
    gridFeeMicroPerKwh: t.gridFeeMicroPerKwh.toString(), valueMicro: t.valueMicro.toString(), buyerCostMicro: t.buyerCostMicro.toString(),
    executedAt: t.executedAt.toISOString(),
  }, at);
}

export function orderAcceptedRow(d: EventData<typeof OrderAccepted>, at: Date): OutboxRow {
  return row(OrderAccepted.subject, {
    orderId: d.orderId, participant: d.participant, side: d.side, zone: d.zone, intervalStart: d.intervalStart.toISOString(), quantityWh: d.quantityWh.toString(),
    limitPriceMicroPerKwh: d.limitPriceMicroPerKwh.toString(), timeInForce: d.timeInForce, at: d.at.toISOString(),
  }, at);
}

export function orderClosedRow(d: EventData<typeof OrderClosed>, at: Date): OutboxRow {
  return row(OrderClosed.subject, {
    orderId: d.orderId, participant: d.participant, side: d.side, reason: d.reason, filledWh: d.filledWh.toString(), filledCostMicro: d.filledCostMicro.toString(), at: d.at.toISOString(),
  }, at);
}
