import { z } from 'zod';
import { defineRpc } from '../contract';
import { didKey, uuidV7 } from '../wire/codecs';
import { bookingView } from './ride';

const byDriver = z.strictObject({ id: uuidV7, driver: didKey });
const reply = z.strictObject({ booking: bookingView });

/** The driver accepts a pending request: it becomes `confirmed`, the hold stays. */
export const BookingApprove = defineRpc('rpc.rides.booking.approve', byDriver, reply);

/** The driver refuses a pending request: `declined`, seats and money released. */
export const BookingDecline = defineRpc('rpc.rides.booking.decline', byDriver, reply);

/**
 * The rider or the driver cancels: the cancellation policy splits the held fare + fee into a
 * refund, the driver's part and the platform's fee. `by` is the participant who asks.
 */
export const BookingCancel = defineRpc('rpc.rides.booking.cancel', z.strictObject({ id: uuidV7, by: didKey }), reply);

/**
 * The driver reports that the rider did not show up. The fare goes to the driver only when
 * metering's trip proofs show it (NO_SHOW_NOT_PROVEN otherwise).
 */
export const BookingNoShow = defineRpc('rpc.rides.booking.no-show', byDriver, reply);
