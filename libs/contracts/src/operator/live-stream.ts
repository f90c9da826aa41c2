import { z } from 'zod';
import type { EventContract } from '../contract';
import { TradeExecuted } from '../energy/trade-executed.contract';
import { OrderCancelled } from '../energy/order-cancelled.contract';
import { MarketClosed } from '../energy/market-events.contract';
import { SERVICES } from '../health/health.contract';
import { ParticipantStatusChanged } from '../identity/participant-status.contract';
import { EntryCommitted } from '../ledger/entry-committed.contract';
import { AnomalyRaised, IntervalCorrected, IntervalFinalized } from '../metering/interval-events.contract';
import { HoldPlaced } from '../settlement/hold-placed.contract';
import { HoldRejected } from '../settlement/hold-rejected.contract';
import { DeliverySettled } from '../settlement/delivery-settled.contract';
import { BookingCancelled, BookingConfirmed, BookingDeclined, BookingExpired, BookingRequested, TripCancelled, TripPublished } from '../rides/ride-events.contract';
import { depthLevel, marketLink, marketPhase } from '../energy/market-read.contract';
import { instant, zoneId } from '../wire/codecs';

/**
 * The operator's live stream (`GET /v1/operator/live`, Server-Sent Events from the gateway to
 * the dashboard). Not a NATS message: the gateway relays the events below in their own wire
 * envelope (the SSE event name is the event's subject), and adds its own `hello`, `health`
 * and `end` messages described here.
 */
export const LIVE_EVENTS = [
  TradeExecuted,
  OrderCancelled,
  MarketClosed,
  ParticipantStatusChanged,
  HoldPlaced,
  HoldRejected,
  DeliverySettled,
  IntervalFinalized,
  IntervalCorrected,
  AnomalyRaised,
  EntryCommitted,
  TripPublished,
  TripCancelled,
  BookingRequested,
  BookingConfirmed,
  BookingDeclined,
  BookingExpired,
  BookingCancelled,
] as const satisfies readonly EventContract[];

/** The subjects relayed on the live stream. */
export type LiveEventSubject = (typeof LIVE_EVENTS)[number]['subject'];

/** First message on a stream: who is watching, and how many past events follow. */
export const liveHello = z.strictObject({
  at: instant,
  operator: z.strictObject({ kind: z.enum(['session', 'participant']), name: z.string() }),
  backlog: z.number().int().nonnegative(),
  /** Events relayed per subject since the gateway started, and envelopes it refused. */
  relayed: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
});

/** Every backend service as it reports itself, sent every few seconds. */
export const liveHealth = z.strictObject({
  at: instant,
  services: z.array(
    z.strictObject({
      service: z.enum(SERVICES),
      status: z.enum(['up', 'down']),
      instance: z.string().nullable(),
      checks: z.record(z.string(), z.enum(['up', 'down'])),
      error: z.string().nullable(),
    }),
  ),
});

/**
 * The order books and transfer links of every area's next open markets (`markets`, sent by
 * the gateway every few seconds while it changes): per market the aggregated depth of each
 * zone and each link's use against its capacity. No identities. `truncated` says the gateway
 * left some zones' depth out to keep one message bounded.
 */
export const liveMarkets = z.strictObject({
  at: instant,
  areas: z.array(
    z.strictObject({
      area: zoneId,
      zones: z.array(zoneId),
      markets: z.array(
        z.strictObject({
          intervalStart: instant,
          phase: marketPhase,
          depth: z.array(z.strictObject({ zone: zoneId, bids: z.array(depthLevel), asks: z.array(depthLevel) })),
          links: z.array(marketLink),
        }),
      ),
    }),
  ),
  truncated: z.boolean(),
});

/** Last message: why the stream ends (the session ended, or the client fell too far behind). */
export const liveEnd = z.strictObject({ reason: z.enum(['session-ended', 'too-slow', 'shutdown']) });

export type LiveHello = z.output<typeof liveHello>;
export type LiveHealth = z.output<typeof liveHealth>;
export type LiveMarkets = z.output<typeof liveMarkets>;
/** Wire forms, as the browser receives them. */
export type LiveHelloWire = z.input<typeof liveHello>;
export type LiveHealthWire = z.input<typeof liveHealth>;
export type LiveMarketsWire = z.input<typeof liveMarkets>;
export type LiveEndWire = z.input<typeof liveEnd>;
