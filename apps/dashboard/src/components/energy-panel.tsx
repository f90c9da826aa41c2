import { useMemo } from 'preact/hooks';
import { alignPriceSeries, intervalVolumes } from '../state/chart-data';
import { formatEnergy, formatMoney, formatPrice, formatTime, shortDid } from '../state/format';
import { averagePrice, type LiveState } from '../state/live-state';
import { Chart } from './chart';

/** Trades as they execute: prices over time per zone, energy per delivery interval, the latest trades. */
export function EnergyPanel({ energy, version }: { energy: LiveState['energy']; version: number }) {
  const prices = useMemo(() => alignPriceSeries(energy.prices), [version]);
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
        <Chart title="Trade prices" names={prices.zones} data={prices.data} unit="/kWh" testId="price-chart" />
        <Chart title="Energy traded per interval" names={volumes.zones} data={volumes.data} unit="kWh" bars xPadMs={15 * 60_000} />
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
    </section>
  );
}
