import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookSeats, newKeyHolder, publishTrip, registerDevice, registerParticipant, signingWith, type KeyHolder, type TripBody } from '@ampool/client';
import { ErrorCode } from '@ampool/contracts';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { contentDigest, signRequest, type SigningKey } from '@ampool/http-signature';
import { settledRowCounts, startTestSystem, type TestSystem } from '@ampool/testing';

interface CorpusCase {
  name: string;
  method: string;
  path: string;
  as: string;
  body?: unknown;
  rawBody?: string;
  rawBodyBase64?: string;
  contentType?: string;
  tamper?: string;
  expect: { status: number; code: string };
}

const CORPUS_DIR = join(__dirname, 'corpus');
const cases: { file: string; c: CorpusCase }[] = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((file) => (JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as CorpusCase[]).map((c) => ({ file, c })));

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
const STACK_TRACE = /(\bat [\w$.<>]+ \(|\.[jt]s:\d+:\d+|node_modules)/;

/**
 * The bad-input corpus (test/corpus/*.json) against the real gateway and services: every
 * request is refused with its expected status and code, in JSON, without a stack trace, and
 * once the whole corpus has run no table holds a row it did not hold before (audit aside).
 */
describe('the bad-input corpus', () => {
  let sys: TestSystem;
  const actors: Record<string, { did: string; key: SigningKey } | undefined> = {};
  const values: Record<string, string> = {};
  /** Placeholders that stand for a JSON value rather than a string (`"$longRoute"`). */
  const structured: Record<string, unknown> = {};
  const cookies: Record<string, string> = {};
  let baseline: Record<string, number>;

  beforeAll(async () => {
    sys = await startTestSystem();
    const op = await sys.operator();
    cookies.operator = 'sessionCookie' in op ? op.sessionCookie : '';
    cookies.badCookie = 'ampool_session=not-a-token';
    cookies.unknownCookie = `ampool_session=${randomBytes(32).toString('base64url')}`;

    const household = await sys.participant('household', 'Roof H');
    const other = await sys.participant('household', 'Roof O');
    const rider = await sys.participant('rider', 'Rider R');
    const pending = await registerParticipant(sys.client, 'household', 'Roof P');
    const suspended = await sys.participant('household', 'Roof S');
    await sys.client.post(`/v1/participants/${suspended.did}/suspend`, { reason: 'corpus' }, op);
    const revoked = await sys.participant('household', 'Roof X');
    await sys.client.post(`/v1/participants/${revoked.did}/revoke`, { reason: 'corpus' }, op);
    const ratings = { powerW: 5000n, capacityWh: 10_000n, reserveWh: 1_000n };
    const device = await registerDevice(sys.client, household, 'battery', ratings);
    const revokedDevice = await registerDevice(sys.client, household, 'battery', ratings);
    await sys.client.post(`/v1/keys/${revokedDevice.did}/revoke`, { reason: 'corpus' }, signingWith(household.key));

    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 120_000) start = nextIntervalStartMs(start);
    const next = new Date(start).toISOString();
    const otherDevice = await registerDevice(sys.client, other, 'battery', ratings);
    const order = (p: typeof household, seller: string) =>
      sys.client.post<{ order: { id: string } }>(
        '/v1/energy/orders',
        { id: uuidv7(), participant: p.did, side: 'sell', zone: 'north', intervalStart: next, quantityWh: '1000', limitPriceMicroPerKwh: '300000', device: seller },
        signingWith(p.key),
      );
    const ownOrder = await order(household, device.did);
    const otherOrder = await order(other, otherDevice.did);

    // The ride market: a driver with a trip ahead, one that has departed, and a rider's booking.
    const driver = await sys.participant('driver', 'Driver V');
    const route: [number, number][] = [[48.85, 2.30], [48.85, 2.35], [48.85, 2.40]];
    const tripBody = (departureMs: number): TripBody => ({
      id: uuidv7(), route, departureAt: new Date(departureMs).toISOString(), arrivalAt: new Date(departureMs + 20 * 60_000).toISOString(),
      vehicleCapacity: 4, seatsOffered: 3, pricing: { kind: 'per-seat', pricePerSeatMicro: '6000000' }, maxDetourM: 0, maxDetourMinutes: 0, bookingMode: 'instant',
    });
    const trip = await publishTrip(sys.client, driver.key, tripBody(Date.now() + 48 * 3_600_000));
    const departing = await publishTrip(sys.client, driver.key, tripBody(Date.now() + 1_500));
    await sys.client.post('/v1/deposits', { id: uuidv7(), participant: rider.did, amountMicro: '100000000' }, op);
    const booking = await bookSeats(sys.client, rider.key, { id: uuidv7(), tripId: trip.id, pickup: [48.8502, 2.31], dropoff: [48.8502, 2.39], seats: 1 });
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(departing.departureAt).getTime() - Date.now() + 200)));
    Object.assign(structured, { longRoute: Array.from({ length: 1_001 }, (_, i) => [48.85, 2.3 + i * 0.0001]) });

    Object.assign(actors, {
      household, other, rider, pending, suspended, revoked, driver,
      device: { did: device.did, key: device.key },
      revokedDevice: { did: revokedDevice.did, key: revokedDevice.key },
      unknownKey: { did: newKeyHolder().keyId, key: newKeyHolder() },
    });
    Object.assign(values, {
      household: household.did, other: other.did, rider: rider.did, pending: pending.did, suspended: suspended.did, revoked: revoked.did,
      device: device.did, revokedDevice: revokedDevice.did, order: ownOrder.order.id, otherOrder: otherOrder.order.id, next,
      householdKey: (household.key as KeyHolder).publicKeyB64, deviceKey: device.key.publicKeyB64,
      zeroSignature: 'A'.repeat(86), operatorEmail: sys.operatorAccount.email,
      trip: trip.id, departedTrip: departing.id, booking: booking.id, future: new Date(Date.now() + 48 * 3_600_000).toISOString(),
      futureArrival: new Date(Date.now() + 48 * 3_600_000 + 20 * 60_000).toISOString(), past: new Date(Date.now() - 3_600_000).toISOString(),
      pastArrival: new Date(Date.now() - 3_600_000 + 20 * 60_000).toISOString(),
      long1000: 'a'.repeat(1000), long10000: 'a'.repeat(10_000), long20000: 'a'.repeat(20_000),
      recent: new Date(Date.now() - 3_600_000).toISOString(),
      huge: `{"publicKey":"${'a'.repeat(70_000)}"}`,
      deep: `{"publicKey":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
    });
    baseline = withoutAudit(await settledRowCounts(sys.db.url));
  });
  afterAll(() => sys?.stop());

  const fresh: Record<string, () => string> = { uuid: () => uuidv7(), freshKey: () => newKeyHolder().publicKeyB64 };
  const resolve = (s: string): string => (s.startsWith('$') ? (fresh[s.slice(1)]?.() ?? values[s.slice(1)] ?? s) : s);
  const deep = (v: unknown): unknown =>
    typeof v === 'string' && v.startsWith('$') && v.slice(1) in structured ? structured[v.slice(1)] : typeof v === 'string' ? resolve(v) : Array.isArray(v) ? v.map(deep) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)])) : v;

  it('has at least 80 cases, each with a known code', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    for (const { c } of cases) expect(KNOWN_CODES.has(c.expect.code)).toBe(true);
  });

  it.each(cases.map(({ file, c }) => [`${file}: ${c.name}`, c] as const))('refuses %s', async (_, c) => {
    const path = c.path.replace(/\{(\w+)\}/g, (_m, k: string) => fresh[k]?.() ?? values[k] ?? k);
    const url = `${sys.gatewayUrl}${path}`;
    let body: string | Buffer | undefined =
      c.rawBodyBase64 !== undefined ? Buffer.from(c.rawBodyBase64, 'base64') : c.rawBody !== undefined ? resolve(c.rawBody) : c.body !== undefined ? JSON.stringify(deep(c.body)) : undefined;
    let headers: Record<string, string> = body === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' };
    const method = c.method;
    let sendUrl = url;

    const actor = actors[c.as];
    if (cookies[c.as] !== undefined) headers.cookie = cookies[c.as]!;
    else if (actor) {
      const text = typeof body === 'string' ? body : undefined;
      const key = c.tamper === 'wrongKeyId' ? { keyId: actors.other!.key.keyId, secretKey: actor.key.secretKey } : actor.key;
      const now = Date.now();
      const createdMs = c.tamper === 'expired' ? now - 6 * 60_000 : c.tamper === 'future' ? now + 6 * 60_000 : now;
      const nonce = c.tamper === 'shortNonce' ? 'abc' : undefined;
      const signMethod = c.tamper === 'methodAfterSigning' ? 'PUT' : method;
      const signBody = c.tamper === 'noDigestCovered' ? undefined : text;
      headers = { ...headers, ...(await signRequest({ method: signMethod, url, body: signBody }, key, { createdMs, nonce })) };
      if (c.tamper === 'noDigestCovered' && text !== undefined) headers['content-digest'] = contentDigest(text);
      if (c.tamper === 'bodyAfterSigning' && text !== undefined) body = text.replace('"1000"', '"9000"');
      if (c.tamper === 'noSignatureInput') delete headers['signature-input'];
      if (c.tamper === 'garbageSignatureInput') headers['signature-input'] = 'sig=((((';
      if (c.tamper === 'twoSignatures') {
        headers['signature-input'] = `${headers['signature-input']}, sig2=${headers['signature-input']!.slice(4)}`;
        headers.signature = `${headers.signature}, sig2=${headers.signature!.slice(4)}`;
      }
      if (c.tamper === 'hmacAlgorithm') headers['signature-input'] = headers['signature-input']!.replace('alg="ed25519"', 'alg="hmac-sha256"');
      if (c.tamper === 'keyIdNotDid') headers['signature-input'] = headers['signature-input']!.replace(/keyid="[^"]+"/, 'keyid="alice"');
      if (c.tamper === 'queryAfterSigning') sendUrl = `${url}?extra=1`;
    }

    const send = () => fetch(sendUrl, { method, headers, body, signal: AbortSignal.timeout(15_000) });
    if (c.tamper === 'replay') expect((await send()).status).toBe(200);
    const res = await send();
    const raw = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = JSON.parse(raw) as { code: string; message: string };
    expect({ status: res.status, code: json.code }).toEqual(c.expect);
    expect(typeof json.message).toBe('string');
    expect(raw).not.toMatch(STACK_TRACE);
  });

  it('leaves no row anywhere that was not there before (operator audit aside)', async () => {
    expect(withoutAudit(await settledRowCounts(sys.db.url))).toEqual(baseline);
  });
});

/**
 * Audit trails and metering's anomaly record are security records: refusing a bad request may
 * add to them (a failed login, a forged signature), and that is the point of them.
 */
function withoutAudit(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([table]) => !table.endsWith('.audit') && table !== 'metering.anomaly'));
}
