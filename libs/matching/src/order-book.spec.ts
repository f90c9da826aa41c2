import fc from 'fast-check';
import { MAX_QUANTITY_WH } from './matching-bounds';
import { RejectCode } from './matching-codes';
import { MatchingError } from './matching-error';
import { OrderBook } from './order-book';
import { ReferenceOrderBook } from './order-book.reference';
import { show } from './order-book.arbitraries';
import type { BookCommand, BookSnapshot, MarketConfig, OrderAccepted, SubmitOrderCommand, SubmitResult } from './order-book.types';

const ZONE = 'feeder-1';
const config: MarketConfig = {
  mode: 'continuous',
  zones: [{ zoneId: ZONE }],
  minPriceMicroPerKwh: 80_000n, // feed-in tariff
  maxPriceMicroPerKwh: 300_000n, // retail price
};

function order(overrides: Partial<SubmitOrderCommand> & Pick<SubmitOrderCommand, 'orderId' | 'side'>): SubmitOrderCommand {
  return {
    ownerId: `owner-of-${overrides.orderId}`,
    zoneId: ZONE,
    quantityWh: 1_000n,
    limitPriceMicroPerKwh: 150_000n,
    timeInForce: 'GTC',
    ...overrides,
  };
}

function accepted(result: SubmitResult): OrderAccepted {
  if (result.status !== 'accepted') throw new Error(`expected acceptance, got ${result.code}`);
  return result;
}

function fillsOf(result: SubmitResult): [string, bigint, bigint][] {
  return accepted(result).fills.map((f) => [f.makerOrderId, f.quantityWh, f.priceMicroPerKwh]);
}

describe('OrderBook continuous matching', () => {
  it('fills the best price first and trades at the resting order price', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's-150', side: 'sell', limitPriceMicroPerKwh: 150_000n }));
    book.submit(order({ orderId: 's-140', side: 'sell', limitPriceMicroPerKwh: 140_000n }));
    const buy = book.submit(order({ orderId: 'b', side: 'buy', quantityWh: 1_500n, limitPriceMicroPerKwh: 160_000n }));
    expect(fillsOf(buy)).toEqual([
      ['s-140', 1_000n, 140_000n],
      ['s-150', 500n, 150_000n],
    ]);
    expect(accepted(buy)).toMatchObject({ filledWh: 1_500n, restingWh: 0n, cancelledWh: 0n });
    expect(book.getOrder('s-150')).toMatchObject({ openWh: 500n, filledWh: 500n, quantityWh: 1_000n });
  });

  it('fills equal prices in arrival order', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 'first', side: 'buy' }));
    book.submit(order({ orderId: 'second', side: 'buy' }));
    const sell = book.submit(order({ orderId: 's', side: 'sell', quantityWh: 1_200n, limitPriceMicroPerKwh: 100_000n }));
    expect(fillsOf(sell)).toEqual([
      ['first', 1_000n, 150_000n],
      ['second', 200n, 150_000n],
    ]);
  });

  it('rests the unfilled remainder of a GTC order at its limit', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's', side: 'sell', quantityWh: 400n }));
    const buy = accepted(book.submit(order({ orderId: 'b', side: 'buy', quantityWh: 1_000n })));
    expect(buy).toMatchObject({ filledWh: 400n, restingWh: 600n });
    expect(book.bestPrice(ZONE, 'buy')).toBe(150_000n);
    expect(book.depth(ZONE, 'buy', 5)).toEqual([{ priceMicroPerKwh: 150_000n, openWh: 600n, orderCount: 1 }]);
  });

  it('cancels the unfilled remainder of an IOC order instead of resting it', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's', side: 'sell', quantityWh: 400n }));
    const buy = accepted(book.submit(order({ orderId: 'b', side: 'buy', timeInForce: 'IOC' })));
    expect(buy).toMatchObject({ filledWh: 400n, restingWh: 0n, cancelledWh: 600n });
    expect(book.getOrder('b')).toBeNull();
    expect(book.liveOrderCount).toBe(0);
  });

  it('fills a FOK order completely or rejects it without touching the book', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's1', side: 'sell', quantityWh: 600n, limitPriceMicroPerKwh: 140_000n }));
    book.submit(order({ orderId: 's2', side: 'sell', quantityWh: 600n, limitPriceMicroPerKwh: 170_000n }));
    const before = book.snapshot();
    // Only 600 Wh are at or below 150k.
    expect(book.submit(order({ orderId: 'b1', side: 'buy', timeInForce: 'FOK' }))).toEqual({
      status: 'rejected',
      code: RejectCode.FILL_OR_KILL_NOT_FILLABLE,
    });
    expect(book.snapshot()).toEqual(before);
    const all = accepted(book.submit(order({ orderId: 'b2', side: 'buy', timeInForce: 'FOK', limitPriceMicroPerKwh: 170_000n })));
    expect(all).toMatchObject({ filledWh: 1_000n, restingWh: 0n, cancelledWh: 0n });
  });

  it('rejects an order whose minimum fill is not available, and executes it when it is', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's', side: 'sell', quantityWh: 300n }));
    const before = book.snapshot();
    expect(book.submit(order({ orderId: 'b1', side: 'buy', minFillWh: 301n }))).toEqual({
      status: 'rejected',
      code: RejectCode.MIN_FILL_NOT_AVAILABLE,
    });
    expect(book.snapshot()).toEqual(before);
    const ok = accepted(book.submit(order({ orderId: 'b2', side: 'buy', minFillWh: 300n })));
    expect(ok).toMatchObject({ filledWh: 300n, restingWh: 700n });
  });

  it('gives a market order the band edge as its limit and never rests it', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's', side: 'sell', quantityWh: 500n, limitPriceMicroPerKwh: 300_000n }));
    const buy = accepted(book.submit(order({ orderId: 'm', side: 'buy', limitPriceMicroPerKwh: null, timeInForce: 'IOC' })));
    expect(fillsOf(buy)).toEqual([['s', 500n, 300_000n]]);
    expect(buy).toMatchObject({ restingWh: 0n, cancelledWh: 500n });
    book.submit(order({ orderId: 'b', side: 'buy', quantityWh: 500n, limitPriceMicroPerKwh: 80_000n }));
    const sell = accepted(book.submit(order({ orderId: 'm2', side: 'sell', limitPriceMicroPerKwh: null, timeInForce: 'FOK', quantityWh: 500n })));
    expect(fillsOf(sell)).toEqual([['b', 500n, 80_000n]]);
  });

  it('cancels the resting order of the same owner instead of trading with it, and goes on matching', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 'mine', side: 'sell', ownerId: 'household-7', limitPriceMicroPerKwh: 120_000n }));
    book.submit(order({ orderId: 'theirs', side: 'sell', ownerId: 'household-9', limitPriceMicroPerKwh: 130_000n }));
    const buy = accepted(book.submit(order({ orderId: 'b', side: 'buy', ownerId: 'household-7', quantityWh: 500n })));
    expect(buy.selfTradeCancels).toEqual([{ orderId: 'mine', cancelledWh: 1_000n }]);
    expect(fillsOf(buy)).toEqual([['theirs', 500n, 130_000n]]);
    expect(book.getOrder('mine')).toBeNull();
  });

  it('cancels a resting order and refuses to cancel it twice', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's', side: 'sell', quantityWh: 700n }));
    expect(book.cancel({ orderId: 's' })).toEqual({ status: 'accepted', orderId: 's', cancelledWh: 700n });
    expect(book.cancel({ orderId: 's' })).toEqual({ status: 'rejected', code: RejectCode.UNKNOWN_ORDER });
    expect(book.bestPrice(ZONE, 'sell')).toBeNull();
  });
});

describe('OrderBook cancel-and-replace', () => {
  function bookWithTwoBids(): OrderBook {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 'first', side: 'buy' }));
    book.submit(order({ orderId: 'second', side: 'buy' }));
    return book;
  }
  const sweep = (book: OrderBook): string[] =>
    accepted(book.submit(order({ orderId: 'sweep', side: 'sell', quantityWh: 10_000n, limitPriceMicroPerKwh: 80_000n, timeInForce: 'IOC' }))).fills.map(
      (f) => f.makerOrderId,
    );

  it('keeps time priority when only the quantity goes down', () => {
    const book = bookWithTwoBids();
    expect(book.replace({ orderId: 'first', quantityWh: 400n, limitPriceMicroPerKwh: 150_000n })).toMatchObject({
      status: 'accepted',
      priorityKept: true,
      restingWh: 400n,
    });
    expect(sweep(book)).toEqual(['first', 'second']);
  });

  it('loses time priority when the quantity goes up', () => {
    const book = bookWithTwoBids();
    expect(book.replace({ orderId: 'first', quantityWh: 1_001n, limitPriceMicroPerKwh: 150_000n })).toMatchObject({ priorityKept: false });
    expect(sweep(book)).toEqual(['second', 'first']);
  });

  it('loses time priority when the price changes, even back to the old price', () => {
    const book = bookWithTwoBids();
    book.replace({ orderId: 'first', quantityWh: 1_000n, limitPriceMicroPerKwh: 149_000n });
    book.replace({ orderId: 'first', quantityWh: 1_000n, limitPriceMicroPerKwh: 150_000n });
    expect(sweep(book)).toEqual(['second', 'first']);
  });

  it('matches a replaced order whose new price crosses, like a new order', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's', side: 'sell', quantityWh: 300n, limitPriceMicroPerKwh: 160_000n }));
    book.submit(order({ orderId: 'b', side: 'buy', limitPriceMicroPerKwh: 150_000n }));
    const result = book.replace({ orderId: 'b', quantityWh: 1_000n, limitPriceMicroPerKwh: 165_000n });
    expect(result).toMatchObject({ status: 'accepted', filledWh: 300n, restingWh: 700n, priorityKept: false });
    expect(book.getOrder('b')).toMatchObject({ quantityWh: 1_000n, filledWh: 300n, openWh: 700n });
  });

  it('treats the new quantity as the total including fills, and refuses one not above what has filled', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 'b', side: 'buy' }));
    book.submit(order({ orderId: 's', side: 'sell', quantityWh: 600n }));
    expect(book.replace({ orderId: 'b', quantityWh: 600n, limitPriceMicroPerKwh: 150_000n })).toEqual({
      status: 'rejected',
      code: RejectCode.REPLACE_QUANTITY_NOT_ABOVE_FILLED,
    });
    expect(book.replace({ orderId: 'b', quantityWh: 800n, limitPriceMicroPerKwh: 150_000n })).toMatchObject({ restingWh: 200n });
  });
});

describe('OrderBook cross-zone matching', () => {
  // Feeder A and B: 2,000 µ/kWh within a zone, 20,000 between them; 500 Wh may flow B → A.
  const zonal: MarketConfig = {
    ...config,
    zones: [{ zoneId: 'A' }, { zoneId: 'B' }],
    gridFeeMicroPerKwh: (seller, buyer) => (seller === buyer ? 2_000n : 20_000n),
    transferCapacityWh: (from, to) => (from === 'B' && to === 'A' ? 500n : 0n),
  };

  it('ranks sellers by delivered price (limit plus grid fee) for the buyer', () => {
    const book = new OrderBook(zonal);
    book.submit(order({ orderId: 'far-cheap', side: 'sell', zoneId: 'B', limitPriceMicroPerKwh: 100_000n })); // 120k delivered
    book.submit(order({ orderId: 'near', side: 'sell', zoneId: 'A', limitPriceMicroPerKwh: 110_000n })); // 112k delivered
    const buy = accepted(book.submit(order({ orderId: 'b', side: 'buy', zoneId: 'A', quantityWh: 1_200n, limitPriceMicroPerKwh: 130_000n })));
    expect(buy.fills.map((f) => [f.makerOrderId, f.sellerZoneId, f.priceMicroPerKwh, f.gridFeeMicroPerKwh, f.quantityWh])).toEqual([
      ['near', 'A', 110_000n, 2_000n, 1_000n],
      ['far-cheap', 'B', 100_000n, 20_000n, 200n],
    ]);
  });

  it('does not match a seller whose price plus grid fee exceeds the buyer limit', () => {
    const book = new OrderBook(zonal);
    book.submit(order({ orderId: 's', side: 'sell', zoneId: 'B', limitPriceMicroPerKwh: 100_000n }));
    const buy = accepted(book.submit(order({ orderId: 'b', side: 'buy', zoneId: 'A', limitPriceMicroPerKwh: 119_999n })));
    expect(buy.fills).toEqual([]);
    // Both rest although 100k < 119,999k: the book counts as uncrossed across zones.
    expect(book.liveOrderCount).toBe(2);
  });

  it('stops at the remaining transfer capacity and consumes it', () => {
    const book = new OrderBook(zonal);
    book.submit(order({ orderId: 's', side: 'sell', zoneId: 'B', limitPriceMicroPerKwh: 100_000n }));
    const first = accepted(book.submit(order({ orderId: 'b1', side: 'buy', zoneId: 'A', quantityWh: 300n, limitPriceMicroPerKwh: 150_000n })));
    expect(first.filledWh).toBe(300n);
    expect(book.remainingCapacityWh('B', 'A')).toBe(200n);
    const second = accepted(book.submit(order({ orderId: 'b2', side: 'buy', zoneId: 'A', quantityWh: 900n, limitPriceMicroPerKwh: 150_000n })));
    expect(second).toMatchObject({ filledWh: 200n, restingWh: 700n });
    expect(book.remainingCapacityWh('B', 'A')).toBe(0n);
    expect(book.remainingCapacityWh('A', 'A')).toBeNull();
  });

  it('treats capacity as directional', () => {
    const book = new OrderBook(zonal);
    book.submit(order({ orderId: 's', side: 'sell', zoneId: 'A', limitPriceMicroPerKwh: 100_000n }));
    const buy = accepted(book.submit(order({ orderId: 'b', side: 'buy', zoneId: 'B', limitPriceMicroPerKwh: 300_000n, timeInForce: 'IOC' })));
    expect(buy.fills).toEqual([]); // A → B has no capacity
  });

  it('pays a seller who hits a resting buyer the buyer limit net of the grid fee', () => {
    const book = new OrderBook(zonal);
    book.submit(order({ orderId: 'b', side: 'buy', zoneId: 'A', limitPriceMicroPerKwh: 150_000n }));
    const sell = accepted(book.submit(order({ orderId: 's', side: 'sell', zoneId: 'B', quantityWh: 100n, limitPriceMicroPerKwh: 100_000n })));
    expect(sell.fills[0]).toEqual({
      tradeSeq: 1,
      makerOrderId: 'b',
      makerOwnerId: 'owner-of-b',
      takerOrderId: 's',
      takerOwnerId: 'owner-of-s',
      takerSide: 'sell',
      sellerZoneId: 'B',
      buyerZoneId: 'A',
      priceMicroPerKwh: 130_000n,
      gridFeeMicroPerKwh: 20_000n,
      quantityWh: 100n,
    });
  });

  it('breaks a tie in delivered price across zones by arrival', () => {
    const book = new OrderBook({ ...zonal, transferCapacityWh: () => null });
    // Both are worth 130k net to a seller in A: 150k - 20k from B, 132k - 2k from A.
    book.submit(order({ orderId: 'first-in-b', side: 'buy', zoneId: 'B', limitPriceMicroPerKwh: 150_000n }));
    book.submit(order({ orderId: 'second-in-a', side: 'buy', zoneId: 'A', limitPriceMicroPerKwh: 132_000n }));
    const sell = accepted(book.submit(order({ orderId: 's', side: 'sell', zoneId: 'A', quantityWh: 1_500n, limitPriceMicroPerKwh: 100_000n })));
    expect(sell.fills.map((f) => [f.makerOrderId, f.priceMicroPerKwh])).toEqual([
      ['first-in-b', 130_000n],
      ['second-in-a', 130_000n],
    ]);
  });

  it('counts only liquidity the capacity lets through when checking a fill-or-kill order', () => {
    const book = new OrderBook(zonal);
    book.submit(order({ orderId: 's', side: 'sell', zoneId: 'B', quantityWh: 5_000n, limitPriceMicroPerKwh: 100_000n }));
    const before = book.snapshot();
    expect(book.submit(order({ orderId: 'b', side: 'buy', zoneId: 'A', quantityWh: 501n, limitPriceMicroPerKwh: 200_000n, timeInForce: 'FOK' }))).toEqual({
      status: 'rejected',
      code: RejectCode.FILL_OR_KILL_NOT_FILLABLE,
    });
    expect(book.snapshot()).toEqual(before);
  });
});

describe('OrderBook rejections', () => {
  const cases: [string, (book: OrderBook) => unknown, RejectCode][] = [
    ['zero quantity', (b) => b.submit(order({ orderId: 'x', side: 'buy', quantityWh: 0n })), RejectCode.QUANTITY_NOT_POSITIVE],
    ['negative quantity', (b) => b.submit(order({ orderId: 'x', side: 'buy', quantityWh: -1n })), RejectCode.QUANTITY_NOT_POSITIVE],
    ['quantity above 2^32 - 1', (b) => b.submit(order({ orderId: 'x', side: 'buy', quantityWh: MAX_QUANTITY_WH + 1n })), RejectCode.QUANTITY_ABOVE_MAX],
    ['quantity above 2^63', (b) => b.submit(order({ orderId: 'x', side: 'buy', quantityWh: 2n ** 63n + 1n })), RejectCode.QUANTITY_ABOVE_MAX],
    ['price below the feed-in tariff', (b) => b.submit(order({ orderId: 'x', side: 'sell', limitPriceMicroPerKwh: 79_999n })), RejectCode.PRICE_OUT_OF_BAND],
    ['price above the retail price', (b) => b.submit(order({ orderId: 'x', side: 'buy', limitPriceMicroPerKwh: 300_001n })), RejectCode.PRICE_OUT_OF_BAND],
    ['zero minimum fill', (b) => b.submit(order({ orderId: 'x', side: 'buy', minFillWh: 0n })), RejectCode.MIN_FILL_NOT_POSITIVE],
    ['minimum fill above quantity', (b) => b.submit(order({ orderId: 'x', side: 'buy', minFillWh: 1_001n })), RejectCode.MIN_FILL_ABOVE_QUANTITY],
    ['minimum fill not available', (b) => b.submit(order({ orderId: 'x', side: 'buy', minFillWh: 1n })), RejectCode.MIN_FILL_NOT_AVAILABLE],
    ['fill-or-kill not fillable', (b) => b.submit(order({ orderId: 'x', side: 'buy', timeInForce: 'FOK' })), RejectCode.FILL_OR_KILL_NOT_FILLABLE],
    ['market order that would rest', (b) => b.submit(order({ orderId: 'x', side: 'buy', limitPriceMicroPerKwh: null })), RejectCode.MARKET_ORDER_MUST_BE_IMMEDIATE],
    ['unknown zone', (b) => b.submit(order({ orderId: 'x', side: 'buy', zoneId: 'feeder-9' })), RejectCode.UNKNOWN_ZONE],
    ['empty order id', (b) => b.submit(order({ orderId: '', side: 'buy' })), RejectCode.ID_INVALID],
    ['owner id over 128 characters', (b) => b.submit(order({ orderId: 'x', ownerId: 'o'.repeat(129), side: 'buy' })), RejectCode.ID_INVALID],
    ['duplicate id of a resting order', (b) => b.submit(order({ orderId: 'resting', side: 'buy' })), RejectCode.DUPLICATE_ORDER_ID],
    ['cancel of an unknown order', (b) => b.cancel({ orderId: 'nope' }), RejectCode.UNKNOWN_ORDER],
    ['cancel of a cancelled order', (b) => b.cancel({ orderId: 'cancelled' }), RejectCode.UNKNOWN_ORDER],
    ['replace of an unknown order', (b) => b.replace({ orderId: 'nope', quantityWh: 1n, limitPriceMicroPerKwh: 100_000n }), RejectCode.UNKNOWN_ORDER],
    ['replace of a cancelled order', (b) => b.replace({ orderId: 'cancelled', quantityWh: 1n, limitPriceMicroPerKwh: 100_000n }), RejectCode.UNKNOWN_ORDER],
    ['replace with zero quantity', (b) => b.replace({ orderId: 'resting', quantityWh: 0n, limitPriceMicroPerKwh: 100_000n }), RejectCode.QUANTITY_NOT_POSITIVE],
    ['replace above the bound', (b) => b.replace({ orderId: 'resting', quantityWh: 2n ** 32n, limitPriceMicroPerKwh: 100_000n }), RejectCode.QUANTITY_ABOVE_MAX],
    ['replace out of band', (b) => b.replace({ orderId: 'resting', quantityWh: 5n, limitPriceMicroPerKwh: 1n }), RejectCode.PRICE_OUT_OF_BAND],
    ['closing call in a continuous market', (b) => b.beginClosingCall(), RejectCode.NOT_ALLOWED_IN_MODE],
    ['a side that is neither buy nor sell', (b) => b.submit({ ...order({ orderId: 'x', side: 'buy' }), side: 'BUY' as never }), RejectCode.MALFORMED_COMMAND],
    ['an unknown time in force', (b) => b.submit(order({ orderId: 'x', side: 'buy', timeInForce: 'GTD' as never })), RejectCode.MALFORMED_COMMAND],
    ['a quantity that is a number', (b) => b.submit(order({ orderId: 'x', side: 'buy', quantityWh: 5 as never })), RejectCode.MALFORMED_COMMAND],
    ['a replace price that is a string', (b) => b.replace({ orderId: 'resting', quantityWh: 5n, limitPriceMicroPerKwh: '100000' as never }), RejectCode.MALFORMED_COMMAND],
    ['an unknown command type', (b) => b.apply({ type: 'halt' } as never), RejectCode.MALFORMED_COMMAND],
    ['gate closure with a reference outside the band', (b) => b.closeGate({ referencePriceMicroPerKwh: 0n }), RejectCode.PRICE_OUT_OF_BAND],
  ];

  it.each(cases)('rejects %s with its own code and changes nothing', (_name, act, code) => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 'resting', side: 'sell', limitPriceMicroPerKwh: 200_000n }));
    book.submit(order({ orderId: 'cancelled', side: 'sell', limitPriceMicroPerKwh: 200_000n }));
    book.cancel({ orderId: 'cancelled' });
    const before = book.snapshot();
    expect(act(book)).toEqual({ status: 'rejected', code });
    expect(book.snapshot()).toEqual(before);
  });

  it('accepts the id of an order that no longer rests, leaving lifetime uniqueness to the service', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 'again', side: 'sell' }));
    book.cancel({ orderId: 'again' });
    expect(book.submit(order({ orderId: 'again', side: 'sell' }))).toMatchObject({ status: 'accepted', restingWh: 1_000n });
  });

  it('rejects a GTC order when the book is full, but still takes one that cannot rest', () => {
    const book = new OrderBook({ ...config, maxLiveOrders: 1 });
    book.submit(order({ orderId: 's', side: 'sell' }));
    expect(book.submit(order({ orderId: 'x', side: 'sell' }))).toEqual({ status: 'rejected', code: RejectCode.BOOK_FULL });
    expect(book.submit(order({ orderId: 'y', side: 'buy', quantityWh: 10n, timeInForce: 'IOC' }))).toMatchObject({ status: 'accepted', filledWh: 10n });
  });

  it('rejects immediate, market and minimum-fill orders during a call phase', () => {
    const book = new OrderBook({ ...config, mode: 'call-auction' });
    for (const bad of [
      order({ orderId: 'ioc', side: 'buy', timeInForce: 'IOC' }),
      order({ orderId: 'fok', side: 'buy', timeInForce: 'FOK' }),
      order({ orderId: 'mkt', side: 'buy', limitPriceMicroPerKwh: null, timeInForce: 'IOC' }),
      order({ orderId: 'min', side: 'buy', minFillWh: 1n }),
    ]) {
      expect(book.submit(bad)).toEqual({ status: 'rejected', code: RejectCode.ORDER_TYPE_NOT_ALLOWED_IN_PHASE });
    }
    expect(book.beginClosingCall()).toEqual({ status: 'rejected', code: RejectCode.NOT_ALLOWED_IN_MODE });
  });

  it('rejects every command after gate closure', () => {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 's', side: 'sell' }));
    expect(book.closeGate()).toMatchObject({ status: 'accepted' });
    const closed = { status: 'rejected', code: RejectCode.MARKET_CLOSED };
    expect(book.submit(order({ orderId: 'late', side: 'buy' }))).toEqual(closed);
    expect(book.cancel({ orderId: 's' })).toEqual(closed);
    expect(book.replace({ orderId: 's', quantityWh: 1n, limitPriceMicroPerKwh: 100_000n })).toEqual(closed);
    expect(book.beginClosingCall()).toEqual(closed);
    expect(book.closeGate()).toEqual(closed);
  });
});

describe('OrderBook price levels', () => {
  it('finds the best level and queue order again after most levels were emptied and compacted', () => {
    const book = new OrderBook(config);
    const reference = new ReferenceOrderBook(config);
    const both = (command: BookCommand): void => {
      expect(show(book.apply(command))).toBe(show(reference.apply(command)));
    };
    // 300 asks at distinct prices; cancelling 290 of them leaves far more empty levels than
    // live ones, which triggers compaction; then refill emptied prices and sweep.
    for (let i = 0; i < 300; i++) {
      both({ type: 'submit', ...order({ orderId: `s${i}`, side: 'sell', limitPriceMicroPerKwh: BigInt(100_000 + 7 * ((i * 37) % 300)) }) });
    }
    for (let i = 0; i < 300; i++) if (i % 30 !== 0) both({ type: 'cancel', orderId: `s${i}` });
    for (let i = 0; i < 20; i++) {
      both({ type: 'submit', ...order({ orderId: `r${i}`, side: 'sell', limitPriceMicroPerKwh: BigInt(100_000 + 7 * ((i * 53) % 300)) }) });
    }
    both({ type: 'submit', ...order({ orderId: 'sweep', side: 'buy', quantityWh: 40_000n, limitPriceMicroPerKwh: 300_000n, timeInForce: 'IOC' }) });
    expect(book.snapshot()).toEqual(reference.snapshot());
  });

  it('matches the reference when most of many distinct levels are emptied in random order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 2_000 }), { minLength: 80, maxLength: 250 }),
        // Keep about one order in five, so emptied levels outnumber live ones and compaction runs.
        fc.array(fc.integer({ min: 0, max: 4 }).map((draw) => draw === 0), { minLength: 250, maxLength: 250 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { maxLength: 40 }),
        (prices, keep, refill) => {
          const wide: MarketConfig = { ...config, minPriceMicroPerKwh: 0n, maxPriceMicroPerKwh: 2_000n };
          const book = new OrderBook(wide);
          const reference = new ReferenceOrderBook(wide);
          const both = (command: BookCommand): void => expect(show(book.apply(command))).toBe(show(reference.apply(command)));
          prices.forEach((price, i) =>
            both({ type: 'submit', ...order({ orderId: `s${i}`, side: 'sell', limitPriceMicroPerKwh: BigInt(price) }) }),
          );
          prices.forEach((_, i) => {
            if (!keep[i]) both({ type: 'cancel', orderId: `s${i}` });
          });
          refill.forEach((price, i) =>
            both({ type: 'submit', ...order({ orderId: `r${i}`, side: 'sell', limitPriceMicroPerKwh: BigInt(price) }) }),
          );
          both({ type: 'submit', ...order({ orderId: 'sweep', side: 'buy', quantityWh: 400_000n, limitPriceMicroPerKwh: 2_000n, timeInForce: 'IOC' }) });
          expect(book.snapshot()).toEqual(reference.snapshot());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('OrderBook construction and restore', () => {
  it.each<[string, Partial<MarketConfig>]>([
    ['no zones', { zones: [] }],
    ['a duplicate zone', { zones: [{ zoneId: 'a' }, { zoneId: 'a' }] }],
    ['an empty band', { minPriceMicroPerKwh: 2n, maxPriceMicroPerKwh: 1n }],
    ['a band beyond 10^15', { maxPriceMicroPerKwh: 10n ** 15n + 1n }],
    ['a negative grid fee', { gridFeeMicroPerKwh: () => -1n }],
    ['a negative capacity', { zones: [{ zoneId: 'a' }, { zoneId: 'b' }], transferCapacityWh: () => -1n }],
    ['a capacity beyond 2^53 - 1', { zones: [{ zoneId: 'a' }, { zoneId: 'b' }], transferCapacityWh: () => 2n ** 53n }],
    ['too many live orders', { maxLiveOrders: 2 ** 20 + 1 }],
  ])('refuses a config with %s', (_name, overrides) => {
    expect(() => new OrderBook({ ...config, ...overrides })).toThrow(expect.objectContaining({ name: 'MatchingError', code: 'INVALID_CONFIG' }));
  });

  function liveSnapshot(): BookSnapshot {
    const book = new OrderBook(config);
    book.submit(order({ orderId: 'b', side: 'buy', limitPriceMicroPerKwh: 100_000n }));
    book.submit(order({ orderId: 's1', side: 'sell' }));
    book.submit(order({ orderId: 's2', side: 'sell' }));
    return book.snapshot();
  }

  it.each<[string, (s: BookSnapshot) => unknown]>([
    ['an unknown format', (s) => ({ ...s, format: 'v0' })],
    ['a non-decimal quantity', (s) => ({ ...s, orders: s.orders.map((o) => ({ ...o, quantityWh: '1e3' })) })],
    ['an order filled completely', (s) => ({ ...s, orders: s.orders.map((o) => ({ ...o, filledWh: o.quantityWh })) })],
    ['an order outside the band', (s) => ({ ...s, orders: s.orders.map((o) => ({ ...o, limitPriceMicroPerKwh: '1' })) })],
    ['a queue out of time priority', (s) => ({ ...s, orders: [s.orders[0], s.orders[2], s.orders[1]] })],
    ['a seq not below nextOrderSeq', (s) => ({ ...s, nextOrderSeq: 2 })],
    ['an order listed twice', (s) => ({ ...s, orders: [...s.orders, s.orders[0]] })],
    ['a phase the mode lacks', (s) => ({ ...s, phase: 'call' })],
    ['a fee matrix of the wrong size', (s) => ({ ...s, gridFeesMicroPerKwh: [] })],
  ])('refuses to restore a snapshot with %s', (_name, corrupt) => {
    const snapshot = corrupt(liveSnapshot()) as BookSnapshot;
    expect(() => OrderBook.restore(snapshot)).toThrow(expect.objectContaining({ code: 'INVALID_SNAPSHOT' }));
  });

  it('restores an untouched snapshot to an identical book', () => {
    const snapshot = liveSnapshot();
    expect(OrderBook.restore(snapshot).snapshot()).toEqual(snapshot);
  });

  it('throws a MatchingError that carries a stable code', () => {
    const error = new MatchingError('INVALID_CONFIG', 'x');
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code]).toEqual(['MatchingError', 'INVALID_CONFIG']);
  });
});
