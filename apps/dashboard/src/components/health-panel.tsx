import type { LiveHealthWire } from '@ampool/contracts';
import { formatTime } from '../state/format';

/** Every backend service as it reports itself, refreshed by the live stream. */
export function HealthPanel({ health }: { health: LiveHealthWire | null }) {
  return (
    <section class="panel" data-testid="health">
      <h2>Services {health ? <small>at {formatTime(health.at, true)} UTC</small> : null}</h2>
      {!health ? (
        <p class="empty">Waiting for the first report…</p>
      ) : (
        <ul class="services">
          {health.services.map((s) => (
            <li class={`service ${s.status}`} key={s.service} title={s.error ?? Object.entries(s.checks).map(([k, v]) => `${k}: ${v}`).join(', ')}>
              <strong>{s.service}</strong>
              <span>{s.status}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
