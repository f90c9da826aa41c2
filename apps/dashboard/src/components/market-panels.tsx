import { useState } from 'preact/hooks';
import { formatEnergy, formatPrice, formatTime } from '../state/format';
import { depthLadder, linkFill, linkPercent, pickMarket, type MarketsState } from '../state/market-books';

const bar = (share: number) => ({ width: `${Math.max(share * 100, share > 0 ? 2 : 0).toFixed(1)}%` });

/** The aggregated book of one zone for one of the next open intervals, as a price ladder. */
export function DepthPanel({ markets }: { markets: MarketsState }) {
  const [wanted, setWanted] = useState<{ zone: string | null; intervalStart: string | null }>({ zone: null, intervalStart: null });
  const pick = pickMarket(markets.latest, wanted);
  if (!pick) {
    return (
      <section class="panel" data-testid="depth">
        <h2>Order-book depth</h2>
        <p class="empty">{markets.latest ? 'No market is open.' : 'Waiting for the first book…'}</p>
      </section>
    );
  }
  const book = pick.market.depth.find((d) => d.zone === pick.zone);
  const ladder = book ? depthLadder(book) : null;
  const firstBid = ladder?.rows.findIndex((r) => r.side === 'bid') ?? -1;
  return (
    <section class="panel" data-testid="depth">
      <h2>
        Order-book depth <small>{pick.market.phase}</small>
      </h2>
      <div class="pickers">
        <select aria-label="zone" value={pick.zone} onChange={(e) => setWanted({ ...wanted, zone: (e.target as HTMLSelectElement).value })}>
          {markets.latest!.areas.flatMap((a) => (a.markets.length > 0 ? a.zones : [])).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        {pick.area.markets.map((m) => (
          <button key={m.intervalStart} class={m.intervalStart === pick.market.intervalStart ? 'chosen' : ''} onClick={() => setWanted({ ...wanted, intervalStart: m.intervalStart })}>
            {formatTime(m.intervalStart)}
          </button>
        ))}
      </div>
      {!ladder ? (
        <p class="empty">This zone's book was left out to keep the live stream small.</p>
      ) : ladder.rows.length === 0 ? (
        <p class="empty">No open orders in {pick.zone} for {formatTime(pick.market.intervalStart)}.</p>
      ) : (
        <table class="ladder" data-testid="depth-ladder">
          <thead>
            <tr>
              <th class="num">Bids (Wh)</th>
              <th class="num">Price</th>
              <th>Asks (Wh)</th>
            </tr>
          </thead>
          <tbody>
            {ladder.rows.map((r, i) => (
              <>
                {i === firstBid && firstBid > 0 ? (
                  <tr class="spread" key="spread">
                    <td colSpan={3}>{ladder.spreadMicroPerKwh === null ? '' : `spread ${formatPrice(ladder.spreadMicroPerKwh)}`}</td>
                  </tr>
                ) : null}
                <tr key={`${r.side}${r.priceMicroPerKwh}`} class={r.side} title={`${r.orderCount} orders · ${formatEnergy(r.cumulativeWh)} up to here`}>
                  <td class="depth-cell bid-cell">
                    {r.side === 'bid' ? (
                      <>
                        <span class="depth-bar" style={bar(r.share)} />
                        <span class="depth-value">{formatEnergy(r.openWh)}</span>
                      </>
                    ) : null}
                  </td>
                  <td class="num price">{formatPrice(r.priceMicroPerKwh)}</td>
                  <td class="depth-cell ask-cell">
                    {r.side === 'ask' ? (
                      <>
                        <span class="depth-bar" style={bar(r.share)} />
                        <span class="depth-value">{formatEnergy(r.openWh)}</span>
                      </>
                    ) : null}
                  </td>
                </tr>
              </>
            ))}
          </tbody>
        </table>
      )}
      <p class="legend">
        Bars: open energy from the best price outward. {pick.zone} · delivery {formatTime(pick.market.intervalStart)} UTC
        {markets.latest!.truncated ? ' · some zones left out' : ''}
      </p>
    </section>
  );
}

/** Energy moved across each transfer link per delivery interval, against the link's capacity. */
export function FlowsPanel({ markets }: { markets: MarketsState }) {
  const areas = Object.entries(markets.flows)
    .map(([area, byInterval]) => {
      const intervals = Object.keys(byInterval).sort();
      const links = new Map<string, { from: string; to: string }>();
      for (const i of intervals) for (const l of byInterval[i]!.links) links.set(`${l.from}>${l.to}`, { from: l.from, to: l.to });
      return { area, intervals, byInterval, links: [...links.entries()] };
    })
    .filter((a) => a.links.length > 0);
  return (
    <section class="panel two" data-testid="flows">
      <h2>
        Cross-zone flows <small>per delivery interval, against transfer capacity</small>
      </h2>
      {areas.length === 0 ? <p class="empty">{markets.latest ? 'No open market has a link between zones.' : 'Waiting for the first market…'}</p> : null}
      {areas.map((a) => (
        <div class="scroll" key={a.area}>
          <table class="flows" data-testid={`flows-${a.area}`}>
            <thead>
              <tr>
                <th>{a.area}</th>
                {a.intervals.map((i) => (
                  <th key={i}>
                    {formatTime(i)} <small class="phase">{a.byInterval[i]!.phase}</small>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {a.links.map(([key, link]) => (
                <tr key={key}>
                  <td>
                    {link.from} → {link.to}
                  </td>
                  {a.intervals.map((i) => {
                    const l = a.byInterval[i]!.links.find((x) => x.from === link.from && x.to === link.to);
                    if (!l) return <td key={i} class="flow-cell" />;
                    const fill = linkFill(l);
                    return (
                      <td key={i} class="flow-cell" data-testid="flow" title={l.remainingWh === null ? 'no limit' : `${formatEnergy(l.remainingWh)} left`}>
                        <span class={`flow-track${fill.share === null ? ' unlimited' : ''}`}>
                          <span class={`flow-bar${fill.full ? ' full' : ''}`} style={bar(fill.share ?? 0)} />
                        </span>
                        <span class="flow-text">
                          {formatEnergy(l.usedWh)}
                          {l.capacityWh === null ? '' : ` / ${formatEnergy(l.capacityWh)}`} · {linkPercent(l)}
                        </span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <p class="legend">Used = energy of the interval's cross-zone trades, as last seen while its market was open (UTC; an interval whose gate closed keeps its last figures).</p>
    </section>
  );
}
