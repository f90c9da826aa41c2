import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, uuidV7 } from '../wire/codecs';
import { tripView } from './ride';

/**
 * The driver cancels a trip: it leaves search, and every live booking on it is cancelled by
 * the driver (full refund; a confirmed one marks the driver's reliability record). Cancelling
 * a cancelled trip answers the same.
 */
export const TripCancel = defineRpc(
  'rpc.rides.trip.cancel',
  z.strictObject({ id: uuidV7, driver: didKey }),
  z.strictObject({ trip: tripView, cancelledBookings: z.number().int() }),
);
