import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, nonNegativeInt64, uuidV7 } from '../wire/codecs';
import { bookingView, latLng } from './ride';

/**
 * A rider books seats on a trip from a pickup to a dropoff point. The service places the
 * meeting points on the route by the search rules, takes the seats on the legs between them
 * and has settlement hold fare + fee; if the hold fails no seat stays taken. Instant trips
 * answer `confirmed`, approval trips `requested` (until the driver answers or it expires).
 * The id is the client's: the same id and body again answers the booking as it is now; a
 * different body is ID_CONFLICT. Refusals: NOT_ENOUGH_SEATS, OWN_TRIP, TRIP_DEPARTED,
 * TRIP_NOT_OPEN, RIDE_NOT_SERVED, INSUFFICIENT_FUNDS, ACCOUNT_UNKNOWN, NOT_FOUND.
 */
export const BookingCreate = defineRpc(
  'rpc.rides.booking.create',
  z.strictObject({
    id: uuidV7,
    tripId: uuidV7,
    rider: didKey,
    pickup: latLng,
    dropoff: latLng,
    seats: z.number().int().min(1, 'at least one seat').max(64),
    walkingRadiusM: z.number().int().optional(),
    /** Most the rider accepts to pay for the fare of all seats (a price change since the search is then refused). */
    maxTotalPriceMicro: nonNegativeInt64.optional(),
  }),
  z.strictObject({ booking: bookingView }),
);
