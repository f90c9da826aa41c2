import { useState } from 'preact/hooks';
import { api } from '../api';
import { verifyLatestFinalBlock, type VerifyResult } from '../state/ledger-verify';

type Run<T> = { state: 'idle' } | { state: 'running' } | { state: 'done'; value: T } | { state: 'failed'; message: string };

/** "Verify": the browser checks the latest final block itself (hash, signatures, quorum, link). */
export function LedgerVerify() {
  const [run, setRun] = useState<Run<VerifyResult>>({ state: 'idle' });
  const verify = async () => {
    setRun({ state: 'running' });
    try {
      setRun({ state: 'done', value: await verifyLatestFinalBlock((path) => api('GET', path), crypto.subtle) });
    } catch (error) {
      setRun({ state: 'failed', message: (error as Error).message });
    }
  };
  return (
    <div class="check">
      <button onClick={() => void verify()} disabled={run.state === 'running'}>Verify</button>
      <span class={`result ${run.state === 'done' ? (run.value.ok ? 'ok' : 'bad') : run.state === 'failed' ? 'bad' : ''}`} data-testid="verify-result">
        {run.state === 'running'
          ? 'checking…'
          : run.state === 'failed'
            ? run.message
            : run.state === 'done'
              ? run.value.ok
                ? `block ${run.value.height} verified: ${run.value.validSigners.length} valid signatures, quorum ${run.value.quorum} (${run.value.validSigners.join(', ')}), hash ${run.value.headerHash?.slice(0, 12)}…`
                : `block ${run.value.height}: ${run.value.problems.join('; ')}`
              : 'checks the latest final block here, in the browser'}
      </span>
    </div>
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
  const [run, setRun] = useState<Run<Invariants>>({ state: 'idle' });
  const check = async () => {
    setRun({ state: 'running' });
    try {
      setRun({ state: 'done', value: await api<Invariants>('GET', '/v1/settlement/invariants') });
    } catch (error) {
      setRun({ state: 'failed', message: (error as Error).message });
    }
  };
  return (
    <div class="check">
      <button onClick={() => void check()} disabled={run.state === 'running'}>Check the books</button>
      <span class={`result ${run.state === 'done' ? (run.value.ok ? 'ok' : 'bad') : run.state === 'failed' ? 'bad' : ''}`} data-testid="invariant-result">
        {run.state === 'running'
          ? 'checking…'
          : run.state === 'failed'
            ? run.message
            : run.state === 'done'
              ? run.value.ok
                ? `books balance: ${run.value.accounts} accounts, ${run.value.transfers} transfers (${run.value.pendingTransfers} pending), Σ = 0, no overdraft`
                : run.value.problems.join('; ')
              : 'Σ balances = 0, no overdraft, every transfer accounted for'}
      </span>
    </div>
  );
}
