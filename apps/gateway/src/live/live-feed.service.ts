import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { LIVE_EVENTS, liveHealth, liveMarkets, type EventContract, type LiveHealth } from '@ampool/contracts';
import { NATS_CONNECTION } from '@ampool/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ServiceHealth } from '../health/service-health';
import { MarketWatch } from './market-watch';

/** One message for the browser: the SSE event name and its data, serialized once for all streams. */
export interface LiveMessage {
  event: string;
  data: string;
}

/** A live stream as the feed sees it. */
export interface LiveListener {
  deliver(message: LiveMessage): void;
  /** The feed is going away (the gateway shuts down). */
  close(reason: 'shutdown'): void;
}

/** Event ids remembered to drop the duplicates an at-least-once relay may publish. */
const DEDUP_WINDOW = 10_000;

/**
 * Relays domain events to operators' live streams. It listens on core NATS (a copy of what the
 * outboxes publish to JetStream) only while someone watches, and for a while after: an idle
 * gateway spends nothing on it. Each envelope is checked against its contract before it is
 * passed on; duplicates are dropped by event id; the last few per subject are kept so a new
 * dashboard starts with recent history, and the services' health is polled for as long as a
 * stream is open.
 *
 * Order-book depth and cross-zone flows are not events: they are read from the market every
 * LIVE_MARKETS_SECONDS and sent (`markets`) only when they changed. Refetching on every
 * order event would tie the read load to the order rate (thousands a second in a busy
 * interval) and to the number of zones; a fixed cadence bounds it to one snapshot per period
 * however busy the market is, and a dashboard needs nothing finer than that to follow a book.
 */
@Injectable()
export class LiveFeed implements OnModuleDestroy {
  private readonly logger = new Logger(LiveFeed.name);
  private readonly listeners = new Set<LiveListener>();
  private readonly backlogs = new Map<string, LiveMessage[]>();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private subscriptions: Subscription[] = [];
  private healthTimer?: NodeJS.Timeout;
  private lingerTimer?: NodeJS.Timeout;
  private lastHealth?: LiveMessage;
  private lastMarkets?: LiveMessage;
  private marketsTimer?: NodeJS.Timeout;
  private marketsBusy = false;
  /** Whether the last look failed: a market that is down is reported once, not every period. */
  private marketsFailing = false;
  /** The last snapshot sent, without its time: an unchanged market is not sent again. */
  private lastMarketsBody?: string;
  private arrival = 0;
  private readonly order = new WeakMap<LiveMessage, number>();
  relayed = 0;
  refused = 0;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly health: ServiceHealth,
    private readonly markets: MarketWatch,
  ) {}

  /** Starts delivering to `listener`; returns the function that stops it. */
  attach(listener: LiveListener): () => void {
    this.listeners.add(listener);
    clearTimeout(this.lingerTimer);
    if (this.subscriptions.length === 0) this.start();
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.lingerTimer = setTimeout(() => this.stop(), this.config.LIVE_LINGER_SECONDS * 1000);
      this.lingerTimer.unref();
    };
  }

  get streams(): number {
    return this.listeners.size;
  }

  /** Recent events in the order they arrived, then the last health report and market snapshot. */
  backlog(): LiveMessage[] {
    const events = [...this.backlogs.values()].flat().sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    return [...events, ...(this.lastHealth ? [this.lastHealth] : []), ...(this.lastMarkets ? [this.lastMarkets] : [])];
  }

  onModuleDestroy(): void {
    for (const listener of [...this.listeners]) listener.close('shutdown');
    this.listeners.clear();
    this.stop();
  }

  private start(): void {
    this.subscriptions = LIVE_EVENTS.map((contract) =>
      this.nc.subscribe(contract.subject, {
        callback: (error, msg) => {
          if (!error) this.relay(contract, msg.string());
        },
      }),
    );
    void this.pollHealth();
    this.healthTimer = setInterval(() => void this.pollHealth(), this.config.LIVE_HEALTH_SECONDS * 1000);
    void this.pollMarkets();
    this.marketsTimer = setInterval(() => void this.pollMarkets(), this.config.LIVE_MARKETS_SECONDS * 1000);
  }

  private stop(): void {
    clearInterval(this.healthTimer);
    clearInterval(this.marketsTimer);
    clearTimeout(this.lingerTimer);
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    // What happened while nobody listened is unknown: never show a backlog with a gap in it.
    this.backlogs.clear();
    this.lastHealth = undefined;
    this.lastMarkets = undefined;
    this.lastMarketsBody = undefined;
  }

  private relay(contract: EventContract, raw: string): void {
    let envelope: { id: string } | undefined;
    try {
      const parsed = contract.envelope.safeParse(JSON.parse(raw));
      if (parsed.success) envelope = parsed.data;
    } catch {
      // not JSON: refused below
    }
    if (!envelope) {
      this.refused++;
      return;
    }
    if (this.seen.has(envelope.id)) return;
    this.remember(envelope.id);
    this.relayed++;
    const message: LiveMessage = { event: contract.subject, data: raw };
    this.order.set(message, this.arrival++);
    const limit = this.config.LIVE_BACKLOG_PER_SUBJECT;
    if (limit > 0) {
      const backlog = this.backlogs.get(contract.subject) ?? [];
      backlog.push(message);
      if (backlog.length > limit) backlog.shift();
      this.backlogs.set(contract.subject, backlog);
    }
    this.broadcast(message);
  }

  private remember(id: string): void {
    this.seen.add(id);
    this.seenOrder.push(id);
    if (this.seenOrder.length > DEDUP_WINDOW) this.seen.delete(this.seenOrder.shift()!);
  }

  private async pollHealth(): Promise<void> {
    try {
      const report: LiveHealth = { at: new Date(), services: await this.health.check() };
      if (this.subscriptions.length === 0) return; // stopped meanwhile
      this.lastHealth = { event: 'health', data: JSON.stringify(liveHealth.encode(report)) };
      this.broadcast(this.lastHealth);
    } catch (error) {
      this.logger.warn(`health poll failed: ${(error as Error).message}`);
    }
  }

  private async pollMarkets(): Promise<void> {
    // A slow market must not pile up reads: a look still running skips the next one.
    if (this.marketsBusy) return;
    this.marketsBusy = true;
    try {
      const { at, ...rest } = liveMarkets.encode(await this.markets.snapshot());
      if (this.subscriptions.length === 0) return; // stopped meanwhile
      const body = JSON.stringify(rest);
      if (body === this.lastMarketsBody) return;
      this.marketsFailing = false;
      this.lastMarketsBody = body;
      this.lastMarkets = { event: 'markets', data: JSON.stringify({ at, ...rest }) };
      this.broadcast(this.lastMarkets);
    } catch (error) {
      if (!this.marketsFailing) this.logger.warn(`market snapshot failed: ${(error as Error).message}`);
      this.marketsFailing = true;
    } finally {
      this.marketsBusy = false;
    }
  }

  private broadcast(message: LiveMessage): void {
    for (const listener of this.listeners) listener.deliver(message);
  }
}
