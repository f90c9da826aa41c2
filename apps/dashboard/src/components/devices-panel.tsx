import { useEffect, useState } from 'preact/hooks';
import type { DeviceStatus } from '@ampool/contracts';
import type { z } from 'zod';
import { api, ApiError } from '../api';
import { formatEnergy, formatPower, shortDid } from '../state/format';

type Device = z.input<typeof import('@ampool/contracts').deviceView>;
type Action = 'suspend' | 'reinstate';

/** Revocation belongs to the key's owner (or the participant's revocation), not to this panel. */
const ACTIONS: Record<DeviceStatus, Action[]> = { active: ['suspend'], suspended: ['reinstate'], revoked: [] };

const MAX_LISTED = 1_000;

/** Every device with its owner and ratings, filterable by status, with suspend / reinstate (each confirmed first). */
export function DevicesPanel({ changes }: { changes: number }) {
  const [status, setStatus] = useState<'' | DeviceStatus>('');
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<{ did: string; action: Action } | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const all: Device[] = [];
      let after: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '200', ...(status ? { status } : {}), ...(after ? { after } : {}) });
        const page: { devices: Device[]; next: string | null } = await api('GET', `/v1/devices?${query}`);
        all.push(...page.devices);
        after = page.next;
      } while (after && all.length < MAX_LISTED);
      if (!cancelled) {
        setDevices(all);
        setError(null);
      }
    })().catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [status, changes, reload]);

  const act = async (did: string, action: Action) => {
    try {
      await api('POST', `/v1/devices/${encodeURIComponent(did)}/${action}`, { reason: `${action} from the operator dashboard` });
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message);
    } finally {
      setPending(null);
      setReload((n) => n + 1);
    }
  };

  return (
    <section class="panel wide" data-testid="devices">
      <h2>
        Devices{' '}
        <select aria-label="device status filter" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
          <option value="">all</option>
          <option value="active">active</option>
          <option value="suspended">suspended</option>
          <option value="revoked">revoked</option>
        </select>
      </h2>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {devices === null ? (
        <p class="empty">Loading…</p>
      ) : devices.length === 0 ? (
        <p class="empty">No devices.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>Device</th>
                <th>Owner</th>
                <th>Type</th>
                <th>Power</th>
                <th>Capacity / reserve</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.did} data-did={d.did}>
                  <td class="mono" title={d.did}>
                    {shortDid(d.did)}
                  </td>
                  <td class="mono" title={d.owner}>
                    {shortDid(d.owner)}
                  </td>
                  <td>{d.type}</td>
                  <td>{formatPower(d.powerW)}</td>
                  <td>{d.capacityWh === '0' ? '—' : `${formatEnergy(d.capacityWh)} / ${formatEnergy(d.reserveWh)}`}</td>
                  <td>
                    <span class={`status ${d.status}`}>{d.status}</span>
                  </td>
                  <td class="actions">
                    {pending?.did === d.did ? (
                      <>
                        <button class="danger" onClick={() => void act(d.did, pending.action)}>
                          Confirm {pending.action}
                        </button>
                        <button onClick={() => setPending(null)}>Cancel</button>
                      </>
                    ) : (
                      ACTIONS[d.status].map((action) => (
                        <button key={action} onClick={() => setPending({ did: d.did, action })}>
                          {action}
                        </button>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
