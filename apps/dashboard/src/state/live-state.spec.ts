import { AnomalyRaised, DeliverySettled, EntryCommitted, HoldPlaced, HoldRejected, IntervalFinalized, MarketClosed, TradeExecuted } from '@ampool/contracts';
import { uuidv7 } from '@ampool/domain';
import { applyLive, averagePrice, emptyLiveState, RECENT_TRADES } from './live-state';

const BUYER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SELLER = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';

/** Wire envelopes made with the real contracts, exactly as the gateway relays them. */
function trade(priceMicroPerKwh: bigint, energyWh: bigint, zone = 'north', intervalStart = '2026-11-21T10:00:00.000Z') {
  const data = {
    id: uuidv7(),
    buyOrderId: uuidv7(),
    sellOrderId: uuidv7(),
    buyer: BUYER,
    seller: SELLER,
    zone,
    sellerZone: zone,
    buyerZone: zone,
    intervalStart: new Date(intervalStart),
    energyWh,
    priceMicroPerKwh,
    gridFeeMicroPerKwh: 0n,
    valueMicro: (priceMicroPerKwh * energyWh) / 1000n,
    buyerCostMicro: (priceMicroPerKwh * energyWh) / 1000n,
    executedAt: new Date('2026-11-21T09:50:00.000Z'),
  };
  return JSON.parse(JSON.stringify(TradeExecuted.envelope.encode({ id: uuidv7(), subject: TradeExecuted.subject, source: 'energy', occurredAt: new Date(), data })));
}

describe('the dashboard live state', () => {
  it('aggregates trades per zone and interval with integer sums', () => {
    const state = emptyLiveState();
    expect(applyLive(state, TradeExecuted.subject, trade(200_000n, 1_500n))).toBe(true);
    expect(applyLive(state, TradeExecuted.subject, trade(300_000n, 500n))).toBe(true);
    expect(applyLive(state, TradeExecuted.subject, trade(250_000n, 1_000n, 'south'))).toBe(true);
    const north = state.energy.intervals.north!['2026-11-21T10:00:00.000Z']!;
    expect(north).toEqual({ energyWh: 2_000n, valueMicro: 450_000n, trades: 2, lastPriceMicroPerKwh: 300_000n });
    expect(averagePrice(north)).toBe(225_000n);
    expect(state.energy.prices.north!.map(([, p]) => p)).toEqual([200_000n, 300_000n]);
    expect(state.energy.trades.map((t) => t.zone)).toEqual(['south', 'north', 'north']);
    expect(state.events).toBe(3);
  });

  it('applies an event once, however often the stream replays it', () => {
    const state = emptyLiveState();
    const event = trade(200_000n, 1_000n);
    expect(applyLive(state, TradeExecuted.subject, event)).toBe(true);
    expect(applyLive(state, TradeExecuted.subject, event)).toBe(false);
    expect(state.energy.intervals.north!['2026-11-21T10:00:00.000Z']!.trades).toBe(1);
  });

  it('ignores unknown events and envelopes whose subject does not match the event name', () => {
    const state = emptyLiveState();
    expect(applyLive(state, 'evt.future.thing.happened.v9', { id: uuidv7(), subject: 'evt.future.thing.happened.v9', data: {} })).toBe(false);
    expect(applyLive(state, HoldPlaced.subject, trade(1_000n, 1_000n))).toBe(false);
    expect(applyLive(state, TradeExecuted.subject, null)).toBe(false);
    expect(state.events).toBe(0);
  });

  it('keeps a bounded list of recent trades, newest first', () => {
    const state = emptyLiveState();
    for (let i = 1; i <= RECENT_TRADES + 5; i++) applyLive(state, TradeExecuted.subject, trade(BigInt(i) * 1_000n, 1_000n));
    expect(state.energy.trades).toHaveLength(RECENT_TRADES);
    expect(state.energy.trades[0]!.priceMicroPerKwh).toBe(String((RECENT_TRADES + 5) * 1_000));
  });

  it('sums holds, metered intervals, anomalies and ledger commits', () => {
    const state = emptyLiveState();
    const envelope = (contract: { subject: string; envelope: { encode(v: unknown): unknown } }, data: unknown) =>
      JSON.parse(JSON.stringify(contract.envelope.encode({ id: uuidv7(), subject: contract.subject, source: 'x', occurredAt: new Date(), data })));
    const reference = { kind: 'energy.trade', id: uuidv7() };
    applyLive(state, HoldPlaced.subject, envelope(HoldPlaced, { transferId: uuidv7(), reference, payer: BUYER, payee: SELLER, amountMicro: 9_000_000_000_000_000_000n, placedAt: new Date() }));
    applyLive(state, HoldPlaced.subject, envelope(HoldPlaced, { transferId: uuidv7(), reference, payer: BUYER, payee: SELLER, amountMicro: 1_000n, placedAt: new Date() }));
    applyLive(state, HoldRejected.subject, envelope(HoldRejected, { reference, payer: BUYER, amountMicro: 5n, reason: 'INSUFFICIENT_FUNDS', rejectedAt: new Date() }));
    expect(state.settlement).toEqual({
      heldCount: 2, heldMicro: 9_000_000_000_000_001_000n, rejectedCount: 1, rejectedMicro: 5n, lastRejection: 'INSUFFICIENT_FUNDS',
      settledCount: 0, settledMicro: 0n, undeliveredCount: 0, shortfallWh: 0n, penaltyMicro: 0n, penaltyUnpaidMicro: 0n,
    });

    const fact = { device: SELLER, owner: BUYER, intervalStart: new Date('2026-11-21T10:00:00.000Z'), intervalMinutes: 15, importWh: 100n, exportWh: 40n, quality: 'measured', estimated: false, anomalies: [], socEndWh: null, revision: 0 };
    applyLive(state, IntervalFinalized.subject, envelope(IntervalFinalized, fact));
    applyLive(state, IntervalFinalized.subject, envelope(IntervalFinalized, { ...fact, estimated: true, quality: 'estimated', importWh: 1n, exportWh: 0n }));
    applyLive(state, AnomalyRaised.subject, envelope(AnomalyRaised, { device: SELLER, code: 'GAP', from: new Date(), to: new Date(), details: 'no readings' }));
    expect(state.metering).toMatchObject({ finalized: 2, estimated: 1, importWh: 101n, exportWh: 40n });
    expect(state.metering.anomalies).toHaveLength(1);

    applyLive(state, EntryCommitted.subject, envelope(EntryCommitted, { entryId: uuidv7(), sequence: 7n, type: 'energy.trade', subjectId: uuidv7(), payloadHash: 'a'.repeat(64), committedAt: new Date() }));
    applyLive(state, EntryCommitted.subject, envelope(EntryCommitted, { entryId: uuidv7(), sequence: 5n, type: 'settlement.hold', subjectId: uuidv7(), payloadHash: 'b'.repeat(64), committedAt: new Date() }));
    expect(state.ledger).toMatchObject({ committed: 2, lastSequence: 7n, byType: { 'energy.trade': 1, 'settlement.hold': 1 } });
  });

  it('records each gate closure per zone, and the clearing prices of auctioned intervals as their own series', () => {
    const closed = (intervalStart: string, closedAt: string, north: bigint | null) =>
      JSON.parse(
        JSON.stringify(
          MarketClosed.envelope.encode({
            id: uuidv7(),
            subject: MarketClosed.subject,
            source: 'energy',
            occurredAt: new Date(),
            data: {
              area: 'default',
              intervalStart: new Date(intervalStart),
              closedAt: new Date(closedAt),
              zones: [
                { zone: 'north', clearingPriceMicroPerKwh: north, auctionVolumeWh: 4_000n, tradedWh: 5_000n, unmatchedBuyWh: 700n, unmatchedSellWh: 0n },
                { zone: 'south', clearingPriceMicroPerKwh: null, auctionVolumeWh: 0n, tradedWh: 0n, unmatchedBuyWh: 0n, unmatchedSellWh: 1_200n },
              ],
            },
          }),
        ),
      );
    const state = emptyLiveState();
    expect(applyLive(state, MarketClosed.subject, closed('2026-11-21T10:00:00.000Z', '2026-11-21T09:55:00.000Z', 210_000n))).toBe(true);
    expect(applyLive(state, MarketClosed.subject, closed('2026-11-21T10:15:00.000Z', '2026-11-21T10:10:00.000Z', null))).toBe(true);
    expect(state.energy.clearingPrices).toEqual({ north: [[Date.parse('2026-11-21T09:55:00.000Z'), 210_000n]] });
    expect(state.energy.closures.map((c) => [c.zone, c.intervalStart.slice(11, 16), c.clearingPriceMicroPerKwh])).toEqual([
      ['north', '10:15', null],
      ['south', '10:15', null],
      ['north', '10:00', 210_000n],
      ['south', '10:00', null],
    ]);
    expect(state.energy.closures[2]).toMatchObject({ tradedWh: 5_000n, unmatchedBuyWh: 700n, unmatchedSellWh: 0n });
    expect(state.energy.closures[3]!.unmatchedSellWh).toBe(1_200n);
  });

  it('sums what settled trades cost their buyers, counts the undelivered ones and adds up sellers\' penalties', () => {
    const settled = (rule: 'measured' | 'undelivered', buyerPaysMicro: bigint, shortfallWh: bigint, sellerPenaltyMicro: bigint, penaltyUnpaidMicro: bigint) =>
      JSON.parse(
        JSON.stringify(
          DeliverySettled.envelope.encode({
            id: uuidv7(),
            subject: DeliverySettled.subject,
            source: 'settlement',
            occurredAt: new Date(),
            data: {
              tradeId: uuidv7(), buyer: BUYER, seller: SELLER, intervalStart: new Date('2026-11-21T10:00:00.000Z'), rule,
              deliveredWh: 1_000n - shortfallWh, shortfallWh, buyerPaysMicro, sellerReceivesMicro: buyerPaysMicro, platformFeeMicro: 0n, gridFeeMicro: 0n,
              utilityFromBuyerMicro: 0n, sellerPenaltyMicro, penaltyUnpaidMicro, settledAt: new Date(),
            },
          }),
        ),
      );
    const state = emptyLiveState();
    expect(applyLive(state, DeliverySettled.subject, settled('measured', 200_000n, 0n, 0n, 0n))).toBe(true);
    expect(applyLive(state, DeliverySettled.subject, settled('undelivered', 0n, 1_000n, 50_000n, 20_000n))).toBe(true);
    expect(state.settlement).toMatchObject({ settledCount: 2, settledMicro: 200_000n, undeliveredCount: 1, shortfallWh: 1_000n, penaltyMicro: 50_000n, penaltyUnpaidMicro: 20_000n });
  });
});
