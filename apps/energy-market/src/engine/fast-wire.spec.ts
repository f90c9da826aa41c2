import fc from 'fast-check';
import { journalEntry, OrderAccepted, OrderClosed, TradeExecuted, type JournalCommand } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { outboxEvent } from '@ampool/messaging';
import { journalJson, orderAcceptedRow, orderClosedRow, tradeExecutedRow } from './fast-wire';

const DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const big = fc.bigInt({ min: 1n, max: (1n << 62n) });
const date = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms));
const id = fc.constant(null).map(() => uuidv7());

const command: fc.Arbitrary<JournalCommand> = fc.oneof(
  fc.record({
    type: fc.constant('submit' as const), orderId: id, participant: fc.constant(DID), zone: fc.constantFrom('north', 'south-2'), side: fc.constantFrom('buy' as const, 'sell' as const),
    quantityWh: big, limitPriceMicroPerKwh: big, timeInForce: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const), minFillWh: fc.option(big, { nil: null }),
    device: fc.option(fc.constant(DID), { nil: null }), deviceLimitWh: fc.option(fc.bigInt({ min: 0n, max: 1n << 40n }), { nil: null }), requestHash: fc.string({ maxLength: 64 }),
    holdMicro: fc.bigInt({ min: 0n, max: 1n << 62n }),
  }),
  fc.record({ type: fc.constant('cancel' as const), orderId: id, reason: fc.constantFrom('owner' as const, 'participant-suspended' as const, 'participant-revoked' as const) }),
  fc.record({ type: fc.constant('replace' as const), orderId: id, quantityWh: big, limitPriceMicroPerKwh: big, holdMicro: fc.bigInt({ min: 0n, max: 1n << 62n }) }),
  fc.constant({ type: 'begin-closing-call' as const }),
  fc.constant({ type: 'close-gate' as const }),
);

/** The envelope without what differs between two encodings of one event (its id). */
const body = (payload: string) => {
  const { id: _id, ...rest } = JSON.parse(payload) as Record<string, unknown>;
  return rest;
};

describe('the hand-written wire encoders', () => {
  it('write a journal entry exactly as the schema does, and it decodes back to the same entry', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 20 }), fc.nat({ max: 1e6 }), date, (commands, batch, at) => {
        const entry = { v: 1 as const, market: 'default|2026-11-22T12:00:00.000Z', batch: batch + 1, at, commands };
        const json = journalJson(entry);
        expect(json).toBe(JSON.stringify(journalEntry.encode(entry)));
        expect(journalEntry.decode(JSON.parse(json))).toEqual(entry);
      }),
    );
  });

  it('write trade, order-accepted and order-closed events exactly as outboxEvent does', () => {
    fc.assert(
      fc.property(big, big, fc.bigInt({ min: 0n, max: 1n << 40n }), date, (wh, price, fee, at) => {
        const t = {
          id: uuidv7(), buyOrderId: uuidv7(), sellOrderId: uuidv7(), buyer: DID, seller: DID, zone: 'north', sellerZone: 'south', buyerZone: 'north',
          intervalStart: at, energyWh: wh, priceMicroPerKwh: price, gridFeeMicroPerKwh: fee, valueMicro: price, buyerCostMicro: price + fee, executedAt: at,
        };
        expect(body(tradeExecutedRow(t, at).payload)).toEqual(body(outboxEvent(TradeExecuted, t, 'energy', { occurredAt: at }).payload));
        const a = { orderId: uuidv7(), participant: DID, side: 'buy' as const, zone: 'north', intervalStart: at, quantityWh: wh, limitPriceMicroPerKwh: price, timeInForce: 'IOC' as const, at };
        expect(body(orderAcceptedRow(a, at).payload)).toEqual(body(outboxEvent(OrderAccepted, a, 'energy', { occurredAt: at }).payload));
        const c = { orderId: uuidv7(), participant: DID, side: 'sell' as const, reason: 'expired' as const, filledWh: wh, filledCostMicro: fee, at };
        expect(body(orderClosedRow(c, at).payload)).toEqual(body(outboxEvent(OrderClosed, c, 'energy', { occurredAt: at }).payload));
        // And the consumers' decoding accepts them.
        expect(TradeExecuted.envelope.safeDecode(JSON.parse(tradeExecutedRow(t, at).payload)).success).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
