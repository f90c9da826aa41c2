import { createHash } from 'node:crypto';
import { registerDevice, signingWith, type Credentials, type RegisteredParticipant } from '@ampool/client';
import { canonicalJson } from '@ampool/crypto';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { eventually, http, query, settledRowCounts, startTestSystem, type TestSystem } from '@ampool/testing';

/**
 * One energy trade through every service, driven only through the gateway's HTTP API:
 * identity → energy market (match) → settlement (hold) → ledger (entry) → status committed.
 */
describe('an energy trade through every service', () => {
  let sys: TestSystem;
  let operator: Credentials;
  const api = (method: string, path: string, body: unknown, as: RegisteredParticipant | Credentials) =>
    sys.client.send(method, path, body, 'key' in as ? signingWith(as.key) : as) as Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    sys = await startTestSystem();
    operator = await sys.operator();
  });
  afterAll(() => sys?.stop());

  function nextInterval(): string {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 60_000) start = nextIntervalStartMs(start);
    return new Date(start).toISOString();
  }

  it('matches 2 kWh between two households, holds the money and commits the trade to the ledger', async () => {
    const seller = await sys.participant('household', 'Roof A');
    const buyer = await sys.participant('household', 'Roof B');
    expect((await api('POST', '/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: '1000000' }, operator)).status).toBe(201);
    const intervalStart = nextInterval();
    const battery = await registerDevice(sys.client, seller, 'battery', { powerW: 10_000n, capacityWh: 13_500n, reserveWh: 1_500n });

    const sell = await api('POST', '/v1/energy/orders', {
      id: uuidv7(), participant: seller.did, side: 'sell', zone: 'north', intervalStart, quantityWh: '2000', limitPriceMicroPerKwh: '200000', device: battery.did,
    }, seller);
    expect(sell.status).toBe(201);
    expect(sell.body.trades).toEqual([]);

    const buyOrder = { id: uuidv7(), participant: buyer.did, side: 'buy', zone: 'north', intervalStart, quantityWh: '2000', limitPriceMicroPerKwh: '250000' };
    const buy = await api('POST', '/v1/energy/orders', buyOrder, buyer);
    expect(buy.status).toBe(201);
    expect(buy.body.order).toMatchObject({ remainingWh: '0', status: 'filled' });
    expect(buy.body.trades).toHaveLength(1);
    const trade = buy.body.trades[0];
    // The trade executes at the resting (sell) order's price: 2 kWh × 0.20 = 0.40.
    expect(trade).toMatchObject({ buyer: buyer.did, seller: seller.did, energyWh: '2000', priceMicroPerKwh: '200000', valueMicro: '400000', status: 'matched' });

    const committed = await eventually(async () => {
      const r = await api('GET', `/v1/energy/trades/${trade.id}`, undefined, buyer);
      return r.body.trade.status === 'committed' ? r.body.trade : undefined;
    }, 30_000, 'the trade to be committed');
    expect(committed.holdTransferId).toMatch(/^[0-9a-f-]{36}$/);

    // The ledger holds the canonical JSON of exactly the trade's facts, and its SHA-256.
    const entry = (await api('GET', `/v1/ledger/entries/energy.trade/${trade.id}`, undefined, seller)).body.entry;
    const { status: _s, holdTransferId: _h, ledgerEntryHash: _l, ...facts } = committed;
    expect(entry.canonicalPayload).toBe(canonicalJson(facts));
    expect(entry.payloadHash).toBe(createHash('sha256').update(entry.canonicalPayload).digest('hex'));
    expect(committed.ledgerEntryHash).toBe(entry.payloadHash);

    // The deposit was audited with the operator who made it.
    const audit = await query(sys.db.url, `SELECT actor, action FROM settlement.audit WHERE target = $1`, [buyer.did]);
    expect(audit).toEqual([{ actor: expect.stringMatching(/^operator:/), action: 'deposit' }]);

    // The buy order's hold (2 kWh at its 0.25 limit) became the trade's hold, and once the
    // order closed its unused 0.10 went back: settlement holds exactly the trade's value.
    const account = await eventually(async () => {
      const a = (await api('GET', `/v1/accounts/${buyer.did}`, undefined, buyer)).body.account;
      return a.debitsPendingMicro === '400000' ? a : undefined;
    }, 30_000, 'the unused part of the order hold to be released');
    expect(account).toMatchObject({ creditsPostedMicro: '1000000', debitsPendingMicro: '400000', availableMicro: '600000' });
    const holds = await query<{ code: string; state: string }>(
      sys.db.url,
      `SELECT t.code, t.state FROM settlement.transfer t JOIN settlement.account a ON a.id = t.debit_account_id WHERE a.owner = $1 ORDER BY t.code`,
      [buyer.did],
    );
    expect(holds).toEqual([{ code: 'hold', state: 'pending' }, { code: 'order-hold', state: 'voided' }]);

    // A retry of the same order returns the first result; the same id with another body is a conflict.
    const retry = await api('POST', '/v1/energy/orders', buyOrder, buyer);
    expect(retry.status).toBe(201);
    expect(retry.body.trades.map((t: { id: string }) => t.id)).toEqual([trade.id]);
    const conflict = await api('POST', '/v1/energy/orders', { ...buyOrder, quantityWh: '3000' }, buyer);
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('ID_CONFLICT');
  });

  it.each([
    ['a negative quantity', { quantityWh: '-5' }, 400, 'VALIDATION_FAILED'],
    ['a quantity as a JSON number', { quantityWh: 2000 }, 400, 'VALIDATION_FAILED'],
    ['a quantity over 2^63', { quantityWh: '9223372036854775808' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { note: 'hi' }, 400, 'VALIDATION_FAILED'],
    ['a misaligned interval', { intervalStart: '2030-01-01T00:07:00.000Z' }, 422, 'INTERVAL_NOT_OPEN'],
    ['someone else as the participant', { participant: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }, 403, 'FORBIDDEN'],
  ])('refuses an order with %s, with a code, and leaves no row anywhere', async (_, change, status, code) => {
    const seller = await sys.participant('household', 'Roof C');
    const before = await settledRowCounts(sys.db.url);
    const res = await api('POST', '/v1/energy/orders', {
      id: uuidv7(), participant: seller.did, side: 'sell', zone: 'north', intervalStart: nextInterval(), quantityWh: '2000', limitPriceMicroPerKwh: '200000', ...change,
    }, seller);
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(typeof res.body.message).toBe('string');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
    expect(await settledRowCounts(sys.db.url)).toEqual(before);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await http(sys.gatewayUrl, 'POST', '/v1/energy/orders', '{"id": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('reports every service healthy', async () => {
    const res = await http(sys.gatewayUrl, 'GET', '/health/services');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.details).sort()).toEqual(['energy', 'identity', 'ledger', 'metering', 'rides', 'settlement']);
  });
});
