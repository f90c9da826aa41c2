import { hostname } from 'node:os';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cancelOrder, configureArea, marketDepth, registerDevice, submitOrder, type AreaBody, type OrderBody, type RegisteredParticipant } from '@ampool/client';
import { ENERGY_LEASE_BUCKET } from '@ampool/contracts';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { auditEnergyInterval, eventually, query, sendLikeAClient, startTestSystem, type ServiceProcess, type TestSystem } from '@ampool/testing';

const AREA = (zone: string): AreaBody => ({
  zones: [zone], intervalMinutes: 15, openAheadMinutes: 24 * 60, gateClosureMinutes: 0, closingCallMinutes: 0,
  feedInMicroPerKwh: '80000', retailMicroPerKwh: '300000', mode: 'continuous', pairs: [{ from: zone, to: zone, gridFeeMicroPerKwh: '0', transferCapacityWh: null }],
});
/** Zones of the three areas: `default` (north, south), `west` and `east`. */
const ZONE_OF_AREA: Record<string, string> = { default: 'north', west: 'west', east: 'east' };

/**
 * Two energy-market instances share the areas by leases in the ENERGY_LEASES bucket. Results
 * do not depend on which instance a request reaches; when an area's writer is SIGKILLed in
 * the middle of a burst, the other instance takes the area over from its snapshot and journal
 * and no accepted order is lost or matched twice; a new instance gets its share back.
 */
describe('the energy market on two instances', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let sellers: RegisteredParticipant[];
  let buyers: RegisteredParticipant[];
  const devices = new Map<string, string>();

  /** Who holds each area's lease now (instance names). */
  async function writers(): Promise<Map<string, string>> {
    const kv = await new Kvm(jetstream(nc)).open(ENERGY_LEASE_BUCKET);
    const out = new Map<string, string>();
    for await (const key of await kv.keys('area.>')) {
      const e = await kv.get(key);
      if (e?.operation === 'PUT') out.set(key.slice('area.'.length), e.string());
    }
    return out;
  }
  /** The process behind an instance name: the first instance is named after host and pid, the others as started. */
  const instanceNames = new Map<string, ServiceProcess>();
  function processOf(instance: string): ServiceProcess {
    const main = sys.processes.get('energy-market')!;
    if (instance === `${hostname().replace(/[^a-zA-Z0-9_-]/g, '').slice(0, 24) || 'host'}-${main.pid}`) return main;
    const extra = instanceNames.get(instance);
    if (!extra) throw new Error(`no process for instance ${instance}`);
    return extra;
  }

  /** A 15-minute interval open for trading, `later` intervals after the next one; each test uses its own. */
  function interval(later: number): string {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 120_000) start = nextIntervalStartMs(start);
    return new Date(start + later * 900_000).toISOString();
  }

  /** Places an order through the gateway, retrying a retryable failure with the same id as a client should. */
  async function place(who: RegisteredParticipant, body: OrderBody, retries: { n: number }): Promise<{ status: string; filledWh: string } | string> {
    const r = await sendLikeAClient(() => submitOrder(sys.client, who, body), { attempts: 200, delayMs: 150, onRetry: () => retries.n++ });
    return r.ok ? { status: r.value.order.status, filledWh: r.value.order.filledWh } : r.code;
  }

  beforeAll(async () => {
    sys = await startTestSystem({
      services: ['identity', 'settlement', 'energy-market'],
      serviceEnvOverrides: { 'energy-market': { AREA_LEASE_TTL_MS: '3000', AREA_LEASE_RENEW_MS: '500', SNAPSHOT_EVERY_BATCHES: '3', ENGINE_BATCH_MAX: '16' } },
    });
    instanceNames.set('energy-b', await sys.startInstance('energy-market', 'energy-b'));
    nc = await connect(sys.natsAdmin);
    const op = await sys.operator();
    await configureArea(sys.client, op, 'west', AREA('west'));
    await configureArea(sys.client, op, 'east', AREA('east'));
    sellers = await Promise.all(Array.from({ length: 3 }, () => sys.participant('household', 'seller')));
    buyers = await Promise.all(Array.from({ length: 3 }, () => sys.participant('household', 'buyer')));
    for (const b of buyers) await sys.client.post('/v1/deposits', { id: uuidv7(), participant: b.did, amountMicro: '100000000000' }, op);
    for (const s of sellers) devices.set(s.did, (await registerDevice(sys.client, s, 'pv_inverter', { powerW: 10_000_000n, capacityWh: 0n, reserveWh: 0n })).did);
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  it('shares the three areas between the two instances, one writer per area', async () => {
    const held = await eventually(async () => {
      const w = await writers();
      return w.size === 3 && new Set(w.values()).size === 2 ? w : undefined;
    }, 30_000, 'both instances to write areas');
    expect([...held.keys()].sort()).toEqual(['default', 'east', 'west']);
    const counts = [...new Set(held.values())].map((i) => [...held.values()].filter((v) => v === i).length).sort();
    expect(counts).toEqual([1, 2]);
  });

  it('gives the same results whichever instance a request reaches', async () => {
    const at = interval(0);
    const retries = { n: 0 };
    for (const [area, zone] of Object.entries(ZONE_OF_AREA)) {
      const sell = await place(sellers[0]!, { id: uuidv7(), side: 'sell', zone, intervalStart: at, quantityWh: '500', limitPriceMicroPerKwh: '100000', device: devices.get(sellers[0]!.did)! }, retries);
      expect(sell).toEqual({ status: 'open', filledWh: '0' });
      const buy = await place(buyers[0]!, { id: uuidv7(), side: 'buy', zone, intervalStart: at, quantityWh: '300', limitPriceMicroPerKwh: '120000' }, retries);
      expect({ area, buy }).toEqual({ area, buy: { status: 'filled', filledWh: '300' } });
      // The book is the same whichever instance answers (each request reaches one of the two at random).
      for (let i = 0; i < 6; i++) {
        const depth = await marketDepth(sys.client, zone, at);
        expect(depth.asks.map((l) => [l.priceMicroPerKwh, l.openWh])).toEqual([['100000', '200']]);
      }
      // A second order with the same id is the same order, wherever it lands.
      const resting = { id: uuidv7(), side: 'buy' as const, zone, intervalStart: at, quantityWh: '50', limitPriceMicroPerKwh: '90000' };
      const first = await place(buyers[1]!, resting, retries);
      for (let i = 0; i < 4; i++) expect(await place(buyers[1]!, resting, retries)).toEqual(first);
      expect((await cancelOrder(sys.client, buyers[1]!.key, resting.id)).status).toBe('cancelled');
    }
    expect(retries.n).toBe(0);
    const trades = await query<{ zone: string; n: number }>(sys.db.url, 'SELECT seller_zone AS zone, count(*)::int AS n FROM energy.trade WHERE interval_start = $1 GROUP BY 1 ORDER BY 1', [at]);
    expect(trades).toEqual([{ zone: 'east', n: 1 }, { zone: 'north', n: 1 }, { zone: 'west', n: 1 }]);
  });

  it('when an area writer is killed mid-burst, the other instance takes its areas over: no accepted order lost, none matched twice', async () => {
    const at = interval(1);
    const before = await writers();
    const victim = before.get('default')!;
    const survivor = [...new Set(before.values())].find((i) => i !== victim)!;
    const victimProcess = processOf(victim);
    const ORDERS = 240;
    const retries = { n: 0 };
    const outcome = new Map<string, { status: string; filledWh: string } | string>();
    let started = 0;
    let killed: Promise<unknown> | undefined;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < ORDERS) {
          const i = next++;
          const sell = i % 2 === 0;
          const who = sell ? sellers[i % sellers.length]! : buyers[i % buyers.length]!;
          const zone = i % 5 === 0 ? 'west' : i % 3 === 0 ? 'south' : 'north';
          const body: OrderBody = {
            id: uuidv7(), side: sell ? 'sell' : 'buy', zone, intervalStart: at, quantityWh: String(100 + (i % 7) * 50),
            limitPriceMicroPerKwh: String(sell ? 150_000 + (i % 11) * 2_000 : 160_000 + (i % 13) * 2_000),
            ...(sell ? { device: devices.get(who.did)! } : {}),
          };
          if (++started === Math.floor(ORDERS / 3)) killed = victimProcess.kill('SIGKILL');
          outcome.set(body.id, await place(who, body, retries));
        }
      }),
    );
    await killed;
    expect(retries.n).toBeGreaterThan(0); // the kill landed in the middle of the burst
    expect([...outcome.values()].filter((o) => typeof o === 'string')).toEqual([]);

    // The survivor writes every area now.
    const after = await eventually(async () => {
      const w = await writers();
      return w.size === 3 && [...w.values()].every((i) => i === survivor) ? w : undefined;
    }, 30_000, 'the surviving instance to write every area');
    expect(after.get('default')).toBe(survivor);

    const audit = await auditEnergyInterval(sys.db.url, sys.client, at, ['north', 'south', 'west']);
    expect(audit.orders.size).toBe(ORDERS);
    // Fills only ever grow after the answer; each order's fills are exactly its trades; no trade twice.
    for (const [id, seen] of outcome) expect(BigInt(audit.orders.get(id)!.filled_wh) >= BigInt((seen as { filledWh: string }).filledWh)).toBe(true);
    expect(audit.fillsNotTrades).toEqual([]);
    expect(audit.quantitiesWrong).toEqual([]);
    expect(audit.tradeIds.length).toBeGreaterThan(0);
    expect(audit.repeatedTrades).toBe(0);
    // The book the survivor rebuilt holds exactly the open orders of the database.
    expect(audit.book).toEqual(audit.database);

    // A new instance gets its share: the survivor hands areas over until both write.
    instanceNames.set('energy-c', await sys.startInstance('energy-market', 'energy-c'));
    const shared = await eventually(async () => {
      const w = await writers();
      return w.size === 3 && [...w.values()].includes('energy-c') && [...w.values()].includes(survivor) ? w : undefined;
    }, 30_000, 'the new instance to take its share');
    expect(new Set(shared.values())).toEqual(new Set([survivor, 'energy-c']));
    // And the handed-over areas trade on.
    for (const zone of ['north', 'west', 'east']) {
      const r = await place(buyers[2]!, { id: uuidv7(), side: 'buy', zone, intervalStart: at, quantityWh: '10', limitPriceMicroPerKwh: '80000' }, retries);
      expect(typeof r === 'string' ? r : r.status).toBe('open');
    }
  });
});
