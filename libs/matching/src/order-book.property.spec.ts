import fc from 'fast-check';
import { OrderBook } from './order-book';
import { type Scenario, scenarioArbitrary, show } from './order-book.arbitraries';
import { ReferenceOrderBook } from './order-book.reference';
import type { BookCommand, BookSnapshot, CommandResult, Fill, MarketConfig } from './order-book.types';

const RUNS = { numRuns: 300 };

function run(config: MarketConfig, commands: readonly BookCommand[]): { book: OrderBook; results: CommandResult[] } {
  const book = new OrderBook(config);
  return { book, results: commands.map((command) => book.apply(command)) };
}

function fillsOf(result: CommandResult): readonly Fill[] {
  return result.status === 'accepted' && 'fills' in result ? result.fills : [];
}

/** Crossing pairs in a snapshot: a buy and a sell that could still trade with each other. */
function crossedPairs(snapshot: BookSnapshot): string[] {
  const zones = snapshot.zoneIds;
  const at = (from: string, to: string): number => zones.indexOf(from) * zones.length + zones.indexOf(to);
  const out: string[] = [];
  for (const buy of snapshot.orders.filter((o) => o.side === 'buy')) {
    for (const sell of snapshot.orders.filter((o) => o.side === 'sell')) {
      const fee = BigInt(snapshot.gridFeesMicroPerKwh[at(sell.zoneId, buy.zoneId)] as string);
      const cap = snapshot.remainingCapacityWh[at(sell.zoneId, buy.zoneId)];
      const transferable = cap === null || cap === undefined || BigInt(cap) > 0n;
      if (transferable && BigInt(sell.limitPriceMicroPerKwh) + fee <= BigInt(buy.limitPriceMicroPerKwh)) {
        out.push(`${sell.orderId} crosses ${buy.orderId}`);
      }
    }
  }
  return out;
}

describe('OrderBook properties', () => {
  it('gives exactly the results and states of a naive reference book on random command sequences', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, commands }: Scenario) => {
        const book = new OrderBook(config);
        const reference = new ReferenceOrderBook(config);
        commands.forEach((command, i) => {
          const actual = book.apply(command);
          const expected = reference.apply(command);
          if (show(actual) !== show(expected)) {
            throw new Error(`command ${i} ${show(command)}\n engine:    ${show(actual)}\n reference: ${show(expected)}`);
          }
          expect(book.snapshot()).toEqual(reference.snapshot());
        });
      }),
      RUNS,
    );
  });

  it('agrees with the reference on wide bands and long sequences with deep books', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary({ bandWidth: 400, maxCommands: 400, modes: ['continuous'], phaseCommands: false }),
        ({ config, commands }: Scenario) => {
          const book = new OrderBook(config);
          const reference = new ReferenceOrderBook(config);
          for (const command of commands) expect(show(book.apply(command))).toBe(show(reference.apply(command)));
          expect(book.snapshot()).toEqual(reference.snapshot());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is never crossed after a command while trading continuously', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ modes: ['continuous', 'continuous-then-auction'] }), ({ config, commands }) => {
        const book = new OrderBook(config);
        for (const command of commands) {
          book.apply(command);
          if (book.phase === 'continuous') expect(crossedPairs(book.snapshot())).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('conserves quantity: filled + resting + cancelled + expired = submitted, per order and in total', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, commands }) => {
        const book = new OrderBook(config);
        // An id may be used again once its order has left the book, so accounts are kept
        // per incarnation: `current` maps an id to the account of its latest acceptance.
        const current = new Map<string, number>();
        const submitted: bigint[] = [];
        const filled: bigint[] = [];
        const gone: bigint[] = []; // cancelled or expired
        const account = (id: string): number => current.get(id) as number;
        const bump = (list: bigint[], i: number, quantity: bigint): void => {
          list[i] = (list[i] ?? 0n) + quantity;
        };
        let bought = 0n;
        let sold = 0n;
        for (const command of commands) {
          const result = book.apply(command);
          if (result.status !== 'accepted') continue;
          if (command.type === 'submit') {
            current.set(command.orderId, submitted.length);
            submitted.push(command.quantityWh);
            filled.push(0n);
            gone.push(0n);
          }
          if (command.type === 'replace') submitted[account(command.orderId)] = command.quantityWh;
          if ('fills' in result) {
            let takerFilled = 0n;
            for (const fill of result.fills) {
              bump(filled, account(fill.makerOrderId), fill.quantityWh);
              takerFilled += fill.quantityWh;
              bought += fill.quantityWh;
              sold += fill.quantityWh;
            }
            expect(result.filledWh).toBe(takerFilled);
            bump(filled, account(result.orderId), takerFilled);
            bump(gone, account(result.orderId), result.cancelledWh);
            for (const cancel of result.selfTradeCancels) bump(gone, account(cancel.orderId), cancel.cancelledWh);
          } else if ('cancelledWh' in result) {
            bump(gone, account(result.orderId), result.cancelledWh);
          } else if ('allocations' in result) {
            for (const allocation of result.allocations) {
              bump(filled, account(allocation.orderId), allocation.quantityWh);
              if (allocation.side === 'buy') bought += allocation.quantityWh;
              else sold += allocation.quantityWh;
            }
            for (const expired of result.expired) bump(gone, account(expired.orderId), expired.unfilledWh);
          }
        }
        const resting = new Map<number, bigint>();
        for (const o of book.snapshot().orders) resting.set(account(o.orderId), BigInt(o.quantityWh) - BigInt(o.filledWh));
        let totalAccounted = 0n;
        submitted.forEach((quantity, i) => {
          const accounted = (filled[i] as bigint) + (resting.get(i) ?? 0n) + (gone[i] as bigint);
          expect({ order: i, accounted }).toEqual({ order: i, accounted: quantity });
          totalAccounted += accounted;
        });
        expect(totalAccounted).toBe(submitted.reduce((a, b) => a + b, 0n));
        expect(bought).toBe(sold);
      }),
      RUNS,
    );
  });

  it('gives the same trades for the same input', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), ({ config, commands }) => {
        const first = run(config, commands);
        const second = run(config, commands);
        expect(show(second.results)).toBe(show(first.results));
        expect(second.book.snapshot()).toEqual(first.book.snapshot());
      }),
      RUNS,
    );
  });

  it('restores from a JSON round-tripped snapshot so that replaying the remaining commands equals the live book', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary().chain((scenario) =>
          fc.record({ scenario: fc.constant(scenario), split: fc.integer({ min: 0, max: scenario.commands.length }) }),
        ),
        ({ scenario: { config, commands }, split }) => {
          const live = new OrderBook(config);
          commands.slice(0, split).forEach((command) => live.apply(command));
          const stored = JSON.parse(JSON.stringify(live.snapshot())) as BookSnapshot;
          const restored = OrderBook.restore(stored);
          expect(restored.snapshot()).toEqual(live.snapshot());
          for (const command of commands.slice(split)) {
            expect(show(restored.apply(command))).toBe(show(live.apply(command)));
          }
          expect(restored.snapshot()).toEqual(live.snapshot());
        },
      ),
      RUNS,
    );
  });

  it('never partially fills a fill-or-kill order, never rests an IOC or market order, and honours the minimum fill', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ modes: ['continuous'] }), ({ config, commands }) => {
        const book = new OrderBook(config);
        for (const command of commands) {
          const before = book.snapshot();
          const result = book.apply(command);
          if (command.type !== 'submit') continue;
          if (result.status === 'rejected') {
            // A killed order (or any rejection) leaves no trace.
            expect(book.snapshot()).toEqual(before);
            continue;
          }
          if (!('fills' in result)) throw new Error('submit returned a non-order result');
          if (command.timeInForce === 'FOK') expect(result.filledWh).toBe(command.quantityWh);
          if (command.timeInForce !== 'GTC' || command.limitPriceMicroPerKwh === null) {
            expect(result.restingWh).toBe(0n);
            expect(book.getOrder(command.orderId)).toBeNull();
          }
          if (command.minFillWh !== undefined) expect(result.filledWh >= command.minFillWh).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('never exceeds a transfer capacity and never trades where the grid fee breaks a limit', () => {
    fc.assert(
      fc.property(
        scenarioArbitrary({ modes: ['continuous'], phaseCommands: false }).filter((s) => s.config.zones.length > 1),
        ({ config, commands }) => {
          const book = new OrderBook(config);
          const limits = new Map<string, bigint>();
          const moved = new Map<string, bigint>();
          for (const command of commands) {
            const result = book.apply(command);
            if (result.status !== 'accepted') continue;
            if (command.type === 'submit') {
              const edge = command.side === 'buy' ? config.maxPriceMicroPerKwh : config.minPriceMicroPerKwh;
              limits.set(command.orderId, command.limitPriceMicroPerKwh ?? edge);
            }
            if (command.type === 'replace') limits.set(command.orderId, command.limitPriceMicroPerKwh);
            for (const fill of fillsOf(result)) {
              const buyer = fill.takerSide === 'buy' ? fill.takerOrderId : fill.makerOrderId;
              const seller = fill.takerSide === 'buy' ? fill.makerOrderId : fill.takerOrderId;
              expect(fill.gridFeeMicroPerKwh).toBe(config.gridFeeMicroPerKwh?.(fill.sellerZoneId, fill.buyerZoneId));
              expect(fill.priceMicroPerKwh + fill.gridFeeMicroPerKwh <= (limits.get(buyer) as bigint)).toBe(true);
              expect(fill.priceMicroPerKwh >= (limits.get(seller) as bigint)).toBe(true);
              if (fill.sellerZoneId !== fill.buyerZoneId) {
                const key = `${fill.sellerZoneId}>${fill.buyerZoneId}`;
                moved.set(key, (moved.get(key) ?? 0n) + fill.quantityWh);
              }
            }
          }
          for (const from of config.zones) {
            for (const to of config.zones) {
              if (from.zoneId === to.zoneId) continue;
              const initial = config.transferCapacityWh?.(from.zoneId, to.zoneId) ?? null;
              const used = moved.get(`${from.zoneId}>${to.zoneId}`) ?? 0n;
              const left = book.remainingCapacityWh(from.zoneId, to.zoneId);
              if (initial === null) {
                expect(left).toBeNull();
              } else {
                expect(used <= initial).toBe(true);
                expect(left).toBe(initial - used);
              }
            }
          }
        },
      ),
      RUNS,
    );
  });
});
