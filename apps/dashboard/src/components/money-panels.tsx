import { InvariantCheck, LedgerVerify } from './checks';
import { formatEnergy, formatMoney, formatTime, shortDid } from '../state/format';
import type { LiveState } from '../state/live-state';

/** Money held for deals, holds refused, trades settled on metering and sellers' penalties, since the dashboard connected. */
export function SettlementPanel({ settlement }: { settlement: LiveState['settlement'] }) {
  return (
    <section class="panel" data-testid="settlement">
      <h2>Settlement</h2>
      <div class="kpis">
        <div class="kpi">
          <span class="label">Held</span>
          <span class="value">{formatMoney(settlement.heldMicro)}</span>
          <span class="detail">{settlement.heldCount} holds</span>
        </div>
        <div class={`kpi ${settlement.rejectedCount > 0 ? 'warn' : ''}`}>
          <span class="label">Refused</span>
          <span class="value">{formatMoney(settlement.rejectedMicro)}</span>
          <span class="detail">
            {settlement.rejectedCount} holds{settlement.lastRejection ? ` · last: ${settlement.lastRejection}` : ''}
          </span>
        </div>
        <div class="kpi" data-testid="settled">
          <span class="label">Settled</span>
          <span class="value">{formatMoney(settlement.settledMicro)}</span>
          <span class="detail">
            {settlement.settledCount} trades{settlement.undeliveredCount > 0 ? ` · ${settlement.undeliveredCount} undelivered` : ''}
          </span>
        </div>
        <div class={`kpi ${settlement.penaltyMicro > 0n ? 'warn' : ''}`} data-testid="penalties">
          <span class="label">Penalties</span>
          <span class="value">{formatMoney(settlement.penaltyMicro)}</span>
          <span class="detail">
            {formatEnergy(settlement.shortfallWh)} short{settlement.penaltyUnpaidMicro > 0n ? ` · ${formatMoney(settlement.penaltyUnpaidMicro)} unpaid` : ''}
          </span>
        </div>
      </div>
      <InvariantCheck />
    </section>
  );
}

/** Entries the ledger committed since the dashboard connected. */
export function LedgerPanel({ ledger }: { ledger: LiveState['ledger'] }) {
  return (
    <section class="panel" data-testid="ledger">
      <h2>Ledger</h2>
      <div class="kpis">
        <div class="kpi">
          <span class="label">Height</span>
          <span class="value" data-testid="ledger-height">{ledger.lastSequence === null ? '—' : ledger.lastSequence.toString()}</span>
          <span class="detail">{ledger.lastCommittedAt ? `last at ${formatTime(ledger.lastCommittedAt, true)}` : 'no entry yet'}</span>
        </div>
        <div class="kpi">
          <span class="label">Committed</span>
          <span class="value">{ledger.committed}</span>
          <span class="detail">
            {Object.entries(ledger.byType)
              .map(([type, n]) => `${type}: ${n}`)
              .join(' · ') || '—'}
          </span>
        </div>
      </div>
      <LedgerVerify />
    </section>
  );
}

/** Finalized meter intervals and the anomalies metering raised. */
export function MeteringPanel({ metering }: { metering: LiveState['metering'] }) {
  return (
    <section class="panel" data-testid="metering">
      <h2>Metering</h2>
      <div class="kpis">
        <div class="kpi">
          <span class="label">Intervals finalized</span>
          <span class="value">{metering.finalized}</span>
          <span class="detail">
            {metering.estimated} estimated · {metering.corrected} corrected
          </span>
        </div>
        <div class="kpi">
          <span class="label">Imported / exported</span>
          <span class="value">{formatEnergy(metering.importWh)}</span>
          <span class="detail">{formatEnergy(metering.exportWh)} exported</span>
        </div>
      </div>
      <h3>Anomalies</h3>
      {metering.anomalies.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <ul class="alerts" data-testid="anomalies">
          {metering.anomalies.slice(0, 8).map((a, i) => (
            <li key={`${a.device}-${a.code}-${a.from}-${i}`}>
              <strong>{a.code}</strong> <span class="mono">{shortDid(a.device)}</span> {formatTime(a.from)}–{formatTime(a.to)} <small>{a.details}</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
