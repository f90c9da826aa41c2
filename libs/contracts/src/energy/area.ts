import { z } from 'zod';
import { instant, nonNegativeInt64, positiveInt64, zoneId } from '../wire/codecs';

/**
 * How a market matches: `continuous` (every order matches on arrival), `call-auction` (orders
 * rest until a uniform-price auction at gate closure), `continuous-then-auction` (continuous,
 * then a closing call phase and the auction).
 */
export const marketMode = z.enum(['continuous', 'call-auction', 'continuous-then-auction']);
export type MarketMode = z.output<typeof marketMode>;

/** Interval lengths a market may use, in minutes. */
export const intervalMinutes = z.union([z.literal(5), z.literal(15), z.literal(30), z.literal(60)]);

/**
 * Delivery between two zones: the grid fee a buyer in `to` pays per kWh bought from `from`,
 * and how many Wh may flow from `from` to `to` per interval (`null`: no limit). Within one
 * zone only the fee applies. A pair of different zones that is not listed cannot trade.
 */
export const zonePair = z.strictObject({
  from: zoneId,
  to: zoneId,
  gridFeeMicroPerKwh: nonNegativeInt64.refine((v) => v <= 1_000_000_000n, 'must be at most 1,000,000,000'),
  transferCapacityWh: nonNegativeInt64.refine((v) => v <= 1n << 52n, 'must be at most 2^52').nullable(),
});
export type ZonePair = z.output<typeof zonePair>;

/** Most zones one area (one shared order book per interval) may hold. */
export const MAX_ZONES_PER_AREA = 64;

const areaFields = z.strictObject({
  /** The area: a set of zones (feeders, substations) whose orders share one book per interval. */
  id: zoneId,
  zones: z.array(zoneId).min(1).max(MAX_ZONES_PER_AREA),
  intervalMinutes,
  /** How long before an interval starts trading for it opens. */
  openAheadMinutes: z.number().int().min(5).max(14 * 24 * 60),
  /** Gate closure: minutes before the interval starts at which trading stops. */
  gateClosureMinutes: z.number().int().min(0).max(24 * 60),
  /** `continuous-then-auction`: the closing call phase starts this many minutes before gate closure. */
  closingCallMinutes: z.number().int().min(0).max(24 * 60),
  /** The utility's feed-in tariff: the lowest price any order may name. */
  feedInMicroPerKwh: positiveInt64.refine((v) => v <= 1_000_000_000n, 'must be at most 1,000,000,000'),
  /** The utility's retail price: the highest price any order may name. */
  retailMicroPerKwh: positiveInt64.refine((v) => v <= 1_000_000_000n, 'must be at most 1,000,000,000'),
  mode: marketMode,
  pairs: z.array(zonePair).max(4096),
});

/** What an operator configures for an area. */
export const areaConfig = areaFields.superRefine((a, ctx) => {
  if (a.feedInMicroPerKwh > a.retailMicroPerKwh) ctx.addIssue({ code: 'custom', path: ['retailMicroPerKwh'], message: 'must not be below feedInMicroPerKwh' });
  if (new Set(a.zones).size !== a.zones.length) ctx.addIssue({ code: 'custom', path: ['zones'], message: 'lists a zone twice' });
  const zones = new Set(a.zones);
  const seen = new Set<string>();
  a.pairs.forEach((p, i) => {
    if (!zones.has(p.from) || !zones.has(p.to)) ctx.addIssue({ code: 'custom', path: ['pairs', i], message: 'names a zone outside the area' });
    const key = `${p.from}>${p.to}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['pairs', i], message: 'lists a pair twice' });
    seen.add(key);
  });
});
export type AreaConfig = z.output<typeof areaConfig>;

/** An area as the market reports it. */
export const areaView = areaFields.extend({ version: z.number().int().min(1), updatedAt: instant });
export type AreaView = z.output<typeof areaView>;
