import type { EventContract } from './contract';
import { TradeExecuted } from './energy/trade-executed.contract';
import { OrderClosed } from './energy/market-events.contract';
import { ParticipantStatusChanged } from './identity/participant-status.contract';
import { EntryCommitted } from './ledger/entry-committed.contract';
import { HoldPlaced } from './settlement/hold-placed.contract';
import { HoldRejected } from './settlement/hold-rejected.contract';
import { IntervalCorrected, IntervalFinalized } from './metering/interval-events.contract';
import type { ServiceName } from './health/health.contract';
import { TripLegProven, TripLegResolved, TripLegRiderAbsent } from './metering/trip-leg-events.contract';
import { BookingCancelled, BookingConfirmed } from './rides/ride-events.contract';

/**
 * Every durable JetStream consumer in the system: its name, the service that runs it, and
 * the event it consumes. Services register consumers by these names, and the NATS
 * permissions (infra/nats) grant each service exactly its own consumers.
 */
export const DURABLE_CONSUMERS = {
  settlementTradeHolds: { durable: 'settlement-trade-holds', service: 'settlement', contract: TradeExecuted },
  energyTradeHolds: { durable: 'energy-trade-holds', service: 'energy', contract: HoldPlaced },
  energyTradeHoldRejections: { durable: 'energy-trade-hold-rejections', service: 'energy', contract: HoldRejected },
  energyTradeCommits: { durable: 'energy-trade-commits', service: 'energy', contract: EntryCommitted },
  energyParticipantStatus: { durable: 'energy-participant-status', service: 'energy', contract: ParticipantStatusChanged },
  // Trip proofs: metering learns the legs to judge; the ride market acts on the verdicts.
  meteringBookingsConfirmed: { durable: 'metering-bookings-confirmed', service: 'metering', contract: BookingConfirmed },
  meteringBookingsCancelled: { durable: 'metering-bookings-cancelled', service: 'metering', contract: BookingCancelled },
  ridesTripLegsProven: { durable: 'rides-trip-legs-proven', service: 'rides', contract: TripLegProven },
  ridesTripLegsRiderAbsent: { durable: 'rides-trip-legs-rider-absent', service: 'rides', contract: TripLegRiderAbsent },
  ridesTripLegsResolved: { durable: 'rides-trip-legs-resolved', service: 'rides', contract: TripLegResolved },
  settlementEnergyTrades: { durable: 'settlement-energy-trades', service: 'settlement', contract: TradeExecuted },
  settlementIntervalsFinalized: { durable: 'settlement-intervals-finalized', service: 'settlement', contract: IntervalFinalized },
  settlementIntervalsCorrected: { durable: 'settlement-intervals-corrected', service: 'settlement', contract: IntervalCorrected },
  // settlement learns which of its transfers the ledger made final
  settlementLedgerCommits: { durable: 'settlement-ledger-commits', service: 'settlement', contract: EntryCommitted },
  // energy market: a buy order's hold is released when the order ends
  settlementOrderHoldReleases: { durable: 'settlement-order-hold-releases', service: 'settlement', contract: OrderClosed },
} as const satisfies Record<string, { durable: string; service: ServiceName; contract: EventContract }>;
