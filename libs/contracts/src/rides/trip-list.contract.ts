import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, uuidV7 } from '../wire/codecs';
import { tripView } from './ride';

/** A driver's trips, newest first, a page at a time (`after` = the last id seen). */
export const TripList = defineRpc(
  'rpc.rides.trip.list',
  z.strictObject({ driver: didKey, after: uuidV7.optional(), limit: z.number().int().min(1).max(200).default(50) }),
  z.strictObject({ trips: z.array(tripView), next: uuidV7.nullable() }),
);
