import fc from 'fast-check';
import { ErrorCode, journalEntry, type JournalCommand, type JournalEntry } from '@ampool/contracts';
import { isUuidV7, uuidv7 } from '@ampool/domain';
import { MarketState, maxCostMicro, tradeIdFor, type FrozenMarketConfig } from './market-state';

const START = Date.UTC(2026, 10, 22, 12, 0);
const A = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const B = 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH';
const C = 'did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf';
const BATTERY = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';

/** Zones north and south; 10,000 µ/kWh and 500 Wh each way between them; band 80k–300k. */
function config(mode: FrozenMarketConfig['mode'] = 'continuous'): FrozenMarketConfig {
  return {
    area: 'default', journal: 'j', intervalStartMs: START, intervalMinutes: 15, mode, zones: ['north', 'south'], feedInMicroPerKwh: '80000', retailMicroPerKwh: '300000',
    gridFeesMicroPerKwh: ['0', '10000', '10000', '0'], transferCapacityWh: [null, '500', '500', null],
  };
}

let batch = 0;
function entry(commands: JournalCommand[], at = START - 600_000): JournalEntry {
  return { v: 1, market: 'm', batch: ++batch, at: new Date(at), commands };
}

function submit(o: Partial<Extract<JournalCommand, { type: 'submit' }>> & { side: 'buy' | 'sell' }): JournalCommand {
  return {
    type: 'submit', orderId: uuidv7(), participant: o.side === 'buy' ? A : B, zone: 'north', quantityWh: 1000n, limitPriceMicroPerKwh: 150_000n,
    timeInForce: 'GTC', minFillWh: null, device: null, deviceLimitWh: null, requestHash: 'h', holdMicro: o.side === 'buy' ? 300_000n : 0n, ...o,
  };
}

describe('a market (area, interval) as pure state', () => {
  beforeEach(() => {
    batch = 0;
  });

  it('trades at the resting price and names the trade by market and sequence, as a UUIDv7', () => {
    const m = new MarketState('m', config());
    const sell = submit({ side: 'sell', limitPriceMicroPerKwh: 120_000n });
    m.apply(entry([sell]));
    const out = m.apply(entry([submit({ side: 'buy', limitPriceMicroPerKwh: 150_000n })]));
    expect(out.trades).toHaveLength(1);
    const t = out.trades[0]!;
    expect(t).toMatchObject({ sellOrderId: sell.type === 'submit' ? sell.orderId : '', priceMicroPerKwh: 120_000n, gridFeeMicroPerKwh: 0n, valueMicro: 120_000n, buyerCostMicro: 120_000n, sellerZone: 'north', buyerZone: 'north' });
    expect(t.id).toBe(tradeIdFor('m', 1, START - 600_000));
    expect(isUuidV7(t.id)).toBe(true);
    expect(out.closed.map((c) => c.reason)).toEqual(['filled', 'filled']);
  });

  it('answers an order that already filled as a duplicate when its id comes again, also after a snapshot, and never matches it twice', () => {
    const m = new MarketState('m', config());
    m.apply(entry([submit({ side: 'sell', quantityWh: 5000n, limitPriceMicroPerKwh: 120_000n })]));
    const buy = submit({ side: 'buy' });
    expect(m.apply(entry([buy])).trades).toHaveLength(1);
    const again = m.apply(entry([buy]));
    expect(again.outcomes[0]).toMatchObject({ status: 'duplicate' });
    expect(again.trades).toHaveLength(0);
    const restored = MarketState.restore('m', config(), JSON.parse(JSON.stringify(m.snapshot())));
    const afterRestore = restored.apply(entry([buy]));
    expect(afterRestore.outcomes[0]).toMatchObject({ status: 'duplicate' });
    expect(afterRestore.trades).toHaveLength(0);
  });

  it('matches across zones only within the grid fee and the transfer capacity, and reports both zones and the fee', () => {
    const m = new MarketState('m', config());
    m.apply(entry([submit({ side: 'sell', zone: 'south', limitPriceMicroPerKwh: 100_000n, quantityWh: 2000n })]));
    // 105k delivered does not cover 100k + 10k fee: no trade.
    expect(m.apply(entry([submit({ side: 'buy', zone: 'north', limitPriceMicroPerKwh: 105_000n })])).trades).toEqual([]);
    // 120k covers it, but only 500 Wh may flow south → north.
    const out = m.apply(entry([submit({ side: 'buy', zone: 'north', participant: C, limitPriceMicroPerKwh: 120_000n, quantityWh: 1500n, timeInForce: 'IOC' })]));
    expect(out.trades.map((t) => [t.sellerZone, t.buyerZone, t.energyWh, t.priceMicroPerKwh, t.gridFeeMicroPerKwh, t.buyerCostMicro])).toEqual([['south', 'north', 500n, 100_000n, 10_000n, 55_000n]]);
    expect(m.book.remainingCapacityWh('south', 'north')).toBe(0n);
    expect(out.closed.map((c) => [c.reason, c.order.filledWh, c.order.filledCostMicro])).toEqual([['unfilled', 500n, 55_000n]]);
  });

  it('refuses a sell above what its device can deliver, counting the device’s other sells in the interval', () => {
    const m = new MarketState('m', config());
    const first = m.apply(entry([submit({ side: 'sell', device: BATTERY, deviceLimitWh: 2500n, quantityWh: 2000n })]));
    expect(first.outcomes[0]).toMatchObject({ status: 'accepted' });
    expect(m.soldByDevice(BATTERY)).toBe(2000n);
    const second = m.apply(entry([submit({ side: 'sell', device: BATTERY, deviceLimitWh: 2500n, quantityWh: 600n })]));
    expect(second.outcomes[0]).toMatchObject({ status: 'rejected', code: ErrorCode.DEVICE_CANNOT_DELIVER });
    expect(second.changed).toEqual([]);
    // Selling part of it keeps it counted; cancelling the rest frees it.
    m.apply(entry([submit({ side: 'buy', quantityWh: 500n })]));
    expect(m.soldByDevice(BATTERY)).toBe(2000n);
    const open = m.openOrdersOf(B)[0]!;
    m.apply(entry([{ type: 'cancel', orderId: open.id, reason: 'owner' }]));
    expect(m.soldByDevice(BATTERY)).toBe(500n);
  });

  it('gives a refused buy its hold back, and refuses a fill-or-kill that cannot fill without trading', () => {
    const m = new MarketState('m', config());
    m.apply(entry([submit({ side: 'sell', quantityWh: 400n })]));
    const fok = submit({ side: 'buy', timeInForce: 'FOK', quantityWh: 1000n });
    const out = m.apply(entry([fok]));
    expect(out.outcomes[0]).toMatchObject({ status: 'rejected', code: ErrorCode.ORDER_NOT_FILLABLE });
    expect(out.trades).toEqual([]);
    expect(out.released).toEqual([{ orderId: fok.type === 'submit' ? fok.orderId : '', participant: A }]);
  });

  it('refuses a replace of a buy that its hold would not cover', () => {
    const m = new MarketState('m', config());
    const buy = submit({ side: 'buy', quantityWh: 1000n, limitPriceMicroPerKwh: 150_000n, holdMicro: maxCostMicro(150_000n, 1000n) });
    m.apply(entry([buy]));
    const id = buy.type === 'submit' ? buy.orderId : '';
    expect(m.apply(entry([{ type: 'replace', orderId: id, quantityWh: 1000n, limitPriceMicroPerKwh: 160_000n, holdMicro: 0n }])).outcomes[0]).toMatchObject({ code: ErrorCode.INSUFFICIENT_FUNDS });
    expect(m.apply(entry([{ type: 'replace', orderId: id, quantityWh: 900n, limitPriceMicroPerKwh: 150_000n, holdMicro: 0n }])).outcomes[0]).toMatchObject({ status: 'accepted' });
  });

  it('clears a call auction at gate closure into bilateral trades at one price and expires the rest', () => {
    const m = new MarketState('m', config('call-auction'));
    m.apply(entry([
      submit({ side: 'sell', quantityWh: 3000n, limitPriceMicroPerKwh: 100_000n }),
      submit({ side: 'sell', quantityWh: 2000n, limitPriceMicroPerKwh: 120_000n, participant: C }),
      submit({ side: 'buy', quantityWh: 2000n, limitPriceMicroPerKwh: 170_000n }),
      submit({ side: 'buy', quantityWh: 4000n, limitPriceMicroPerKwh: 140_000n }),
    ]));
    const out = m.apply(entry([{ type: 'close-gate' }]));
    expect(out.gate!.clearings[0]).toMatchObject({ zoneId: 'north', volumeWh: 5000n });
    const price = out.gate!.clearings[0]!.clearingPriceMicroPerKwh!;
    expect(new Set(out.trades.map((t) => t.priceMicroPerKwh))).toEqual(new Set([price]));
    expect(out.trades.reduce((s, t) => s + t.energyWh, 0n)).toBe(5000n);
    expect(out.gate!.unmatched.get('north')).toEqual({ buyWh: 1000n, sellWh: 0n });
    expect(out.phase).toBe('closed');
    expect(out.closed.filter((c) => c.reason === 'expired')).toHaveLength(1);
  });

  it('decodes what it journals: a journal entry survives its wire form', () => {
    const e = entry([submit({ side: 'buy' }), { type: 'close-gate' }]);
    expect(journalEntry.decode(JSON.parse(JSON.stringify(journalEntry.encode(e))))).toEqual(e);
  });

  const participants = [A, B, C];
  const command = (ids: string[]) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.record({
        side: fc.constantFrom('buy' as const, 'sell' as const),
        zone: fc.constantFrom('north', 'south'),
        participant: fc.constantFrom(...participants),
        quantityWh: fc.bigInt({ min: 1n, max: 3000n }),
        limitPriceMicroPerKwh: fc.bigInt({ min: 80_000n, max: 300_000n }),
        timeInForce: fc.constantFrom('GTC' as const, 'GTC' as const, 'IOC' as const, 'FOK' as const),
        device: fc.constantFrom(null, BATTERY),
      }).map((o): JournalCommand => submit({ ...o, device: o.side === 'sell' ? o.device : null, deviceLimitWh: o.side === 'sell' && o.device ? 6000n : null, holdMicro: o.side === 'buy' ? maxCostMicro(o.limitPriceMicroPerKwh, o.quantityWh) : 0n })) },
      { weight: 2, arbitrary: fc.nat({ max: 1000 }).map((i): JournalCommand => ({ type: 'cancel', orderId: ids[i % Math.max(1, ids.length)] ?? uuidv7(), reason: 'owner' })) },
      { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 1000 }), fc.bigInt({ min: 1n, max: 3000n }), fc.bigInt({ min: 80_000n, max: 300_000n })).map(([i, q, p]): JournalCommand => ({ type: 'replace', orderId: ids[i % Math.max(1, ids.length)] ?? uuidv7(), quantityWh: q, limitPriceMicroPerKwh: p, holdMicro: 0n })) },
    );

  it('rebuilds exactly from a snapshot and the journal after it, with the same trades, and conserves every order’s quantity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(command([]), { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 12 }),
        fc.nat(),
        fc.constantFrom('continuous' as const, 'continuous-then-auction' as const),
        (batches, cut, mode) => {
          batch = 0;
          // Cancels and replaces aim at orders submitted earlier in the run.
          const ids: string[] = [];
          const entries = batches.map((cmds) =>
            entry(cmds.map((c) => {
              if (c.type === 'submit') ids.push(c.orderId);
              if ((c.type === 'cancel' || c.type === 'replace') && ids.length > 0) return { ...c, orderId: ids[c.orderId.charCodeAt(35) % ids.length]! };
              return c;
            })),
          );
          entries.push(entry([{ type: 'close-gate' }]));
          const live = new MarketState('m', config(mode));
          const at = cut % entries.length;
          let snap = live.snapshot();
          const liveTrades: string[] = [];
          const ended = new Map<string, { quantityWh: bigint; filledWh: bigint; status: string }>();
          entries.forEach((e, i) => {
            const out = live.apply(e);
            for (const t of out.trades) liveTrades.push(`${t.id}:${t.energyWh}:${t.priceMicroPerKwh}`);
            for (const o of out.changed) ended.set(o.id, { quantityWh: o.quantityWh, filledWh: o.filledWh, status: o.status });
            if (i === at) snap = JSON.parse(JSON.stringify(live.snapshot()));
          });
          const replayed = MarketState.restore('m', config(mode), snap);
          const replayTrades: string[] = [];
          for (const e of entries.slice(at + 1)) for (const t of replayed.apply(e).trades) replayTrades.push(`${t.id}:${t.energyWh}:${t.priceMicroPerKwh}`);
          expect(replayed.snapshot()).toEqual(live.snapshot());
          expect(liveTrades.slice(liveTrades.length - replayTrades.length)).toEqual(replayTrades);
          expect(new Set(liveTrades.map((t) => t.split(':')[0])).size).toBe(liveTrades.length);
          // After gate closure nothing is open; every order filled at most its quantity.
          for (const o of ended.values()) {
            expect(o.status).not.toBe('open');
            expect(o.filledWh <= o.quantityWh).toBe(true);
          }
          expect(live.soldByDevice(BATTERY) <= 6000n).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
