import fc from 'fast-check';
import { fillValueMicro } from '@ampool/domain';
import { settleDeliveries, type EnergyTradeToSettle } from './delivery';

const trade = fc.record({
  energyWh: fc.bigInt({ min: 1n, max: 50_000n }),
  priceMicroPerKwh: fc.bigInt({ min: 1_000n, max: 1_000_000n }),
  gridFeeMicroPerKwh: fc.bigInt({ min: 0n, max: 200_000n }),
  executedAt: fc.nat({ max: 1_000 }),
});

describe('settleDeliveries', () => {
  it('balances every trade, never allocates more than was exported or contracted, and serves trades in execution order', () => {
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 8 }), fc.bigInt({ min: 0n, max: 200_000n }), fc.bigInt({ min: 0n, max: 2_000n }), fc.bigInt({ min: 1_000n, max: 1_500_000n }), (raw, exportWh, feeBps, retail) => {
        const trades: EnergyTradeToSettle[] = raw.map((t, i) => ({
          ...t, id: `t${i}`, buyer: `b${i}`, seller: 's',
          valueMicro: fillValueMicro(t.priceMicroPerKwh, t.energyWh),
          buyerCostMicro: fillValueMicro(t.priceMicroPerKwh + t.gridFeeMicroPerKwh, t.energyWh),
        }));
        const result = settleDeliveries(trades, exportWh, { retailMicroPerKwh: retail, platformFeeBps: feeBps });
        const contracted = trades.reduce((s, t) => s + t.energyWh, 0n);
        const delivered = result.reduce((s, r) => s + r.deliveredWh, 0n);
        if (delivered !== (exportWh < contracted ? exportWh : contracted)) return false;
        // First come, first served: once a trade falls short, every later one gets nothing.
        let shortSeen = false;
        for (const r of result) {
          if (shortSeen && r.deliveredWh !== 0n) return false;
          if (r.shortfallWh > 0n) shortSeen = true;
        }
        const byId = new Map(trades.map((t) => [t.id, t]));
        for (const r of result) {
          const t = byId.get(r.tradeId)!;
          if (r.deliveredWh + r.shortfallWh !== t.energyWh) return false;
          if (r.buyerPaysMicro !== t.buyerCostMicro) return false;
          if (r.sellerReceivesMicro + r.platformFeeMicro + r.gridOperatorReceivesMicro + r.utilityReceivesFromBuyerMicro !== r.buyerPaysMicro) return false;
          for (const v of Object.values(r)) if (typeof v === 'bigint' && v < 0n) return false;
          // The utility ends up with at least retail for what it supplied, unless the buyer's contract was already above it.
          if (r.utilityReceivesFromBuyerMicro + r.sellerPenaltyMicro < fillValueMicro(retail, r.shortfallWh)) return false;
          if (r.shortfallWh === 0n && (r.sellerReceivesMicro + r.platformFeeMicro !== t.valueMicro)) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
