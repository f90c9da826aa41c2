import type { TradeStatus } from '@ampool/contracts';

/**
 * A trade's status follows from what the other services have confirmed: `committed` needs
 * both the buyer's money held and the ledger entry recorded, in whichever order they arrive.
 */
export function tradeStatus(t: { heldAt: Date | null; committedAt: Date | null; holdRejectedCode: string | null }): TradeStatus {
  if (t.holdRejectedCode !== null) return 'unfunded';
  if (t.heldAt !== null && t.committedAt !== null) return 'committed';
  if (t.heldAt !== null) return 'held';
  return 'matched';
}
