import { z } from 'zod';
import { defineRpc } from '../contract';
import { actor } from '../identity/participant';
import { didKey, positiveInt64, uuidV7 } from '../wire/codecs';

/**
 * Netting: one payout per participant for a (UTC, business-time) day — what the day's trades,
 * deliveries, fees and penalties left it with net, capped at what it has available — moved to
 * the outside world (the clearing account) as a single transfer. The transfer id is derived
 * from (participant, day), so running a day again pays nothing twice. `actor` is audited.
 */
export const PayoutsRun = defineRpc(
  'rpc.settlement.payouts.run',
  z.strictObject({ day: z.iso.date(), actor }),
  z.strictObject({
    day: z.iso.date(),
    payouts: z.array(z.strictObject({ participant: didKey, amountMicro: positiveInt64, transferId: uuidV7, status: z.enum(['created', 'exists']) })),
  }),
);
