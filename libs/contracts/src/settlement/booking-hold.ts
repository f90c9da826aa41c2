import { z } from 'zod';

/** Most booking holds placed or released in one request (the ride market batches them). */
export const MAX_BOOKING_HOLDS_PER_REQUEST = 256;

/**
 * Why settlement refused one booking hold (or its release):
 * - `INSUFFICIENT_FUNDS`, `ACCOUNT_UNKNOWN`: the payer cannot pay (no hold was placed);
 * - `ID_CONFLICT`: this booking id was held or released before with a different body;
 * - `HOLD_RELEASED`: the booking's hold was already released (or released before it was ever
 *   placed): it can never hold money again;
 * - `SPLIT_MISMATCH`: a release's parts do not add up to what is held.
 */
export const bookingHoldRefusal = z.enum(['INSUFFICIENT_FUNDS', 'ACCOUNT_UNKNOWN', 'ID_CONFLICT', 'HOLD_RELEASED', 'SPLIT_MISMATCH']);
export type BookingHoldRefusal = z.output<typeof bookingHoldRefusal>;
