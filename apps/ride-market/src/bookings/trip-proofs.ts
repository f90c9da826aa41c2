import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, TripLegJudge } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import type { BookingRecord } from './bookings.repository';

/**
 * Asks metering whether a rider no-show is proven: metering judges the booking's leg now, with
 * the driver's claim (the driver's signed pick-up proof at the agreed point, the waiting time
 * over, no proof at all from the rider). A leg metering does not know, or one without those
 * proofs, is not proven; metering being away is an error the driver can retry, never a
 * silent "no".
 */
@Injectable()
export class TripProofs {
  constructor(private readonly rpc: RpcClient) {}

  async riderAbsentProven(booking: BookingRecord): Promise<boolean> {
    try {
      const { leg } = await this.rpc.request(TripLegJudge, { bookingId: booking.id, noShowClaimed: true });
      if (leg.driver !== booking.driver || leg.rider !== booking.rider) return false;
      return leg.status === 'rider-absent' || (leg.status === 'resolved' && leg.resolution?.outcome === 'rider-no-show');
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.TRIP_LEG_UNKNOWN) return false;
      throw error;
    }
  }
}
