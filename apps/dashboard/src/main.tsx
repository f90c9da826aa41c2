import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { LIVE_EVENT_SUBJECTS } from './state/live-events';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { api } from './api';
import { LiveConnection, type LiveStatus } from './live';
import { applyLive, emptyLiveState } from './state/live-state';
import { EnergyPanel } from './components/energy-panel';
import { HealthPanel } from './components/health-panel';
import { Login, type Operator } from './components/login';
import { DepthPanel, FlowsPanel } from './components/market-panels';
import { LedgerPanel, MeteringPanel, SettlementPanel } from './components/money-panels';
import { DevicesPanel } from './components/devices-panel';
import { ParticipantsPanel } from './components/participants-panel';
import { RidesPanel } from './components/rides-panel';

/** Re-render at most this often however fast events arrive. */
const RENDER_EVERY_MS = 250;

function Dashboard({ operator, onSignedOut }: { operator: Operator; onSignedOut: (notice?: string) => void }) {
  const state = useRef(emptyLiveState());
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<{ status: LiveStatus; detail?: string }>({ status: 'connecting' });

  useEffect(() => {
    let dirty = false;
    const timer = window.setInterval(() => {
      if (dirty) {
        dirty = false;
        setVersion((v) => v + 1);
      }
    }, RENDER_EVERY_MS);
    const live = new LiveConnection('/v1/operator/live', LIVE_EVENT_SUBJECTS, {
      message: (event, data) => {
        if (applyLive(state.current, event, data)) dirty = true;
      },
      status: (s, detail) => setStatus({ status: s, detail }),
      sessionEnded: () => onSignedOut('Your session ended; sign in again.'),
      stillSignedIn: () => api('GET', '/v1/operator/me').then(() => true, () => false),
    });
    live.open();
    return () => {
      window.clearInterval(timer);
      live.close();
    };
  }, []);

  const signOut = async () => {
    await api('POST', '/v1/operator/logout').catch(() => undefined);
    onSignedOut();
  };
  const s = state.current;
  return (
    <div class="dashboard">
      <header>
        <h1>Ampool operator</h1>
        <span class={`live ${status.status}`} data-testid="live-status" title={status.detail}>
          {status.status === 'open' ? 'live' : status.status}
        </span>
        <span class="events" data-testid="event-count">{s.events} events</span>
        <span class="who">{operator.email ?? operator.did}</span>
        <button onClick={() => void signOut()}>Sign out</button>
      </header>
      <div class="grid">
        <HealthPanel health={s.health} />
        <SettlementPanel settlement={s.settlement} />
        <LedgerPanel ledger={s.ledger} />
        <EnergyPanel energy={s.energy} version={version} />
        <DepthPanel markets={s.markets} />
        <FlowsPanel markets={s.markets} />
        <MeteringPanel metering={s.metering} />
        <RidesPanel rides={s.rides} />
        <ParticipantsPanel changes={s.identity.changeCount} />
        <DevicesPanel changes={s.identity.changeCount} />
      </div>
    </div>
  );
}

function App() {
  const [operator, setOperator] = useState<Operator | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  useEffect(() => {
    api<Operator>('GET', '/v1/operator/me').then(setOperator, () => setOperator(null));
  }, []);
  if (operator === undefined) return <p class="boot">Checking your session…</p>;
  if (operator === null) return <Login notice={notice} onSignedIn={(o) => (setNotice(undefined), setOperator(o))} />;
  return <Dashboard operator={operator} onSignedOut={(n) => (setNotice(n), setOperator(null))} />;
}

render(<App />, document.getElementById('app')!);
