import { z } from 'zod';
import { defineRpc } from '../contract';
import { uuidV7 } from '../wire/codecs';
import { tripView } from './ride';

/** One trip with its seats per leg. */
export const TripGet = defineRpc('rpc.rides.trip.get', z.strictObject({ id: uuidV7 }), z.strictObject({ trip: tripView }));
