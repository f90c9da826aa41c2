/**
 * Limits of the ride-matching engine. Every input is checked against them before it is
 * used, so no loop, array or product can grow without bound:
 *
 * - positions along a route are integer metres below {@link MAX_ROUTE_LENGTH_M} (2,000 km)
 *   and durations at most {@link MAX_TRIP_DURATION_MS} (48 h), so `position × duration`
 *   (the estimated-time formula) stays below 2^53 and is computed exactly in a double;
 * - a detour is at most {@link MAX_DETOUR_M}, which bounds the search ring (the H3 disk
 *   around a pickup grows with the largest detour any indexed trip accepts);
 * - money is `bigint`; prices are bounded so that a fare for every seat of a vehicle fits
 *   comfortably in a signed 64-bit column.
 */

/** Most points in one route polyline; a polyline of 1,000 points describes a 2,000 km route every 2 km. */
export const MAX_POLYLINE_POINTS = 1_000;

/** Longest route, in metres (2,000 km): longer than any carpool, short enough for exact products. */
export const MAX_ROUTE_LENGTH_M = 2_000_000;

/** Shortest route, in metres: below this there is nothing to share and fares would divide by ~0. */
export const MIN_ROUTE_LENGTH_M = 100;

/** Longest planned trip, departure to arrival (48 h). */
export const MAX_TRIP_DURATION_MS = 48 * 3_600_000;

/**
 * Highest average speed a trip may plan, in metres per second (60 m/s = 216 km/h). A faster
 * plan is a data error (swapped timestamps, wrong units), and a believable speed keeps the
 * detour-time arithmetic meaningful.
 */
export const MAX_AVERAGE_SPEED_MPS = 60;

/** Most seats of a vehicle (a minibus); seats offered and seats requested never exceed it. */
export const MAX_VEHICLE_SEATS = 64;

/** Largest detour a driver may accept, in metres (20 km). */
export const MAX_DETOUR_M = 20_000;

/** Largest detour a driver may accept, in minutes. */
export const MAX_DETOUR_MINUTES = 120;

/** Most stopovers of one trip. */
export const MAX_STOPOVERS = 20;

/**
 * How far a stopover may lie from the route polyline and still count as "on the route", in
 * metres: polylines are sparse, so a town the route goes through may be a little off the
 * drawn line.
 */
export const STOPOVER_TOLERANCE_M = 200;

/** Largest price per seat for a whole trip, in µ-currency (10^12 = one million currency units). */
export const MAX_PRICE_PER_SEAT_MICRO = 1_000_000_000_000n;

/** Largest price per seat per kilometre, in µ-currency (10^10 = ten thousand currency units). */
export const MAX_PRICE_PER_KM_MICRO = 10_000_000_000n;

/** Largest amount a rider may state as the most they pay, in µ-currency (2^63 − 1, a BIGINT). */
export const MAX_AMOUNT_MICRO = (1n << 63n) - 1n;

/** Longest trip, driver, rider and booking id, in UTF-16 code units (a UUID is 36). */
export const MAX_RIDE_ID_LENGTH = 128;

/** Default walking radius of a ride request, in metres (about ten minutes on foot). */
export const DEFAULT_WALKING_RADIUS_M = 800;

/** Largest walking radius a request may ask for, in metres. */
export const MAX_WALKING_RADIUS_M = 3_000;

/** Longest pickup time window of one request (48 h). */
export const MAX_TIME_WINDOW_MS = 48 * 3_600_000;

/** Number of offers a search returns when the request names no limit. */
export const DEFAULT_SEARCH_LIMIT = 20;

/** Largest number of offers one search may return. */
export const MAX_SEARCH_LIMIT = 500;

/** Most bookings one trip's seat inventory holds (live ones; released bookings do not count). */
export const MAX_BOOKINGS_PER_TRIP = 512;

/** Most trips one matcher indexes. */
export const MAX_INDEXED_TRIPS = 1_000_000;

/** Smallest road factor (road distance ÷ great-circle distance): a road is never shorter than the straight line. */
export const MIN_ROAD_FACTOR = 1;

/** Largest road factor a matcher accepts; real networks average 1.2 – 1.5. */
export const MAX_ROAD_FACTOR = 3;
