/**
 * Numeric bounds of the matching engine.
 *
 * The public API takes money and energy as `bigint` (house rule), but the hot path works on
 * JS numbers because bigint arithmetic allocates. That is only safe if no intermediate value
 * can leave the exactly representable integer range of a double (|x| <= 2^53 - 1). These
 * bounds are chosen so it cannot, and every command checks them before converting:
 *
 * - a quantity is at most {@link MAX_QUANTITY_WH} = 2^32 - 1 Wh (about 4.29 GWh: a 17 GW
 *   plant for a whole 15-minute interval, far beyond any neighbourhood market);
 * - a book holds at most {@link MAX_LIVE_ORDERS} = 2^20 resting orders, so any sum of open
 *   quantities (a price level, one side, an auction's cumulative demand) is below
 *   2^20 * 2^32 = 2^52;
 * - a price is at most {@link MAX_ABS_PRICE_MICRO_PER_KWH} = 10^15 in magnitude (10^9 currency
 *   units per kWh, enough for every currency's micro-unit) and a grid fee is between 0 and
 *   {@link MAX_GRID_FEE_MICRO_PER_KWH} = 10^15, so a delivered price (price + fee) or a net
 *   price (price - fee) stays below 2^51;
 * - a transfer capacity is at most {@link MAX_TRANSFER_CAPACITY_WH} = 2^53 - 1 Wh and is only
 *   ever decreased by fills;
 * - sequence numbers grow by one per accepted order or fill, so they stay below 2^53 for
 *   centuries at any realistic rate.
 *
 * The engine never multiplies price by quantity: the value of a fill is computed in bigint by
 * settlement.
 */

/** Largest quantity of one order, in Wh (2^32 - 1). */
export const MAX_QUANTITY_WH = 4_294_967_295n;

/** Largest number of resting orders one book can hold (2^20); also the default limit. */
export const MAX_LIVE_ORDERS = 1_048_576;

/** Largest magnitude of a limit price or a price band edge, in µ-currency per kWh (10^15). */
export const MAX_ABS_PRICE_MICRO_PER_KWH = 1_000_000_000_000_000n;

/** Largest grid fee between two zones, in µ-currency per kWh (10^15). */
export const MAX_GRID_FEE_MICRO_PER_KWH = 1_000_000_000_000_000n;

/** Largest transfer capacity between two zones, in Wh (2^53 - 1). */
export const MAX_TRANSFER_CAPACITY_WH = 9_007_199_254_740_991n;

/** Longest order, owner or zone id, in UTF-16 code units (a UUID is 36). */
export const MAX_ID_LENGTH = 128;

/** Most zones one book can span; the cross-zone scan is O(zones) per fill, so keep it small. */
export const MAX_ZONES = 256;
