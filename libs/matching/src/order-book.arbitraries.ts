/**
 * fast-check generators shared by the matching property tests: small random markets (one to
 * three zones, random fees and capacities, any mode) and random command sequences over a
 * small pool of ids, owners and prices, so collisions, self-trades, crossing, exhausted
 * capacities and every rejection path come up often.
 */
import fc from 'fast-check';
import { MAX_QUANTITY_WH } from './matching-bounds';
import type { BookCommand, MarketConfig, MarketMode, TimeInForce } from './order-book.types';

/** A market and the commands to run on it. */
export interface Scenario {
  readonly config: MarketConfig;
  readonly commands: readonly BookCommand[];
}

/** Knobs for {@link scenarioArbitrary}. */
export interface ScenarioOptions {
  /** Band floor is drawn from [lowest, lowest + 10]. */
  readonly lowestPrice?: number;
  /** Width of the band (max - min) is drawn from [0, bandWidth]. */
  readonly bandWidth?: number;
  readonly maxCommands?: number;
  readonly modes?: readonly MarketMode[];
  readonly maxZones?: number;
  /** Let close-gate and begin-closing-call appear in the middle of a sequence. */
  readonly phaseCommands?: boolean;
}

const OWNERS = ['alice', 'bob', 'carol'];

/** Random market config plus a command sequence for it. */
export function scenarioArbitrary(options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  const {
    lowestPrice = 10,
    bandWidth = 30,
    maxCommands = 60,
    modes = ['continuous', 'call-auction', 'continuous-then-auction'],
    maxZones = 3,
    phaseCommands = true,
  } = options;

  return fc
    .record({
      zoneCount: fc.integer({ min: 1, max: maxZones }),
      mode: fc.constantFrom(...modes),
      min: fc.integer({ min: lowestPrice, max: lowestPrice + 10 }),
      width: fc.integer({ min: 0, max: bandWidth }),
      fees: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: maxZones * maxZones, maxLength: maxZones * maxZones }),
      capacities: fc.array(fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }), {
        minLength: maxZones * maxZones,
        maxLength: maxZones * maxZones,
      }),
      maxLiveOrders: fc.constantFrom(undefined, undefined, 4, 12),
    })
    .chain((market) => {
      const zones = Array.from({ length: market.zoneCount }, (_, i) => `zone-${i}`);
      const cell = (from: string, to: string): number => zones.indexOf(from) * maxZones + zones.indexOf(to);
      const config: MarketConfig = {
        mode: market.mode,
        zones: zones.map((zoneId) => ({ zoneId })),
        minPriceMicroPerKwh: BigInt(market.min),
        maxPriceMicroPerKwh: BigInt(market.min + market.width),
        gridFeeMicroPerKwh: (from, to) => BigInt(market.fees[cell(from, to)] ?? 0),
        transferCapacityWh: (from, to) => {
          const cap = market.capacities[cell(from, to)];
          return cap === null || cap === undefined ? null : BigInt(cap);
        },
        ...(market.maxLiveOrders === undefined ? {} : { maxLiveOrders: market.maxLiveOrders }),
      };
      const priceLow = market.min - 3;
      const priceHigh = market.min + market.width + 3;
      // Mostly inside the band so orders trade; now and then outside it to hit the rejection.
      const price = fc.oneof(
        { weight: 15, arbitrary: fc.integer({ min: market.min, max: market.min + market.width }).map(BigInt) },
        { weight: 1, arbitrary: fc.integer({ min: priceLow, max: priceHigh }).map(BigInt) },
      );
      const quantity = fc.oneof(
        { weight: 20, arbitrary: fc.integer({ min: 1, max: 60 }).map(BigInt) },
        { weight: 1, arbitrary: fc.constantFrom(0n, -5n, MAX_QUANTITY_WH + 1n, 2n ** 63n) },
      );
      // Ids are resolved after generation (see `resolveIds`): `pick` chooses among the ids
      // submitted so far, so cancels and replaces mostly hit real orders and a few submits
      // reuse an id on purpose.
      const pick = fc.integer({ min: 0, max: 999 });
      const submit = fc.record({
        type: fc.constant('submit' as const),
        pick,
        ownerId: fc.constantFrom(...OWNERS),
        zoneId: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...zones) }, { weight: 1, arbitrary: fc.constant('zone-x') }),
        side: fc.constantFrom('buy' as const, 'sell' as const),
        quantityWh: quantity,
        limitPriceMicroPerKwh: fc.oneof({ weight: 9, arbitrary: price }, { weight: 1, arbitrary: fc.constant(null) }),
        timeInForce: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'GTC', 'IOC', 'FOK'),
        minFillWh: fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 }).map(BigInt) },
        ),
      });
      const cancel = fc.record({ type: fc.constant('cancel' as const), pick });
      const replace = fc.record({
        type: fc.constant('replace' as const),
        pick,
        quantityWh: quantity,
        limitPriceMicroPerKwh: price,
      });
      const beginCall = fc.constant({ type: 'begin-closing-call' as const });
      const closeGate: fc.Arbitrary<RawCommand> = fc.record(
        { type: fc.constant('close-gate' as const), referencePriceMicroPerKwh: price },
        { requiredKeys: ['type'] },
      );
      const command: fc.Arbitrary<RawCommand> = fc.oneof(
        { weight: 200, arbitrary: submit },
        { weight: 50, arbitrary: cancel },
        { weight: 50, arbitrary: replace },
        { weight: phaseCommands ? 6 : 0, arbitrary: beginCall },
        { weight: phaseCommands ? 1 : 0, arbitrary: closeGate },
      );
      // Most sequences end with gate closure, so auctions and expiry are exercised too.
      return fc
        .tuple(fc.array(command, { minLength: 1, maxLength: maxCommands, size: 'max' }), fc.option(closeGate, { freq: 3, nil: undefined }))
        .map(([raw, last]) => ({ config, commands: resolveIds(last === undefined ? raw : [...raw, last]) }));
    });
}

type RawCommand = Exclude<BookCommand, { orderId: string }> | DistributiveWithPick<Extract<BookCommand, { orderId: string }>>;
type DistributiveWithPick<C> = C extends { orderId: string } ? Omit<C, 'orderId'> & { pick: number } : never;

/**
 * Turn picks into order ids: a submit gets a fresh id, or one time in ten an id already
 * used; a cancel or replace names an earlier submit's id, or one time in ten an id never used.
 */
function resolveIds(raw: readonly RawCommand[]): BookCommand[] {
  const used: string[] = [];
  return raw.map((command, i) => {
    if (!('pick' in command)) return command;
    const { pick, ...rest } = command;
    const rare = pick % 10 === 0;
    const earlier = used[Math.floor(pick / 10) % Math.max(1, used.length)];
    let orderId: string;
    if (rest.type === 'submit') {
      orderId = rare && earlier !== undefined ? earlier : `order-${i}`;
      used.push(orderId);
    } else {
      orderId = rare || earlier === undefined ? `order-never-${i}` : earlier;
    }
    return { ...rest, orderId } as BookCommand;
  });
}

/** Render values with bigints for failure messages. */
export function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
