import { z } from 'zod';
import { defineEvent } from '../contract';
import { didKey, instant, nonNegativeInt64, uuidV7 } from '../wire/codecs';

/** An order left the book unfilled (or partly filled): by its owner, or because the owner was suspended. */
export const OrderCancelled = defineEvent(
  'evt.energy.order.cancelled.v1',
  z.strictObject({
    orderId: uuidV7,
    participant: didKey,
    cancelledWh: nonNegativeInt64,
    reason: z.enum(['owner', 'participant-suspended', 'participant-revoked']),
    at: instant,
  }),
);
