import { Injectable } from '@nestjs/common';
import type { BookingRecord } from './bookings.repository';

/**
 * The hook for rider no-shows. A no-show moves the fare to the driver, so it needs proof:
 * metering's trip proofs (pick-up and drop-off confirmations signed by driver and rider,
 * `libs/metering` trip-proofs) showing the driver at the pickup point in time and no rider
 * confirmation. The metering service does not store or serve trip proofs yet, so no booking
 * has proof and every no-show report is refused with NO_SHOW_NOT_PROVEN, changing nothing.
 * When metering answers for a booking's proofs, this is the one place to ask it.
 */
@Injectable()
export class TripProofs {
  async riderAbsentProven(_booking: BookingRecord): Promise<boolean> {
    return false;
  }
}
