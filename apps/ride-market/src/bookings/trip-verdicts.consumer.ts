import { Injectable } from '@nestjs/common';
import { DURABLE_CONSUMERS, type TripLegResolved, type EventData } from '@ampool/contracts';
import type { BookingEvent } from '@ampool/matching';
import { EventConsumers } from '@ampool/messaging';
import { BookingTransitions } from './booking-transitions.service';

/** The booking event a dispute's resolution stands for. */
function resolutionEvent(r: EventData<typeof TripLegResolved>): BookingEvent {
  switch (r.outcome) {
    case 'completed':
      return { type: 'complete' };
    case 'rider-no-show':
      // Decided on the proofs by an operator: the proof the policy asks for.
      return { type: 'no-show', proofVerified: true };
    case 'refund':
      return { type: 'refund', by: r.by };
  }
}

/**
 * Metering's trip verdicts move bookings: a proven leg completes the booking (fare to the
 * driver, fee to the platform), a proven rider absence applies the no-show rule, a resolved
 * dispute applies what the operator (or the timeout's default) decided. A disputed leg
 * changes nothing here: the hold stays until the dispute is resolved.
 */
@Injectable()
export class TripVerdictsConsumer {
  constructor(consumers: EventConsumers, transitions: BookingTransitions) {
    const proven = DURABLE_CONSUMERS.ridesTripLegsProven;
    consumers.register({ durable: proven.durable, contract: proven.contract, handle: async (e) => void (await transitions.applyVerdict(proven.durable, e.id, e.data, { type: 'complete' })) });
    const absent = DURABLE_CONSUMERS.ridesTripLegsRiderAbsent;
    consumers.register({
      durable: absent.durable,
      contract: absent.contract,
      handle: async (e) => void (await transitions.applyVerdict(absent.durable, e.id, e.data, { type: 'no-show', proofVerified: true })),
    });
    const resolved = DURABLE_CONSUMERS.ridesTripLegsResolved;
    consumers.register({ durable: resolved.durable, contract: resolved.contract, handle: async (e) => void (await transitions.applyVerdict(resolved.durable, e.id, e.data, resolutionEvent(e.data))) });
  }
}
