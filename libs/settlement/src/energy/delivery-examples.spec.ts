import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryDecision, settleDeliveries, type EnergyTradeToSettle, type TradeSettlement } from './delivery';

/** The worked examples of docs/settlement.md, run as written. */
const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'settlement.md'), 'utf8');
const blocks = (kind: string) => [...doc.matchAll(new RegExp('```json ' + kind + '\\n([\\s\\S]*?)```', 'g'))].map((m) => JSON.parse(m[1]!));

const wire = (s: TradeSettlement) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));

describe('docs/settlement.md', () => {
  const examples = blocks('settlement-example');

  it('has its worked examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.map((e, i) => [i + 1, e]))('example %i settles as the page says', (_n, example) => {
    const trades: EnergyTradeToSettle[] = example.trades.map((t: Record<string, string | number>) => ({
      id: t.id, buyer: 'buyer', seller: 'seller', executedAt: Number(t.executedAt),
      energyWh: BigInt(t.energyWh!), priceMicroPerKwh: BigInt(t.priceMicroPerKwh!), gridFeeMicroPerKwh: BigInt(t.gridFeeMicroPerKwh!),
      valueMicro: BigInt(t.valueMicro!), buyerCostMicro: BigInt(t.buyerCostMicro!),
    }));
    const terms = { retailMicroPerKwh: BigInt(example.terms.retailMicroPerKwh), platformFeeBps: BigInt(example.terms.platformFeeBps) };
    expect(settleDeliveries(trades, BigInt(example.exportWh), terms).map(wire)).toEqual(example.expected);
  });

  it('decides unproven intervals as the page says', () => {
    const [cases] = blocks('settlement-decision');
    expect(cases.length).toBeGreaterThan(0);
    const end = Date.parse('2026-11-21T10:15:00Z');
    for (const c of cases) expect(deliveryDecision(c.quality, end, end + c.hoursAfterIntervalEnd * 3_600_000, 48 * 3_600_000)).toBe(c.expected);
  });
});
