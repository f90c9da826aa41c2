import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant, nonNegativeInt64 } from '../wire/codecs';
import { latLng, rideOfferView } from './ride';

/**
 * A rider's search: trips that pass within walking distance of pickup and dropoff (or whose
 * driver accepts the detour), in that order, picking up within the window, with the seats free
 * on those legs, ranked by arrival, price, detour, walk and trip id. Engine refusals of the
 * request are OUT_OF_RANGE with `details.rideCode`.
 */
export const RideSearch = defineRpc(
  'rpc.rides.offer.search',
  z.strictObject({
    rider: didKey.optional(),
    pickup: latLng,
    dropoff: latLng,
    earliestDepartureAt: instant,
    latestDepartureAt: instant,
    seats: z.number().int(),
    /** Most the rider pays for the fare of all seats; no limit when absent. */
    maxTotalPriceMicro: nonNegativeInt64.optional(),
    walkingRadiusM: z.number().int().optional(),
    limit: z.number().int().optional(),
  }),
  z.strictObject({ offers: z.array(rideOfferView) }),
);
