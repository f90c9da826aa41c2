import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, instant, uuidV7 } from '../wire/codecs';
import { bookingMode, latLng } from './ride';

/** Points of a route on the operator's map: enough to draw it, not every point. */
export const MAP_ROUTE_POINTS = 48;

export const mapTrip = z.strictObject({
  tripId: uuidV7,
  driver: didKey,
  departureAt: instant,
  arrivalAt: instant,
  bookingMode,
  seatsOffered: z.number().int(),
  /** Seats taken on the fullest leg. */
  seatsTaken: z.number().int(),
  /** Booking requests waiting for the driver's answer. */
  openRequests: z.number().int(),
  route: z.array(latLng).max(MAP_ROUTE_POINTS),
});
export type MapTrip = z.output<typeof mapTrip>;

/**
 * The operator's view of the ride market on a map: published trips departing from
 * `beforeMinutes` ago to `afterMinutes` ahead of business time, earliest first, with their
 * routes thinned out for drawing.
 */
export const TripMap = defineRpc(
  'rpc.rides.trip.map',
  z.strictObject({
    beforeMinutes: z.number().int().min(0).max(24 * 60).default(120),
    afterMinutes: z.number().int().min(0).max(7 * 24 * 60).default(360),
    limit: z.number().int().min(1).max(2_000).default(500),
  }),
  z.strictObject({ at: instant, trips: z.array(mapTrip), truncated: z.boolean() }),
);
