import { DURABLE_CONSUMERS } from '@ampool/contracts';

/**
 * The consumer that places a trade's pending hold (apps/settlement/src/holds). Once it has
 * processed a trade's event and no hold exists, the hold was refused and the trade is unfunded.
 */
export const TradeHoldsConsumerName = DURABLE_CONSUMERS.settlementTradeHolds.durable;
