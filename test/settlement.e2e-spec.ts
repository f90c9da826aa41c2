import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { cancelOrder, configureArea, registerDevice, signingWith, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { IntervalCorrected, IntervalFinalized } from '@ampool/contracts';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { publishClockSetting } from '@ampool/messaging';
import { eventually, query, settledRowCounts, startTestSystem, type TestSystem } from '@ampool/testing';

const MIN = 60_000;
const HOUR = 60 * MIN;
const INTERVAL = 15 * MIN;

/**
 * Money from deposit to payout through the gateway: households trade energy for the next
 * interval; metering's interval events (finalized, estimated, corrected) arrive as metering
 * publishes them; settlement (on simulated time, so an unproven interval can time out) posts or
 * voids each trade's hold by
 * the delivery rules (docs/settlement.md): seller paid minus the platform fee, the grid fee to
 * the grid operator, a shortfall bought from the utility with the seller paying up to retail,
 * an unproven interval kept waiting until a correction or its timeout.
 *
 * Settings: sellers in zone west sell at 0.18/kWh to buyers in zone east, and the market adds
 * its grid fee of 0.02/kWh between the zones (the buyer pays 0.20); platform fee 1%, retail 0.30/kWh.
 */
describe('settlement of energy deliveries through the gateway', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let operator: Credentials;
  /** Simulated time for settlement: the real clock shifted by `aheadMs`. */
  const setClock = async (aheadMs: number) => {
    const realAtMs = Date.now();
    await publishClockSetting(nc, { simAtMs: realAtMs + aheadMs, realAtMs, rate: 1 });
  };
  const api = (method: string, path: string, body: unknown, as: RegisteredParticipant | Credentials) =>
    sys.client.send(method, path, body, 'key' in as ? signingWith(as.key) : as) as Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    const shared = { CLOCK: 'shared' };
    sys = await startTestSystem({
      beforeApps: async (admin) => {
        nc = await connect(admin);
        await setClock(0);
      },
      serviceEnvOverrides: {
        settlement: {
          ...shared, GRID_FEE_MICRO_PER_KWH: '20000', PLATFORM_FEE_BPS: '100', RETAIL_MICRO_PER_KWH: '300000',
          UNPROVEN_TIMEOUT_MS: String(2 * HOUR), DELIVERY_SWEEP_MS: '200', TIMEOUT_SWEEP_MS: '200',
        },
      },
    });
    operator = await sys.operator();
    await configureArea(sys.client, operator, 'settle', {
      zones: ['west', 'east'], intervalMinutes: 15, openAheadMinutes: 48 * 60, gateClosureMinutes: 0, closingCallMinutes: 0,
      feedInMicroPerKwh: '50000', retailMicroPerKwh: '300000', mode: 'continuous',
      pairs: [
        { from: 'west', to: 'west', gridFeeMicroPerKwh: '0', transferCapacityWh: null },
        { from: 'east', to: 'east', gridFeeMicroPerKwh: '0', transferCapacityWh: null },
        { from: 'west', to: 'east', gridFeeMicroPerKwh: '20000', transferCapacityWh: null },
      ],
    });
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  const account = async (owner: string) => {
    const [row] = await query<{ cp: string; dp: string; cpe: string; dpe: string }>(
      sys.db.url,
      'SELECT credits_posted_micro::text AS cp, debits_posted_micro::text AS dp, credits_pending_micro::text AS cpe, debits_pending_micro::text AS dpe FROM settlement.account WHERE owner = $1',
      [owner],
    );
    return row && { balance: BigInt(row.cp) - BigInt(row.dp), pending: BigInt(row.dpe) };
  };
  /** Sellers of the first test, for the netting test. */
  const paid: { full?: string; short?: string } = {};
  const tradeRow = async (id: string) =>
    (await query<{ state: string; rule: string | null; delivered_wh: string | null }>(sys.db.url, 'SELECT state, rule, delivered_wh::text FROM settlement.energy_trade WHERE trade_id = $1', [id]))[0];

  /** A household with a registered meter, and a battery its sell orders name. */
  async function household(name: string) {
    const p = await sys.participant('household', name);
    const device = await registerDevice(sys.client, p, 'meter', { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n });
    const battery = await registerDevice(sys.client, p, 'battery', { powerW: 10_000n, capacityWh: 13_500n, reserveWh: 1_350n });
    return { ...p, device: { did: device.did, key: device.key }, battery: battery.did };
  }
  /** The seller's offer in zone west at 0.18/kWh (the buyer pays 0.20 with the grid fee). */
  const sellBody = (seller: { did: string; battery: string }, intervalStart: string, wh: bigint) => ({
    id: uuidv7(), participant: seller.did, side: 'sell', zone: 'west', intervalStart, quantityWh: String(wh), limitPriceMicroPerKwh: '180000', device: seller.battery,
  });
  const buyBody = (buyer: { did: string }, intervalStart: string, wh: bigint) => ({
    id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'east', intervalStart, quantityWh: String(wh), limitPriceMicroPerKwh: '250000',
  });
  async function trade(seller: RegisteredParticipant & { battery: string }, buyer: RegisteredParticipant, intervalStart: string, wh: bigint) {
    const sell = await api('POST', '/v1/energy/orders', sellBody(seller, intervalStart, wh), seller);
    expect(sell.status).toBe(201);
    const buy = await api('POST', '/v1/energy/orders', buyBody(buyer, intervalStart, wh), buyer);
    expect(buy.status).toBe(201);
    expect(buy.body.trades).toHaveLength(1);
    const t = buy.body.trades[0];
    await eventually(async () => (await api('GET', `/v1/energy/trades/${t.id}`, undefined, buyer)).body.trade.status === 'committed', 30_000, 'the trade to be held');
    return t as { id: string; valueMicro: string };
  }
  /** Metering's event for a seller's interval, published to JetStream exactly as metering's outbox relay does. */
  async function finalize(
    h: { did: string; device: { did: string } }, startMs: number, quality: 'measured' | 'estimated', exportWh: bigint, revision = 0,
    from: { did: string; type: 'meter' | 'battery' } = { did: h.device.did, type: 'meter' },
  ) {
    const base = {
      device: from.did, deviceType: from.type, owner: h.did, intervalStart: new Date(startMs), intervalMinutes: 15, importWh: 0n, exportWh, quality,
      estimated: quality === 'estimated', anomalies: [], socEndWh: null,
    };
    const contract = revision === 0 ? IntervalFinalized : IntervalCorrected;
    const data = revision === 0 ? { ...base, revision: 0 as const } : { ...base, revision, importDeltaWh: 0n, exportDeltaWh: 0n, reasons: ['late readings'] };
    const id = uuidv7();
    const envelope = (contract.envelope as { encode(v: unknown): unknown }).encode({ id, subject: contract.subject, source: 'metering', occurredAt: new Date(), data });
    await jetstream(nc).publish(contract.subject, JSON.stringify(envelope), { msgID: id });
  }
  async function deposit(did: string, micro: bigint) {
    const res = await api('POST', '/v1/deposits', { id: uuidv7(), participant: did, amountMicro: micro.toString() }, operator);
    expect(res.status).toBe(201);
  }

  it('pays a seller for delivered energy, makes a buyer whole for a shortfall, and keeps an unproven interval waiting until it is proven or times out', async () => {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < MIN) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();
    const end = start + INTERVAL;

    const full = await household('delivers in full');
    const short = await household('delivers 900 Wh of 2 kWh');
    paid.full = full.did;
    paid.short = short.did;
    const late = await household('meter silent, then proven');
    const silent = await household('meter silent for good');
    const buyers = await Promise.all([1, 2, 3, 4].map((i) => sys.participant('household', `buyer ${i}`)));
    for (const b of buyers) await deposit(b.did, 1_000_000n);

    // Four trades of 2 kWh at 0.20: 400,000 µ held on each buyer's account.
    const trades = [];
    for (const [i, seller] of [full, short, late, silent].entries()) trades.push(await trade(seller, buyers[i]!, intervalStart, 2_000n));
    for (const b of buyers) expect(await account(b.did)).toEqual({ balance: 1_000_000n, pending: 400_000n });

    // The interval is over. Metering announces each seller's interval as it does once a
    // device's readings cover it (its own suite proves that): measured, or estimated for a
    // meter that fell silent.
    const [tFull, tShort, tLate, tSilent] = trades.map((t) => t!.id);
    await finalize(full, start, 'measured', 3_000n);
    // The short seller's battery reports its own readings too (for its state of charge), and
    // first: a battery's export is not the grid connection's, so only the meter's 900 Wh counts.
    await finalize(short, start, 'measured', 3_000n, 0, { did: short.battery, type: 'battery' });
    await finalize(short, start, 'measured', 900n);
    await finalize(late, start, 'estimated', 2_100n);
    await finalize(silent, start, 'estimated', 0n);
    await eventually(async () => (await tradeRow(tFull!))?.state === 'settled' && (await tradeRow(tShort!))?.state === 'settled', 30_000, 'the measured intervals to settle');

    // Delivered in full: the seller gets 0.18 × 2 kWh less 1% (356,400 µ), the grid operator
    // 0.02 × 2 kWh (40,000 µ), the platform 3,600 µ; the buyer pays exactly the 400,000 held.
    expect(await account(full.did)).toEqual({ balance: 356_400n, pending: 0n });
    expect(await account(buyers[0]!.did)).toEqual({ balance: 600_000n, pending: 0n });
    // The trade's hold and its post are settlement's own signed entries; once a quorum made
    // their block final, settlement reports the transfers committed (on the statement).
    const [hold] = await query<{ id: string }>(sys.db.url, `SELECT id::text FROM settlement.transfer WHERE code = 'hold' AND reference_kind = 'energy.trade' AND reference_id = $1`, [tFull]);
    const [post] = await query<{ id: string; amount: string; code: string }>(sys.db.url, `SELECT id::text, amount_micro::text AS amount, code FROM settlement.transfer WHERE kind = 'post' AND pending_id = $1`, [hold!.id]);
    expect(BigInt(post!.amount)).toBeGreaterThan(0n);
    for (const schema of ['ledger_v1', 'ledger_v2', 'ledger_v3']) {
      const entries = await eventually(async () => {
        const r = await query<{ type: string; submitter: string; subject_id: string; payload: string }>(
          sys.db.url,
          `SELECT e.type, e.submitter, e.subject_id, (e.entry_json::json)->>'payload' AS payload FROM ${schema}.entry e JOIN ${schema}.finality f ON f.height = e.height
           WHERE e.subject_id = ANY($1) ORDER BY e.log_index`,
          [[hold!.id, post!.id]],
        );
        return r.length === 2 ? r : undefined;
      }, 30_000, `${schema} to hold the hold and its post in final blocks`);
      expect(entries.map((e) => [e.type, e.submitter, e.subject_id])).toEqual([
        ['settlement.hold', 'settlement', hold!.id],
        ['settlement.transfer', 'settlement', post!.id],
      ]);
      // No personal data: accounts by did:key, the amount as a decimal string.
      expect(JSON.parse(entries[1]!.payload)).toEqual({
        transferId: post!.id, kind: 'post', debit: buyers[0]!.did, credit: full.did, amountMicro: post!.amount, code: post!.code, pendingId: hold!.id, at: expect.any(String),
      });
    }
    const buyerLines = async () => {
      const r = await api('GET', `/v1/accounts/${buyers[0]!.did}/statement?from=${new Date(start - 24 * HOUR).toISOString()}&to=${new Date(end + 24 * HOUR).toISOString()}`, undefined, buyers[0]!);
      if (r.status !== 200) throw new Error(`statement: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.statement.lines as { transferId: string; ledgerCommittedAt: string | null }[];
    };
    const committed = await eventually(async () => {
      const lines = (await buyerLines()).filter((l) => l.transferId === hold!.id || l.transferId === post!.id);
      return lines.length === 2 && lines.every((l) => l.ledgerCommittedAt !== null) ? lines : undefined;
    }, 30_000, 'settlement to mark the hold and the post committed');
    expect(committed.map((l) => l.ledgerCommittedAt)).toEqual([expect.stringMatching(/^\d{4}-/), expect.stringMatching(/^\d{4}-/)]);
    expect(await query(sys.db.url, 'SELECT entry_type FROM settlement.ledger_commit WHERE subject_id = ANY($1::uuid[]) ORDER BY entry_type', [[hold!.id, post!.id]])).toEqual([
      { entry_type: 'settlement.hold' },
      { entry_type: 'settlement.transfer' },
    ]);

    // 900 Wh delivered of 2,000: the seller gets 0.18 × 0.9 less 1% = 160,380 µ; the grid 18,000 µ.
    // The buyer's missing 1.1 kWh (220,000 µ of its 400,000) goes to the utility, and the
    // seller pays the utility the rest of retail (0.30 × 1.1 = 330,000 → 110,000 µ).
    expect(await tradeRow(tShort!)).toEqual({ state: 'settled', rule: 'measured', delivered_wh: '900' });
    expect(await account(short.did)).toEqual({ balance: 160_380n - 110_000n, pending: 0n });
    expect(await account(buyers[1]!.did)).toEqual({ balance: 600_000n, pending: 0n });

    // The estimated intervals: nothing moves, the holds stay.
    await eventually(async () => (await query(sys.db.url, `SELECT 1 FROM settlement.energy_interval WHERE seller = ANY($1) AND quality = 'estimated'`, [[late.did, silent.did]])).length === 2, 30_000, 'the estimated intervals to arrive');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await tradeRow(tLate!)).toMatchObject({ state: 'open' });
    expect(await tradeRow(tSilent!)).toMatchObject({ state: 'open' });
    for (const b of buyers.slice(2)) expect(await account(b.did)).toEqual({ balance: 1_000_000n, pending: 400_000n });

    // Late readings prove one of them: metering's correction (now measured, 3 kWh) settles it in full.
    await finalize(late, start, 'measured', 3_000n, 1);
    await eventually(async () => (await tradeRow(tLate!))?.state === 'settled', 30_000, 'the corrected interval to settle');
    expect(await account(late.did)).toEqual({ balance: 356_400n, pending: 0n });

    // The other stays unproven; past its timeout (2 h after the interval, simulated time) it
    // settles as not delivered: the buyer's 400,000 µ go to the utility; retail for 2 kWh is
    // 600,000 µ, so the seller owes 200,000 µ it does not have — recorded as unpaid, never an overdraft.
    await setClock(end + 2 * HOUR + MIN - Date.now());
    await eventually(async () => (await tradeRow(tSilent!))?.state === 'settled', 30_000, 'the unproven interval to settle as undelivered');
    expect(await tradeRow(tSilent!)).toEqual({ state: 'settled', rule: 'undelivered', delivered_wh: '0' });
    expect(await account(silent.did)).toEqual({ balance: 0n, pending: 0n });
    expect(await account(buyers[3]!.did)).toEqual({ balance: 600_000n, pending: 0n });
    const [penalty] = await query<{ seller_penalty_micro: string; penalty_unpaid_micro: string }>(
      sys.db.url, 'SELECT seller_penalty_micro::text, penalty_unpaid_micro::text FROM settlement.energy_trade WHERE trade_id = $1', [tSilent]);
    expect(penalty).toEqual({ seller_penalty_micro: '200000', penalty_unpaid_micro: '200000' });

    // System accounts: fees and the utility's supply, exactly.
    expect(await account('system:platform-fee')).toEqual({ balance: 3_600n + 1_620n + 3_600n, pending: 0n });
    expect(await account('system:grid-operator')).toEqual({ balance: 40_000n + 18_000n + 40_000n, pending: 0n });
    expect(await account('system:utility')).toEqual({ balance: 220_000n + 110_000n + 400_000n, pending: 0n });

    // The seller's statement shows the delivery, the fee and the held trade, and balances.
    const from = new Date(start - 24 * HOUR).toISOString();
    const to = new Date(end + 24 * HOUR).toISOString();
    const stmt = await api('GET', `/v1/accounts/${short.did}/statement?from=${from}&to=${to}`, undefined, short);
    expect(stmt.status).toBe(200);
    expect(stmt.body.statement).toMatchObject({ openingPostedMicro: '0', closingPostedMicro: '50380', netMicro: '50380' });
    expect(Object.fromEntries(stmt.body.statement.byCode.map((c: { code: string; netMicro: string }) => [c.code, c.netMicro]))).toEqual({
      hold: '0', 'energy.delivery': '162000', 'energy.platform-fee': '-1620', 'energy.penalty': '-110000',
    });
    // Someone else's statement is not yours.
    expect((await api('GET', `/v1/accounts/${short.did}/statement?from=${from}&to=${to}`, undefined, full)).status).toBe(403);

    const check = await api('GET', '/v1/settlement/invariants', undefined, operator);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: true, problems: [], postedSumMicro: '0', pendingSumMicro: '0' });
    expect(check.body.ledgerCommittedTransfers).toBeGreaterThan(0);
  });

  it('settles nothing twice when metering events are delivered again', async () => {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const before = await settledRowCounts(sys.db.url);
    const balances = await query(sys.db.url, 'SELECT owner, credits_posted_micro::text, debits_posted_micro::text, debits_pending_micro::text FROM settlement.account ORDER BY owner');
    // Every metering event again, under fresh message ids so JetStream does not drop them.
    const info = await jsm.streams.info('EVT_METERING');
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage('EVT_METERING', { seq }).catch(() => null);
      if (m && m.subject.startsWith('evt.metering.interval.')) await js.publish(m.subject, m.data, { msgID: uuidv7() });
    }
    await eventually(async () => {
      const c = await jsm.consumers.info('EVT_METERING', 'settlement-intervals-finalized');
      const d = await jsm.consumers.info('EVT_METERING', 'settlement-intervals-corrected');
      return c.num_pending + c.num_ack_pending + d.num_pending + d.num_ack_pending === 0;
    }, 30_000, 'the replay to be consumed');
    expect(await settledRowCounts(sys.db.url)).toEqual(before);
    expect(await query(sys.db.url, 'SELECT owner, credits_posted_micro::text, debits_posted_micro::text, debits_pending_micro::text FROM settlement.account ORDER BY owner')).toEqual(balances);
  });

  it('moves money with operator transfers: a hold, a partial post, a timeout, a withdrawal — each refused input with a code and no change', async () => {
    const a = await sys.participant('household', 'payer');
    const b = await sys.participant('household', 'payee');
    await deposit(a.did, 1_000n);
    await deposit(b.did, 1n);
    const hold = uuidv7();
    const res = await api('POST', '/v1/transfers', {
      transfers: [
        { id: hold, kind: 'pending', debit: a.did, credit: b.did, amountMicro: '600', code: 'hold' },
        { id: uuidv7(), kind: 'post', pendingId: hold, amountMicro: '250', code: 'delivery' },
        { id: uuidv7(), kind: 'pending', debit: a.did, credit: b.did, amountMicro: '100', code: 'hold', timeoutMs: 1_000 },
      ],
    }, operator);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created']);
    expect(await account(a.did)).toEqual({ balance: 750n, pending: 100n });
    await eventually(async () => (await account(a.did))?.pending === 0n, 10_000, 'the timed-out hold to void itself');

    const books = () => query(sys.db.url, `SELECT (SELECT count(*) FROM settlement.transfer)::int AS transfers, (SELECT count(*) FROM settlement.audit)::int AS audits,
      (SELECT string_agg(owner || credits_posted_micro || '/' || debits_posted_micro || '/' || debits_pending_micro, ',' ORDER BY owner) FROM settlement.account) AS accounts`);
    const before = await books();
    const refused = await api('POST', '/v1/transfers', {
      transfers: [
        { id: uuidv7(), kind: 'single', debit: a.did, credit: b.did, amountMicro: '751', code: 'x', linked: true },
        { id: uuidv7(), kind: 'single', debit: a.did, credit: b.did, amountMicro: '1', code: 'x' },
        { id: uuidv7(), kind: 'post', pendingId: hold, code: 'again' },
        { id: hold, kind: 'pending', debit: a.did, credit: b.did, amountMicro: '601', code: 'hold' },
      ],
    }, operator);
    expect(refused.body.results.map((r: { reason?: string }) => r.reason)).toEqual(['INSUFFICIENT_FUNDS', 'LINKED_TRANSFER_FAILED', 'PENDING_ALREADY_POSTED', 'ID_CONFLICT']);
    expect((await api('POST', '/v1/transfers', { transfers: [{ id: uuidv7(), kind: 'single', debit: a.did, credit: b.did, amountMicro: '0', code: 'x' }] }, operator)).body.code).toBe('VALIDATION_FAILED');
    expect((await api('POST', '/v1/transfers', { transfers: [{ id: uuidv7(), kind: 'single', debit: a.did, credit: b.did, amountMicro: '1', code: 'x' }] }, a)).status).toBe(403);
    expect(await books()).toEqual(before);

    const w = { id: uuidv7(), participant: a.did, amountMicro: '700' };
    const out = await api('POST', '/v1/withdrawals', w, operator);
    expect(out.status).toBe(201);
    expect(out.body.account.availableMicro).toBe('50');
    expect((await api('POST', '/v1/withdrawals', w, operator)).status).toBe(201);
    expect(await account(a.did)).toEqual({ balance: 50n, pending: 0n });
    expect((await api('POST', '/v1/withdrawals', { ...w, amountMicro: '1' }, operator)).body.code).toBe('ID_CONFLICT');
    expect((await api('POST', '/v1/withdrawals', { ...w, id: uuidv7(), amountMicro: '51' }, operator)).body.code).toBe('INSUFFICIENT_FUNDS');
    expect((await api('GET', '/v1/settlement/invariants', undefined, operator)).body).toMatchObject({ ok: true });
  });

  it('refuses an unfunded buyer before any trade, and settles a trade that arrives after its interval against the export left', async () => {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < MIN) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();
    const seller = await household('sells twice');
    const broke = await sys.participant('household', 'no money');
    const funded = await sys.participant('household', 'funded');
    await deposit(funded.did, 1_000_000n);
    // First come: a buyer with no money — its order is refused before it can trade, since
    // the market holds the money at order time — then a funded one.
    const sell = await api('POST', '/v1/energy/orders', sellBody(seller, intervalStart, 2_000n), seller);
    expect(sell.status).toBe(201);
    const first = await api('POST', '/v1/energy/orders', buyBody(broke, intervalStart, 1_000n), broke);
    expect(first.body.code).toBe('INSUFFICIENT_FUNDS');
    const second = await api('POST', '/v1/energy/orders', buyBody(funded, intervalStart, 1_000n), funded);
    // The seller's other kWh stays unsold: withdrawn, so later buyers of this test meet their own sellers.
    expect((await cancelOrder(sys.client, seller.key, sell.body.order.id)).status).toBe('cancelled');
    await eventually(async () => (await api('GET', `/v1/energy/trades/${second.body.trades[0].id}`, undefined, funded)).body.trade.status === 'committed', 30_000, 'the second trade to be held');
    // 1 kWh exported: all of it goes to the funded trade.
    await finalize(seller, start, 'measured', 1_000n);
    await eventually(async () => (await tradeRow(second.body.trades[0].id))?.state === 'settled', 30_000, 'the funded trade to settle');
    expect(await query(sys.db.url, 'SELECT 1 FROM settlement.energy_trade WHERE buyer = $1', [broke.did])).toEqual([]);
    expect(await tradeRow(second.body.trades[0].id)).toEqual({ state: 'settled', rule: 'measured', delivered_wh: '1000' });
    expect(await account(seller.did)).toEqual({ balance: 178_200n, pending: 0n });

    // A trade settlement learns of after its interval was settled gets what export is left:
    // here the interval's 1.2 kWh, of which the earlier trade took 1 kWh.
    const other = await household('interval first');
    const buyer = await sys.participant('household', 'late buyer');
    await deposit(buyer.did, 1_000_000n);
    await finalize(other, start, 'measured', 1_200n);
    await eventually(async () => (await query(sys.db.url, `SELECT 1 FROM settlement.energy_interval WHERE seller = $1 AND state = 'settled'`, [other.did])).length === 1, 30_000, 'the empty interval to settle');
    const t1 = await trade(other, buyer, intervalStart, 1_000n);
    const t2 = await trade(other, buyer, intervalStart, 1_000n);
    await eventually(async () => (await tradeRow(t1.id))?.state === 'settled' && (await tradeRow(t2.id))?.state === 'settled', 90_000, 'the late trades to settle');
    expect([(await tradeRow(t1.id))!.delivered_wh, (await tradeRow(t2.id))!.delivered_wh].map(Number).sort((a, b) => a - b)).toEqual([200, 1000]);
    expect((await api('GET', '/v1/settlement/invariants', undefined, operator)).body).toMatchObject({ ok: true, problems: [] });
  });

  it('nets each participant\'s day into one payout, once', async () => {
    const days = (await query<{ day: string }>(sys.db.url, `SELECT DISTINCT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM settlement.transfer WHERE code LIKE 'energy.%' ORDER BY 1`)).map((d) => d.day);
    expect(days.length).toBeGreaterThan(0);
    // A day that is not over yet cannot be paid out.
    expect((await api('POST', '/v1/settlement/payouts', { day: days[days.length - 1] }, operator)).body.code).toBe('OUT_OF_RANGE');
    await setClock(Date.parse(`${days[days.length - 1]}T00:00:00.000Z`) + 25 * HOUR - Date.now());
    const run = async () => {
      const all = [];
      for (const day of days) {
        const res = await api('POST', '/v1/settlement/payouts', { day }, operator);
        expect(res.status).toBe(200);
        all.push(...res.body.payouts);
      }
      return all as { participant: string; amountMicro: string; status: string }[];
    };
    const first = await run();
    // The sellers' day: paid for their energy, less fees and penalties — one payout each.
    expect(first.filter((p) => p.participant === paid.full)).toEqual([expect.objectContaining({ amountMicro: '356400', status: 'created' })]);
    expect(first.filter((p) => p.participant === paid.short)).toEqual([expect.objectContaining({ amountMicro: '50380', status: 'created' })]);
    expect(await account(paid.full!)).toEqual({ balance: 0n, pending: 0n });
    expect(await account('system:clearing')).toBeDefined();
    const again = await run();
    expect(again.map((p) => p.status)).toEqual(first.map(() => 'exists'));
    expect((await api('GET', '/v1/settlement/invariants', undefined, operator)).body).toMatchObject({ ok: true });
  });
});
