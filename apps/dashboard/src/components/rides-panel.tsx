import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatMoney, formatTime } from '../state/format';
import { rideFigures, type LiveState } from '../state/live-state';
import { drawRoutes, type MapTripWire } from '../state/ride-map';

const MAP_EVERY_MS = 10_000;
const W = 640;
const H = 360;

/** The ride market: trips and bookings as they happen, and the routes around now on a map drawn without tiles. */
export function RidesPanel({ rides }: { rides: LiveState['rides'] }) {
  const [map, setMap] = useState<{ at: string; trips: MapTripWire[]; truncated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api<{ at: string; trips: MapTripWire[]; truncated: boolean }>('GET', '/v1/operator/rides/map?beforeMinutes=60&afterMinutes=240').then(
        (m) => !stopped && (setMap(m), setError(null)),
        (e: Error) => !stopped && setError(e.message),
      );
    void load();
    const timer = window.setInterval(() => void load(), MAP_EVERY_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, []);

  const figures = rideFigures(rides);
  const routes = map ? drawRoutes(map.trips, Date.parse(map.at), W, H) : [];
  const onTheRoad = routes.filter((r) => r.moving).length;
  return (
    <section class="panel wide" data-testid="rides">
      <h2>Ride market</h2>
      <div class="kpis">
        <div class="kpi">
          <span class="label">Trips around now</span>
          <span class="value" data-testid="active-trips">{map ? map.trips.length : '—'}</span>
          <span class="detail">{map ? `${onTheRoad} on the road · at ${formatTime(map.at, true)}` : 'loading'}</span>
        </div>
        <div class="kpi">
          <span class="label">Open requests</span>
          <span class="value">{figures.openRequests}</span>
          <span class="detail">waiting for a driver</span>
        </div>
        <div class="kpi">
          <span class="label">Match rate</span>
          <span class="value">{figures.matchRate === null ? '—' : `${Math.round(figures.matchRate * 100)} %`}</span>
          <span class="detail">{rides.confirmed} confirmed · {formatMoney(rides.fareHeldMicro)} fares held</span>
        </div>
        <div class="kpi">
          <span class="label">Trips published</span>
          <span class="value">{rides.tripsPublished}</span>
          <span class="detail">{rides.tripsCancelled} cancelled</span>
        </div>
      </div>
      {error ? <p class="error">{error}</p> : null}
      <svg class="ride-map" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Trips on a map" data-testid="ride-map">
        <rect width={W} height={H} class="map-ground" />
        {routes.map((r) => (
          <g key={r.tripId} class={r.moving ? 'route moving' : 'route'}>
            <path d={r.d} style={{ strokeOpacity: 0.35 + 0.65 * r.fill }} />
            <circle cx={r.start[0]} cy={r.start[1]} r={3} />
            <rect x={r.end[0] - 3} y={r.end[1] - 3} width={6} height={6} />
          </g>
        ))}
        {map && routes.length === 0 ? <text x={W / 2} y={H / 2} text-anchor="middle" class="map-empty">No trips in this window</text> : null}
      </svg>
      <p class="legend">Circles mark departures, squares destinations; darker routes have more seats taken; routes on the road are highlighted.{map?.truncated ? ' Only the first trips are drawn.' : ''}</p>
    </section>
  );
}
