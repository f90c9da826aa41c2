import type { EventContract } from './contract';
import { TradeExecuted } from './energy/trade-executed.contract';
import { OrderClosed } from './energy/market-events.contract';
import { ParticipantStatusChanged } from './identity/participant-status.contract';
import { EntryCommitted } from './ledger/entry-committed.contract';
import { HoldPlaced } from './settlement/hold-placed.contract';
import { HoldRejected } from './settlement/hold-rejected.contract';
import type { ServiceName } from './health/health.contract';

/**
 * Every durable JetStream consumer in the system: its name, the service that runs it, and
 * the event it consumes. Services register consumers by these names, and the NATS
 * permissions (infra/nats) grant each service exactly its own consumers.
 */
export const DURABLE_CONSUMERS = {
  settlementTradeHolds: { durable: 'settlement-trade-holds', service: 'settlement', contract: TradeExecuted },
  ledgerTrades: { durable: 'ledger-trades', service: 'ledger', contract: TradeExecuted },
  ledgerHolds: { durable: 'ledger-holds', service: 'ledger', contract: HoldPlaced },
  energyTradeHolds: { durable: 'energy-trade-holds', service: 'energy', contract: HoldPlaced },
  energyTradeHoldRejections: { durable: 'energy-trade-hold-rejections', service: 'energy', contract: HoldRejected },
  energyTradeCommits: { durable: 'energy-trade-commits', service: 'energy', contract: EntryCommitted },
  energyParticipantStatus: { durable: 'energy-participant-status', service: 'energy', contract: ParticipantStatusChanged },
  // energy market: a buy order's hold is released when the order ends
  settlementOrderHoldReleases: { durable: 'settlement-order-hold-releases', service: 'settlement', contract: OrderClosed },
} as const satisfies Record<string, { durable: string; service: ServiceName; contract: EventContract }>;
