import { useEffect, useState } from 'preact/hooks';
import type { ParticipantView } from '@ampool/contracts';
import type { z } from 'zod';
import { api, ApiError } from '../api';
import { shortDid } from '../state/format';

type Participant = z.input<typeof import('@ampool/contracts').participantView>;
type Action = 'approve' | 'suspend' | 'reinstate' | 'revoke';

const ACTIONS: Record<ParticipantView['status'], Action[]> = {
  pending: ['approve', 'revoke'],
  active: ['suspend', 'revoke'],
  suspended: ['reinstate', 'revoke'],
  revoked: [],
};

const MAX_LISTED = 1_000;

/** Participants, filterable by status, with the operator's status actions (each confirmed first). */
export function ParticipantsPanel({ changes }: { changes: number }) {
  const [status, setStatus] = useState<'' | ParticipantView['status']>('');
  const [participants, setParticipants] = useState<Participant[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<{ did: string; action: Action } | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const all: Participant[] = [];
      let after: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '200', ...(status ? { status } : {}), ...(after ? { after } : {}) });
        const page: { participants: Participant[]; next: string | null } = await api('GET', `/v1/participants?${query}`);
        all.push(...page.participants);
        after = page.next;
      } while (after && all.length < MAX_LISTED);
      if (!cancelled) {
        setParticipants(all);
        setError(null);
      }
    })().catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [status, changes, reload]);

  const act = async (did: string, action: Action) => {
    try {
      await api('POST', `/v1/participants/${encodeURIComponent(did)}/${action}`, { reason: `${action} from the operator dashboard` });
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : (e as Error).message);
    } finally {
      setPending(null);
      setReload((n) => n + 1);
    }
  };

  return (
    <section class="panel wide" data-testid="participants">
      <h2>
        Participants{' '}
        <select aria-label="status filter" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
          <option value="">all</option>
          <option value="pending">pending</option>
          <option value="active">active</option>
          <option value="suspended">suspended</option>
          <option value="revoked">revoked</option>
        </select>
      </h2>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {participants === null ? (
        <p class="empty">Loading…</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Status</th>
                <th>did:key</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {participants.map((p) => (
                <tr key={p.did} data-did={p.did}>
                  <td>{p.displayName}</td>
                  <td>{p.role}</td>
                  <td>
                    <span class={`status ${p.status}`}>{p.status}</span>
                  </td>
                  <td class="mono" title={p.did}>
                    {shortDid(p.did)}
                  </td>
                  <td class="actions">
                    {pending?.did === p.did ? (
                      <>
                        <button class="danger" onClick={() => void act(p.did, pending.action)}>
                          Confirm {pending.action}
                        </button>
                        <button onClick={() => setPending(null)}>Cancel</button>
                      </>
                    ) : (
                      ACTIONS[p.status].map((action) => (
                        <button key={action} onClick={() => setPending({ did: p.did, action })}>
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
