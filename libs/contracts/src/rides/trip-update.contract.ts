import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, uuidV7 } from '../wire/codecs';
import { tripSpec, tripView } from './ride';

/**
 * The driver replaces a published trip's details. With bookings, the route cannot change
 * (TRIP_INVALID, `ROUTE_LOCKED_BY_BOOKINGS`) and the seats cannot drop below what a leg
 * holds (`SEATS_BELOW_BOOKED`); times, price, detour limits and booking mode may.
 */
export const TripUpdate = defineRpc(
  'rpc.rides.trip.update',
  z.strictObject({ id: uuidV7, driver: didKey, ...tripSpec }),
  z.strictObject({ trip: tripView }),
);
