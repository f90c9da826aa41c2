import type { AreaView, JournalCommand, JournalEntry } from '@ampool/contracts';
import { SystemClock, uuidv7 } from '@ampool/domain';
import { AreasService } from '../areas/areas.service';
import type { Journal } from './journal';
import { MarketEngine } from './market-engine.service';
import type { BatchOutcome } from './market-state';
import type { MarketRow, MarketStore } from './market-store.repository';

const DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const START = Date.now() + 3_600_000 - ((Date.now() + 3_600_000) % 900_000);
const AREA: AreaView = {
  id: 'default', zones: ['north'], intervalMinutes: 15, openAheadMinutes: 2880, gateClosureMinutes: 0, closingCallMinutes: 0,
  feedInMicroPerKwh: 1000n, retailMicroPerKwh: 1_000_000n, mode: 'continuous', pairs: [], version: 1, updatedAt: new Date(),
};

/** A journal in memory: appends take a few ms, like a JetStream round trip. */
class MemoryJournal {
  readonly entries: { seq: number; entry: JournalEntry }[] = [];
  async append(_subject: string, entry: JournalEntry): Promise<number> {
    await new Promise((r) => setTimeout(r, 2));
    this.entries.push({ seq: this.entries.length + 1, entry });
    return this.entries.length;
  }
  async read(): Promise<[]> {
    return [];
  }
}

/** A store whose writes take a while, so new commands arrive while one is in progress. */
class SlowStore {
  row?: MarketRow;
  persisted: number[] = [];
  async open(m: Omit<MarketRow, 'status' | 'appliedSeq'>): Promise<MarketRow> {
    this.row ??= { ...m, status: 'open', appliedSeq: 0 };
    return this.row;
  }
  async find(): Promise<MarketRow | null> {
    return this.row ?? null;
  }
  async snapshot(): Promise<null> {
    return null;
  }
  async openMarkets(): Promise<MarketRow[]> {
    return [];
  }
  async persist(_m: MarketRow, seq: number, _b: number, _at: Date, _out: BatchOutcome): Promise<boolean> {
    await new Promise((r) => setTimeout(r, 15));
    this.persisted.push(seq);
    return true;
  }
}

const sell = (): JournalCommand => ({
  type: 'submit', orderId: uuidv7(), participant: DID, zone: 'north', side: 'sell', quantityWh: 100n, limitPriceMicroPerKwh: 200_000n,
  timeInForce: 'GTC', minFillWh: null, device: null, deviceLimitWh: null, requestHash: 'h', holdMicro: 0n,
});

describe('the market engine host', () => {
  let engine: MarketEngine;
  let store: SlowStore;
  let journal: MemoryJournal;

  beforeEach(async () => {
    journal = new MemoryJournal();
    store = new SlowStore();
    const areas = new AreasService({} as never, {} as never, new SystemClock());
    engine = new MarketEngine(journal as unknown as Journal, store as unknown as MarketStore, areas, new SystemClock(), { batchMax: 4, snapshotEveryBatches: 1000, tickMs: 60_000 });
    await engine.onApplicationBootstrap();
  });
  afterEach(() => engine.onModuleDestroy());

  it('answers every command, also those queued while the last results were being stored', async () => {
    const market = await engine.market(AREA, START);
    const first = engine.execute(market, [sell(), sell()]);
    // Arrives while the first batch is being stored (after its journal append).
    await new Promise((r) => setTimeout(r, 8));
    const late = engine.execute(market, [sell()]);
    const outcomes = await Promise.race([Promise.all([first, late]), new Promise((_, reject) => setTimeout(() => reject(new Error('a command was never answered')), 2_000))]);
    expect((outcomes as unknown[][]).flat()).toHaveLength(3);
  });

  it('stores batches strictly in journal order while pipelining, and answers each caller with its own outcome', async () => {
    const market = await engine.market(AREA, START);
    const commands = Array.from({ length: 30 }, sell);
    const outcomes = await Promise.all(commands.map((c) => engine.execute(market, [c])));
    expect(outcomes.map(([o]) => (o!.type === 'order' ? o!.orderId : ''))).toEqual(commands.map((c) => (c.type === 'submit' ? c.orderId : '')));
    expect(store.persisted).toEqual(journal.entries.map((e) => e.seq));
    expect(journal.entries.flatMap((e) => e.entry.commands)).toHaveLength(30);
  });

  it('hands an area over gracefully: commands already queued finish, later ones are refused as retryable', async () => {
    const market = await engine.market(AREA, START);
    const queued = Array.from({ length: 12 }, () => engine.execute(market, [sell()]));
    await engine.release(AREA.id, true);
    expect((await Promise.all(queued)).flat()).toHaveLength(12);
    expect(engine.byId(market.row.id)).toBeUndefined();
    await expect(engine.execute(market, [sell()])).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('after losing an area, journals nothing more and refuses what was queued', async () => {
    const market = await engine.market(AREA, START);
    const queued = Array.from({ length: 12 }, () => engine.execute(market, [sell()]).then(() => 'done', (e: { code?: string }) => e.code));
    await new Promise((r) => setImmediate(r));
    await engine.release(AREA.id, false);
    const journaled = journal.entries.length;
    const outcomes = await Promise.all(queued);
    expect(outcomes).toContain('UPSTREAM_UNAVAILABLE');
    // At most the batch in flight at the loss reached the journal afterwards.
    expect(journal.entries.length - journaled).toBeLessThanOrEqual(1);
    expect(outcomes.filter((o) => o === 'done').length).toBe(journal.entries.flatMap((e) => e.entry.commands).length);
  });
});
