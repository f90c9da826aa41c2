import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, uuidV7 } from '../wire/codecs';
import { tripSpec, tripView } from './ride';

/**
 * A driver publishes a trip. The id is chosen by the client: the same id and body again
 * returns the trip; the same id with a different body is ID_CONFLICT. Engine refusals are
 * TRIP_INVALID (`details.rideCode` names the rule) or DEPARTURE_IN_PAST.
 */
export const TripPublish = defineRpc(
  'rpc.rides.trip.publish',
  z.strictObject({ id: uuidV7, driver: didKey, ...tripSpec }),
  z.strictObject({ trip: tripView }),
);
