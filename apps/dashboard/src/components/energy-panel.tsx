import { useMemo } from 'preact/hooks';
import { alignPriceSeries, intervalVolumes } from '../state/chart-data';
import { formatEnergy, formatMoney, formatPrice, formatTime, shortDid } from '../state/format';
import { averagePrice, type LiveState } from '../state/live-state';
import { Chart } from './chart';

/** Trades as they execute: prices over time per zone, energy per delivery interval, the latest trades. */
export function EnergyPanel({ energy, version }: { energy: LiveState['energy']; version: number }) {
  // Clearing prices are their own series beside the trade prices: one point per auctioned interval, at its gate closure.
  const prices = useMemo(
    () => alignPriceSeries({ ...energy.prices, ...Object.fromEntries(Object.entries(energy.clearingPrices).map(([zone, points]) => [`${zone} clearing`, points])) }),
    [version],
  );
  const volumes = useMemo(() => intervalVolumes(energy.intervals, 24), [version]);
  const zones = Object.keys(energy.intervals).sort();

  return (
    <section class="panel wide" data-testid="energy">
      <h2>Energy market</h2>
      <div class="kpis">
        {zones.length === 0 ? <p class="empty">No trades yet.</p> : null}
        {zones.map((zone) => {
          const slots = energy.intervals[zone]!;
          const latest = Object.keys(slots).sort().at(-1)!;
          const slot = slots[latest]!;
          const avg = averagePrice(slot);
          return (
            <div class="kpi" key={zone} data-testid={`zone-${zone}`}>
              <span class="label">{zone} · {formatTime(latest)}</span>
              <span class="value" data-testid="last-price">{formatPrice(slot.lastPriceMicroPerKwh)}</span>
              <span class="detail">
                {formatEnergy(slot.energyWh)} in {slot.trades} trades{avg !== null ? ` · avg ${formatPrice(avg)}` : ''}
              </span>
            </div>
          );
        })}
        <div class="kpi">
          <span class="label">Orders cancelled</span>
          <span class="value">{energy.cancelledOrders}</span>
        </div>
      </div>
      <div class="charts">
        <Chart title="Trade and clearing prices" names={prices.zones} data={prices.data} unit="/kWh" testId="price-chart" />
        <Chart title="Energy traded per interval, stacked by zone" names={volumes.zones} data={volumes.data} unit="kWh" bars xPadMs={15 * 60_000} />
      </div>
      <table class="trades" data-testid="trades">
        <thead>
          <tr>
            <th>Executed</th>
            <th>Zone</th>
            <th>Interval</th>
            <th class="num">Energy</th>
            <th class="num">Price</th>
            <th class="num">Value</th>
            <th>Seller → buyer</th>
          </tr>
        </thead>
        <tbody>
          {energy.trades.slice(0, 12).map((t) => (
            <tr key={t.id}>
              <td>{formatTime(t.executedAt, true)}</td>
              <td>{t.zone}</td>
              <td>{formatTime(t.intervalStart)}</td>
              <td class="num">{formatEnergy(t.energyWh)}</td>
              <td class="num">{formatPrice(t.priceMicroPerKwh)}</td>
              <td class="num">{formatMoney(t.valueMicro)}</td>
              <td class="mono">
                {shortDid(t.seller)} → {shortDid(t.buyer)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Gate closures</h3>
      {energy.closures.length === 0 ? (
        <p class="empty">No interval has closed since the dashboard connected.</p>
      ) : (
        <table class="closures" data-testid="closures">
          <thead>
            <tr>
              <th>Closed</th>
              <th>Zone</th>
              <th>Interval</th>
              <th class="num">Clearing price</th>
              <th class="num">Traded</th>
              <th class="num">Unmatched buy</th>
              <th class="num">Unmatched sell</th>
            </tr>
          </thead>
          <tbody>
            {energy.closures.slice(0, 8).map((c) => (
              <tr key={`${c.zone}|${c.intervalStart}`}>
                <td>{formatTime(c.closedAt, true)}</td>
                <td>{c.zone}</td>
                <td>{formatTime(c.intervalStart)}</td>
                <td class="num">{c.clearingPriceMicroPerKwh === null ? '—' : formatPrice(c.clearingPriceMicroPerKwh)}</td>
                <td class="num">{formatEnergy(c.tradedWh)}</td>
                <td class="num">{formatEnergy(c.unmatchedBuyWh)}</td>
                <td class="num">{formatEnergy(c.unmatchedSellWh)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
