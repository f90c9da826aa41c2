import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { AppError, energyJournalSubject, ErrorCode, type AreaView, type JournalCommand, type JournalEntry } from '@ampool/contracts';
import { Clock, uuidv7 } from '@ampool/domain';
import { AreasService } from '../areas/areas.service';
import { Journal } from './journal';
import { MarketState, type BatchOutcome, type CommandOutcome, type MarketStateSnapshot } from './market-state';
import { MarketStore, type MarketRow } from './market-store.repository';

/** Tuning of the engine host (from the service's configuration). */
export interface EngineOptions {
  /** Most commands journaled and applied as one batch. */
  batchMax: number;
  /** A snapshot is stored with every n-th batch of a market. */
  snapshotEveryBatches: number;
  /** How often gate closures and closing calls are checked. */
  tickMs: number;
}
export const ENGINE_OPTIONS = Symbol('ENGINE_OPTIONS');

interface Pending {
  command: JournalCommand;
  resolve: (outcome: CommandOutcome) => void;
  reject: (error: unknown) => void;
}

/** One market in memory: its state, its journal position and the commands waiting for it. */
interface Runtime {
  row: MarketRow;
  subject: string;
  state: MarketState;
  lastSeq: number;
  queue: Pending[];
  running: boolean;
  /** The state may be behind or ahead of the journal: rebuild before the next batch. */
  stale: boolean;
  /** Business time at which the last closing call or gate closure was asked for. */
  closingAskedAtMs: number;
  /** The phase as of the last batch stored in the database (the state may be one batch ahead). */
  phase: 'continuous' | 'call' | 'closed';
  /** This instance gave the market's area up: no new commands (queued ones still go through unless fenced). */
  released: boolean;
  /** This instance lost the area's lease: nothing more is journaled from here. */
  fenced: boolean;
}

/** Refusal of a command for a market this instance no longer writes: retrying reaches the new writer. */
const movedError = (areaId: string) => new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `area ${areaId} is moving to another instance; retry with the same id`);

const keyOf = (area: string, intervalStartMs: number) => `${area}|${new Date(intervalStartMs).toISOString()}`;

/**
 * Hosts one in-memory engine per market (area, delivery interval) and makes it durable.
 * Commands for a market queue up and go through in batches: (1) the batch is appended to the
 * market's journal subject in JetStream — the point of no return; (2) it is applied to the
 * in-memory state; (3) its results (orders, trades, events through the outbox) are written
 * to PostgreSQL in one transaction that also moves the market's `applied_seq`, with a
 * snapshot every few batches; (4) callers get their answers. After a crash, or whenever a
 * step fails, the market is rebuilt from its last snapshot plus the journal after it, and
 * the batches the database had not stored yet are stored then: nothing accepted is lost and
 * no result is stored twice. One instance is the writer of an area's markets: it holds the
 * area's lease (AreaLeases) and `adopt`s the area's open markets; the journal's expected
 * subject sequence refuses any second writer all the same.
 */
@Injectable()
export class MarketEngine implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(MarketEngine.name);
  private readonly runtimes = new Map<string, Runtime>();
  private readonly opening = new Map<string, Promise<Runtime>>();
  private readyPromise: Promise<void> = new Promise(() => undefined);
  private markReady!: () => void;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly journal: Journal,
    private readonly store: MarketStore,
    private readonly areas: AreasService,
    private readonly clock: Clock,
    @Inject(ENGINE_OPTIONS) private readonly options: EngineOptions,
  ) {
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
  }

  /** Resolves once every open market has been recovered. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  onApplicationBootstrap(): void {
    this.markReady();
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
  }

  /**
   * Takes an area's open markets over (its lease was just acquired): each is rebuilt from its
   * last snapshot and the journal after it, and the batches the database lacks are stored.
   */
  async adopt(areaId: string): Promise<void> {
    for (const row of await this.store.openMarkets(areaId)) {
      if (this.runtimes.has(row.id)) continue;
      const runtime = this.newRuntime(row, new MarketState(row.id, row.config));
      await this.rebuild(runtime);
      if (runtime.row.status !== 'closed') this.runtimes.set(row.id, runtime);
    }
  }

  /**
   * Gives an area's markets up. Gracefully (the lease is being handed over): commands already
   * queued are finished first. Forced (the lease was lost): queued commands are refused
   * (retryable) and nothing more is journaled by this instance.
   */
  async release(areaId: string, graceful: boolean): Promise<void> {
    const mine = [...this.runtimes.values()].filter((r) => r.row.areaId === areaId);
    for (const r of mine) {
      r.released = true;
      if (!graceful) r.fenced = true;
    }
    if (graceful) {
      const deadline = Date.now() + 10_000;
      while (mine.some((r) => r.running || r.queue.length > 0) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    }
    for (const r of mine) {
      r.fenced = true;
      if (this.runtimes.get(r.row.id) === r) this.runtimes.delete(r.row.id);
      for (const p of r.queue.splice(0)) p.reject(movedError(areaId));
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Last: the areas' leases were handed over (their queued commands finished) before this. */
  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** The market of an interval in an area, opened (its configuration frozen) if needed. */
  async market(area: AreaView, intervalStartMs: number): Promise<Runtime> {
    const id = keyOf(area.id, intervalStartMs);
    const existing = this.runtimes.get(id);
    if (existing) return existing;
    let opening = this.opening.get(id);
    if (!opening) {
      opening = this.openMarket(area, intervalStartMs).finally(() => this.opening.delete(id));
      this.opening.set(id, opening);
    }
    return opening;
  }

  /** An open market that already exists, or undefined. */
  existing(area: string, intervalStartMs: number): Runtime | undefined {
    return this.runtimes.get(keyOf(area, intervalStartMs));
  }

  /** An open market by its id (`area|interval start`). */
  byId(marketId: string): Runtime | undefined {
    return this.runtimes.get(marketId);
  }

  /** Every market in memory (open ones). */
  all(): Runtime[] {
    return [...this.runtimes.values()];
  }

  /** Queues commands for a market; resolves with each command's outcome once it is durable. */
  execute(runtime: Runtime, commands: JournalCommand[]): Promise<CommandOutcome[]> {
    if (runtime.released) return Promise.reject(movedError(runtime.row.areaId));
    const results = commands.map(
      (command) => new Promise<CommandOutcome>((resolve, reject) => runtime.queue.push({ command, resolve, reject })),
    );
    void this.drain(runtime);
    return Promise.all(results);
  }

  private async openMarket(area: AreaView, intervalStartMs: number): Promise<Runtime> {
    const id = keyOf(area.id, intervalStartMs);
    const times = this.areas.times(area, intervalStartMs);
    const row = await this.store.open({
      id, areaId: area.id, intervalStartMs, config: { ...this.areas.freeze(area, intervalStartMs), journal: uuidv7() }, callAtMs: times.callAtMs, gateClosureAtMs: times.gateClosureAtMs,
    });
    if (row.status === 'closed') throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, 'the market has closed');
    const runtime = this.newRuntime(row, new MarketState(row.id, row.config));
    await this.rebuild(runtime);
    this.runtimes.set(id, runtime);
    return runtime;
  }

  private newRuntime(row: MarketRow, state: MarketState): Runtime {
    return { row, subject: energyJournalSubject(row.areaId, row.intervalStartMs, row.config.journal), state, lastSeq: 0, queue: [], running: false, stale: false, closingAskedAtMs: 0, phase: state.phase, released: false, fenced: false };
  }

  /**
   * Rebuilds a market from its snapshot and the journal after it, storing the results of
   * every batch the database does not have yet.
   */
  private async rebuild(runtime: Runtime): Promise<void> {
    const row = (await this.store.find(runtime.row.id)) ?? runtime.row;
    runtime.row = row;
    const snap = await this.store.snapshot(row.id);
    runtime.state = snap ? MarketState.restore(row.id, row.config, snap.state) : new MarketState(row.id, row.config);
    runtime.lastSeq = snap?.seq ?? 0;
    const records = await this.journal.read(runtime.subject, runtime.lastSeq);
    for (const { seq, entry } of records) {
      const out = runtime.state.apply(entry);
      if (seq > row.appliedSeq) await this.store.persist(row, seq, entry.batch, entry.at, out, this.snapshotDue(entry.batch) ? runtime.state.snapshot() : null);
      runtime.lastSeq = seq;
      if (out.gate) runtime.row.status = 'closed';
    }
    if (records.length > 0) this.logger.log(`market ${row.id}: replayed ${records.length} journal batches after sequence ${snap?.seq ?? 0}`);
    runtime.stale = false;
    runtime.phase = runtime.state.phase;
    if (runtime.row.status === 'closed') this.runtimes.delete(row.id);
  }

  private snapshotDue(batch: number): boolean {
    return batch % this.options.snapshotEveryBatches === 0;
  }

  /**
   * Works through a market's queue. Batches are pipelined two deep: while one batch's results
   * are being stored, the next is journaled and applied; results are stored strictly in
   * journal order, and callers are answered only once their batch is stored.
   */
  private async drain(runtime: Runtime): Promise<void> {
    if (runtime.running) return;
    runtime.running = true;
    const storing: Promise<void>[] = [];
    try {
      for (;;) {
        while (runtime.queue.length > 0 && !this.stopped) {
          while (storing.length >= 2) await storing.shift();
          const batch = runtime.queue.splice(0, this.options.batchMax);
          if (runtime.stale) await Promise.all(storing.splice(0));
          const staged = await this.stage(runtime, batch);
          if (!staged) continue;
          const previous = storing.at(-1) ?? Promise.resolve();
          storing.push(previous.then(() => this.commit(runtime, batch, staged)));
        }
        await Promise.all(storing.splice(0));
        // Commands queued while the last results were being stored found the loop running:
        // look again before letting go, or they would wait for the next caller.
        if (runtime.queue.length === 0 || this.stopped) break;
      }
    } finally {
      runtime.running = false;
    }
  }

  /** Journals a batch and applies it in memory; null when it never reached the journal. */
  private async stage(runtime: Runtime, batch: Pending[]): Promise<{ seq: number; entry: JournalEntry; out: BatchOutcome; snapshot: MarketStateSnapshot | null } | null> {
    if (runtime.fenced) {
      for (const p of batch) p.reject(movedError(runtime.row.areaId));
      return null;
    }
    try {
      if (runtime.stale) await this.rebuild(runtime);
      if (runtime.row.status === 'closed') throw new AppError(ErrorCode.INTERVAL_NOT_OPEN, 'the market has closed');
    } catch (error) {
      for (const p of batch) p.reject(error instanceof AppError ? error : new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'the market is recovering; retry with the same id'));
      return null;
    }
    const entry: JournalEntry = { v: 1, market: runtime.row.id, batch: runtime.state.batches + 1, at: new Date(this.clock.now()), commands: batch.map((p) => p.command) };
    let seq: number;
    try {
      seq = await this.appendWithRetry(runtime, entry);
    } catch (error) {
      // Perhaps stored, perhaps not: the journal decides when the market is rebuilt.
      runtime.stale = true;
      this.logger.warn(`market ${runtime.row.id}: journal append failed (${(error as Error).message}); rebuilding before the next batch`);
      for (const p of batch) p.reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'the order journal is unavailable; retry with the same id'));
      return null;
    }
    try {
      const out = runtime.state.apply(entry);
      runtime.lastSeq = seq;
      if (out.gate) runtime.row.status = 'closed';
      return { seq, entry, out, snapshot: this.snapshotDue(entry.batch) ? runtime.state.snapshot() : null };
    } catch (error) {
      runtime.stale = true;
      this.logger.error(`market ${runtime.row.id}: applying batch ${entry.batch} failed (${(error as Error).message}); rebuilding`);
      for (const p of batch) p.reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'the order could not be confirmed; retry with the same id'));
      return null;
    }
  }

  /** Stores a staged batch's results and answers its callers. */
  private async commit(runtime: Runtime, batch: Pending[], staged: { seq: number; entry: JournalEntry; out: BatchOutcome; snapshot: MarketStateSnapshot | null }): Promise<void> {
    const { seq, entry, out, snapshot } = staged;
    if (runtime.stale) {
      // An earlier batch failed to store: this one is journaled and the rebuild stores it.
      for (const p of batch) p.reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'the order could not be confirmed; retry with the same id'));
      return;
    }
    try {
      await this.persistWithRetry(runtime, seq, entry, out, snapshot);
    } catch (error) {
      runtime.stale = true;
      this.logger.error(`market ${runtime.row.id}: storing batch ${entry.batch} failed (${(error as Error).message}); rebuilding`);
      for (const p of batch) p.reject(new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'the order could not be confirmed; retry with the same id'));
      return;
    }
    runtime.phase = out.phase;
    batch.forEach((p, i) => p.resolve(out.outcomes[i]!));
    if (out.gate) this.runtimes.delete(runtime.row.id);
  }

  private async appendWithRetry(runtime: Runtime, entry: JournalEntry): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.journal.append(runtime.subject, entry, runtime.lastSeq);
      } catch (error) {
        // A repeat carries the same message id, so a batch stored before the failure is not stored twice.
        if (attempt >= 3 || /wrong last sequence/i.test(String((error as Error).message))) throw error;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  private async persistWithRetry(runtime: Runtime, seq: number, entry: JournalEntry, out: BatchOutcome, snapshot: MarketStateSnapshot | null): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.persist(runtime.row, seq, entry.batch, entry.at, out, snapshot);
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  /** Closing calls and gate closures that are due, by business time. */
  private tick(): void {
    const now = this.clock.now();
    for (const runtime of this.runtimes.values()) {
      // One request at a time; asked again a second later if it failed.
      if (runtime.running || now - runtime.closingAskedAtMs < 1_000) continue;
      if (now >= runtime.row.gateClosureAtMs) {
        runtime.closingAskedAtMs = now;
        void this.execute(runtime, [{ type: 'close-gate' }]).catch((e) => this.logger.warn(`gate closure of ${runtime.row.id}: ${(e as Error).message}`));
      } else if (runtime.row.callAtMs !== null && now >= runtime.row.callAtMs && runtime.state.phase === 'continuous') {
        runtime.closingAskedAtMs = now;
        void this.execute(runtime, [{ type: 'begin-closing-call' }]).catch((e) => this.logger.warn(`closing call of ${runtime.row.id}: ${(e as Error).message}`));
      }
    }
  }
}
