/**
 * The search a matcher must reproduce, done the slow way: every trip through the exact
 * rules, no index at all. Tests and the benchmark compare `RideMatcher.search` with it; any
 * difference means the H3 prefilter dropped a trip it should have kept.
 */
import { type RideOffer, type RideRequest, checkRideRequest, compareOffers, evaluateTrip } from './ride-rules';
import type { RideRejected } from './ride-codes';
import type { SeatInventory } from './seat-inventory';
import type { Trip } from './trip';

/** Offers from a full scan, in ranking order, cut to the request's limit. */
export function scanAllTrips(
  trips: Iterable<{ readonly trip: Trip; readonly inventory: SeatInventory }>,
  request: RideRequest,
  roadFactor: number,
): { readonly status: 'accepted'; readonly offers: RideOffer[] } | RideRejected {
  const valid = checkRideRequest(request);
  if (valid.status === 'rejected') return valid;
  const offers: RideOffer[] = [];
  for (const { trip, inventory } of trips) {
    const evaluation = evaluateTrip(trip, inventory, valid.request, roadFactor);
    if (evaluation.matched) offers.push(evaluation.offer);
  }
  offers.sort(compareOffers);
  return { status: 'accepted', offers: offers.slice(0, valid.request.limit) };
}
