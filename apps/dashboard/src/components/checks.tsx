import { useState } from 'preact/hooks';
import { api } from '../api';
import { verifyLatestFinalBlock, type VerifyResult } from '../state/ledger-verify';

type Run<T> = { state: 'idle' } | { state: 'running' } | { state: 'done'; value: T } | { state: 'failed'; message: string };

/** A check run on demand: a button, and its result (or what it checks, before it ran). */
function CheckButton<T extends { ok: boolean }>(props: { label: string; testId: string; idle: string; run: () => Promise<T>; describe: (value: T) => string }) {
  const [run, setRun] = useState<Run<T>>({ state: 'idle' });
  const start = async () => {
    setRun({ state: 'running' });
    try {
      setRun({ state: 'done', value: await props.run() });
    } catch (error) {
      setRun({ state: 'failed', message: (error as Error).message });
    }
  };
  return (
    <div class="check">
      <button onClick={() => void start()} disabled={run.state === 'running'}>{props.label}</button>
      <span class={`result ${run.state === 'done' ? (run.value.ok ? 'ok' : 'bad') : run.state === 'failed' ? 'bad' : ''}`} data-testid={props.testId}>
        {run.state === 'running' ? 'checking…' : run.state === 'failed' ? run.message : run.state === 'done' ? props.describe(run.value) : props.idle}
      </span>
    </div>
  );
}

/** "Verify": the browser checks the latest final block itself (hash, signatures, quorum, link). */
export function LedgerVerify() {
  return (
    <CheckButton<VerifyResult>
      label="Verify"
      testId="verify-result"
      idle="checks the latest final block here, in the browser"
      run={() => verifyLatestFinalBlock((path) => api('GET', path), crypto.subtle)}
      describe={(v) =>
        v.ok
          ? `block ${v.height} verified: ${v.validSigners.length} valid signatures, quorum ${v.quorum} (${v.validSigners.join(', ')}), hash ${v.headerHash?.slice(0, 12)}…`
          : `block ${v.height}: ${v.problems.join('; ')}`
      }
    />
  );
}

interface Invariants {
  ok: boolean;
  problems: string[];
  accounts: number;
  transfers: number;
  pendingTransfers: number;
}

/** Settlement's invariant check, run on demand. */
export function InvariantCheck() {
  return (
    <CheckButton<Invariants>
      label="Check the books"
      testId="invariant-result"
      idle="Σ balances = 0, no overdraft, every transfer accounted for"
      run={() => api<Invariants>('GET', '/v1/settlement/invariants')}
      describe={(v) => (v.ok ? `books balance: ${v.accounts} accounts, ${v.transfers} transfers (${v.pendingTransfers} pending), Σ = 0, no overdraft` : v.problems.join('; '))}
    />
  );
}
