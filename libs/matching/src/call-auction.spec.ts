import fc from 'fast-check';
import { findClearingPrice } from './call-auction';
import { OrderBook } from './order-book';
import { bruteForceClearing, type CurvePoint } from './order-book.reference';

interface Curves {
  bids: CurvePoint[];
  asks: CurvePoint[];
  min: number;
  max: number;
  reference: number;
}

function clear({ bids, asks, min, max, reference }: Curves): ReturnType<typeof findClearingPrice> {
  const sortedBids = [...bids].sort((a, b) => Number(b.price - a.price));
  const sortedAsks = [...asks].sort((a, b) => Number(a.price - b.price));
  return findClearingPrice(
    sortedBids.map((b) => Number(b.price)),
    sortedBids.map((b) => Number(b.volume)),
    sortedAsks.map((a) => Number(a.price)),
    sortedAsks.map((a) => Number(a.volume)),
    min,
    max,
    reference,
  );
}

const point = (price: number, volume: number): CurvePoint => ({ price: BigInt(price), volume: BigInt(volume) });

// Tiny prices and volumes make equal volumes, equal surpluses and equidistant prices common,
// so every tie-break rule decides some cases.
const curvesArbitrary: fc.Arbitrary<Curves> = fc
  .record({
    bids: fc.array(fc.record({ price: fc.integer({ min: -3, max: 16 }), volume: fc.integer({ min: 1, max: 6 }) }), { maxLength: 7 }),
    asks: fc.array(fc.record({ price: fc.integer({ min: -3, max: 16 }), volume: fc.integer({ min: 1, max: 6 }) }), { maxLength: 7 }),
    min: fc.integer({ min: -2, max: 6 }),
    width: fc.integer({ min: 0, max: 12 }),
    referenceOffset: fc.integer({ min: 0, max: 12 }),
  })
  .map(({ bids, asks, min, width, referenceOffset }) => ({
    bids: bids.map((b) => point(b.price, b.volume)),
    asks: asks.map((a) => point(a.price, a.volume)),
    min,
    max: min + width,
    reference: min + Math.min(width, referenceOffset),
  }));

describe('findClearingPrice', () => {
  it('finds the same price, volume, demand and supply as trying every price of the band', () => {
    fc.assert(
      fc.property(curvesArbitrary, (curves) => {
        const expected = bruteForceClearing(curves.bids, curves.asks, BigInt(curves.min), BigInt(curves.max), BigInt(curves.reference));
        const actual = clear(curves);
        expect(
          actual === null
            ? null
            : { price: BigInt(actual.price), volume: BigInt(actual.volume), demand: BigInt(actual.demand), supply: BigInt(actual.supply) },
        ).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('clears nothing when the best bid is below the best ask', () => {
    expect(clear({ bids: [point(10, 5)], asks: [point(11, 5)], min: 0, max: 20, reference: 10 })).toBeNull();
  });

  it('clears nothing when the crossing lies outside the band', () => {
    // The bid (net of fee) is 3, below a band that starts at 5.
    expect(clear({ bids: [point(3, 5)], asks: [point(5, 5)], min: 5, max: 20, reference: 10 })).toBeNull();
  });

  it('maximises the executed volume first', () => {
    // At 10: demand 8 (both bids), supply 6 → 6. At 12: demand 3, supply 6 → 3.
    const outcome = clear({ bids: [point(12, 3), point(10, 5)], asks: [point(9, 6)], min: 0, max: 20, reference: 20 });
    expect(outcome).toEqual({ price: 10, volume: 6, demand: 8, supply: 6 });
  });

  it('then minimises the surplus', () => {
    // Volume 5 at every price in 7..10; the surplus is +2 at 7..8 and -1 at 9..10, so 9..10
    // remain, both with excess supply, and sell-side pressure picks the lower.
    const outcome = clear({
      bids: [point(10, 5), point(8, 2)],
      asks: [point(7, 5), point(9, 1)],
      min: 0,
      max: 20,
      reference: 0,
    });
    expect(outcome).toEqual({ price: 9, volume: 5, demand: 5, supply: 6 });
  });

  it('then follows buy-side pressure to the highest price', () => {
    // Volume 4 and surplus +6 at every price 5..8: all excess demand, so the highest.
    const outcome = clear({ bids: [point(8, 10)], asks: [point(5, 4)], min: 0, max: 20, reference: 0 });
    expect(outcome).toEqual({ price: 8, volume: 4, demand: 10, supply: 4 });
  });

  it('then follows sell-side pressure to the lowest price', () => {
    const outcome = clear({ bids: [point(8, 4)], asks: [point(5, 10)], min: 0, max: 20, reference: 20 });
    expect(outcome).toEqual({ price: 5, volume: 4, demand: 4, supply: 10 });
  });

  it('then takes the price closest to the reference, inside a range of equally good prices', () => {
    // Balanced (4 vs 4) at every price 5..8; the reference 7 lies inside.
    const outcome = clear({ bids: [point(8, 4)], asks: [point(5, 4)], min: 0, max: 20, reference: 7 });
    expect(outcome?.price).toBe(7);
    expect(clear({ bids: [point(8, 4)], asks: [point(5, 4)], min: 0, max: 20, reference: 15 })?.price).toBe(8);
  });

  it('lets the reference decide between prices whose surpluses point different ways', () => {
    // Volume 3 at 4..6; surplus +1 at 4..5 and -1 at 6: mixed pressure, so the reference decides.
    const curves = { bids: [point(6, 3), point(5, 1)], asks: [point(4, 3), point(6, 1)], min: 0, max: 10 };
    expect(clear({ ...curves, reference: 9 })).toEqual({ price: 6, volume: 3, demand: 3, supply: 4 });
    expect(clear({ ...curves, reference: 0 })).toEqual({ price: 4, volume: 3, demand: 4, supply: 3 });
    expect(clear({ ...curves, reference: 5 })).toEqual({ price: 5, volume: 3, demand: 4, supply: 3 });
  });
});

describe('OrderBook call auction', () => {
  const config = {
    mode: 'call-auction' as const,
    zones: [{ zoneId: 'feeder-1' }],
    minPriceMicroPerKwh: 80_000n,
    maxPriceMicroPerKwh: 300_000n,
    gridFeeMicroPerKwh: () => 10_000n,
  };

  it('clears every order at one price and allocates in price-time priority on each side', () => {
    const book = new OrderBook(config);
    const submit = (orderId: string, side: 'buy' | 'sell', quantityWh: bigint, price: bigint): void => {
      const result = book.submit({ orderId, ownerId: orderId, zoneId: 'feeder-1', side, quantityWh, limitPriceMicroPerKwh: price, timeInForce: 'GTC' });
      expect(result).toMatchObject({ status: 'accepted', fills: [], restingWh: quantityWh });
    };
    submit('s1', 'sell', 3_000n, 100_000n);
    submit('s2', 'sell', 2_000n, 120_000n);
    submit('s3', 'sell', 4_000n, 150_000n);
    // Buy limits are delivered prices: net of the 10,000 fee they are 160k, 130k, 130k.
    submit('b1', 'buy', 2_000n, 170_000n);
    submit('b2', 'buy', 2_000n, 140_000n);
    submit('b3', 'buy', 2_000n, 140_000n);
    // The call phase does not match, so the book may be crossed.
    expect(book.bestPrice('feeder-1', 'buy')).toBe(170_000n);
    expect(book.bestPrice('feeder-1', 'sell')).toBe(100_000n);

    const result = book.closeGate();
    if (result.status !== 'accepted') throw new Error(result.code);
    // At 120k..130k: demand 6,000, supply 5,000 → volume 5,000, excess demand → highest = 130k.
    expect(result.clearings).toEqual([
      {
        zoneId: 'feeder-1',
        clearingPriceMicroPerKwh: 130_000n,
        volumeWh: 5_000n,
        buyVolumeWh: 6_000n,
        sellVolumeWh: 5_000n,
        gridFeeMicroPerKwh: 10_000n,
      },
    ]);
    expect(result.allocations.map((a) => [a.orderId, a.quantityWh, a.priceMicroPerKwh])).toEqual([
      ['b1', 2_000n, 130_000n],
      ['b2', 2_000n, 130_000n],
      ['b3', 1_000n, 130_000n], // b3 arrived after b2 at the same price
      ['s1', 3_000n, 130_000n],
      ['s2', 2_000n, 130_000n],
    ]);
    expect(result.expired.map((e) => [e.orderId, e.unfilledWh])).toEqual([
      ['b3', 1_000n],
      ['s3', 4_000n],
    ]);
    expect(book.phase).toBe('closed');
    expect(book.liveOrderCount).toBe(0);
  });

  it('shows the indicative clearing during the call without changing the book', () => {
    const book = new OrderBook(config);
    book.submit({ orderId: 's', ownerId: 'x', zoneId: 'feeder-1', side: 'sell', quantityWh: 1_000n, limitPriceMicroPerKwh: 100_000n, timeInForce: 'GTC' });
    book.submit({ orderId: 'b', ownerId: 'y', zoneId: 'feeder-1', side: 'buy', quantityWh: 1_000n, limitPriceMicroPerKwh: 200_000n, timeInForce: 'GTC' });
    const before = book.snapshot();
    // Balanced over 100k..190k: the reference 150k is inside, so it is the price.
    expect(book.indicativeClearing('feeder-1', 150_000n)).toMatchObject({ clearingPriceMicroPerKwh: 150_000n, volumeWh: 1_000n });
    expect(book.indicativeClearing('nowhere')).toBeNull();
    expect(book.indicativeClearing('feeder-1', 1n)).toBeNull();
    expect(book.snapshot()).toEqual(before);
  });

  it('clears nothing after continuous trading without a call phase, because the book is uncrossed', () => {
    const book = new OrderBook({ ...config, mode: 'continuous-then-auction' });
    book.submit({ orderId: 's', ownerId: 'x', zoneId: 'feeder-1', side: 'sell', quantityWh: 1_000n, limitPriceMicroPerKwh: 150_000n, timeInForce: 'GTC' });
    book.submit({ orderId: 'b', ownerId: 'y', zoneId: 'feeder-1', side: 'buy', quantityWh: 1_000n, limitPriceMicroPerKwh: 155_000n, timeInForce: 'GTC' });
    const result = book.closeGate();
    expect(result).toMatchObject({ status: 'accepted', allocations: [] });
    if (result.status === 'accepted') {
      expect(result.clearings[0]?.clearingPriceMicroPerKwh).toBeNull();
      expect(result.expired.map((e) => e.orderId)).toEqual(['b', 's']);
    }
  });

  it('crosses orders collected in the closing call of a continuous market', () => {
    const book = new OrderBook({ ...config, mode: 'continuous-then-auction' });
    book.submit({ orderId: 's', ownerId: 'x', zoneId: 'feeder-1', side: 'sell', quantityWh: 1_000n, limitPriceMicroPerKwh: 150_000n, timeInForce: 'GTC' });
    expect(book.beginClosingCall()).toEqual({ status: 'accepted', phase: 'call' });
    const buy = book.submit({ orderId: 'b', ownerId: 'y', zoneId: 'feeder-1', side: 'buy', quantityWh: 400n, limitPriceMicroPerKwh: 200_000n, timeInForce: 'GTC' });
    expect(buy).toMatchObject({ fills: [], restingWh: 400n });
    const result = book.closeGate({ referencePriceMicroPerKwh: 150_000n });
    expect(result).toMatchObject({
      status: 'accepted',
      clearings: [{ clearingPriceMicroPerKwh: 150_000n, volumeWh: 400n }],
      expired: [{ orderId: 's', unfilledWh: 600n }],
    });
  });

  it('expires every resting order at gate closure of a continuous market, with no auction', () => {
    const book = new OrderBook({ ...config, mode: 'continuous' });
    book.submit({ orderId: 's', ownerId: 'x', zoneId: 'feeder-1', side: 'sell', quantityWh: 1_000n, limitPriceMicroPerKwh: 150_000n, timeInForce: 'GTC' });
    expect(book.closeGate()).toEqual({
      status: 'accepted',
      clearings: [],
      allocations: [],
      expired: [{ orderId: 's', ownerId: 'x', zoneId: 'feeder-1', side: 'sell', unfilledWh: 1_000n }],
    });
  });
});
