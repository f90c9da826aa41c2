import {
  AmpoolClient,
  newKeyHolder,
  registerDevice,
  registerParticipant,
  rotateKey,
  signingWith,
  type Credentials,
  type RegisteredParticipant,
  type ResponseHeaders,
} from '@ampool/client';
import { connect } from '@nats-io/transport-node';
import { DeviceStatusChanged, registrationStatement } from '@ampool/contracts';
import { signEd25519 } from '@ampool/crypto';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { signRequest } from '@ampool/http-signature';
import { eventually, query, startTestSystem, type TestSystem } from '@ampool/testing';

/** Identity and security through the gateway, with every service running. */
describe('identity and security', () => {
  let sys: TestSystem;
  let operator: Credentials;
  const send = (method: string, path: string, body: unknown, as?: RegisteredParticipant | Credentials) =>
    sys.client.send(method, path, body, as === undefined ? undefined : 'key' in as ? signingWith(as.key) : as) as Promise<{ status: number; body: any; headers: ResponseHeaders }>;

  beforeAll(async () => {
    sys = await startTestSystem();
    operator = await sys.operator();
  });
  afterAll(() => sys?.stop());

  function interval(): string {
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 60_000) start = nextIntervalStartMs(start);
    return new Date(start).toISOString();
  }

  // A sell names the seller's device: registered once the participant is active.
  const devices = new Map<string, string>();
  const UNREGISTERED_DEVICE = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
  const withDevice = async (p: RegisteredParticipant) => {
    if (!devices.has(p.did)) devices.set(p.did, (await registerDevice(sys.client, { did: p.did, key: p.key }, 'pv_inverter', { powerW: 40_000n, capacityWh: 0n, reserveWh: 0n })).did);
  };
  const sellOrder = (p: RegisteredParticipant) => ({
    id: uuidv7(), participant: p.did, side: 'sell', zone: 'north', intervalStart: interval(), quantityWh: '1000', limitPriceMicroPerKwh: '200000',
    device: devices.get(p.did) ?? UNREGISTERED_DEVICE,
  });

  describe('registration', () => {
    it('proves possession of the key with the challenge and starts pending until an operator approves', async () => {
      const p = await registerParticipant(sys.client, 'household', 'Roof D');
      expect(p.status).toBe('pending');
      expect(p.did).toBe(p.key.keyId);
      const refused = await send('POST', '/v1/energy/orders', sellOrder(p), p);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'PARTICIPANT_NOT_ACTIVE' });
      const approved = await send('POST', `/v1/participants/${p.did}/approve`, { reason: 'checked' }, operator);
      expect(approved.body.participant.status).toBe('active');
      await withDevice(p);
      expect((await send('POST', '/v1/energy/orders', sellOrder(p), p)).status).toBe(201);
      const audit = await query(sys.db.url, `SELECT actor, action FROM identity.audit WHERE target = $1`, [p.did]);
      expect(audit).toEqual([{ actor: expect.stringMatching(/^operator:/), action: 'participant.approve' }]);
    });

    it('refuses a wrong signature, a reused challenge and a challenge issued for another key', async () => {
      const key = newKeyHolder();
      const { challengeId, challenge } = (await send('POST', '/v1/identity/challenges', { publicKey: key.publicKeyB64 })).body;
      const statement = registrationStatement({ challenge, publicKey: key.publicKeyB64, role: 'household', displayName: 'X' });
      const wrong = Buffer.from(signEd25519(newKeyHolder().secretKey, statement)).toString('base64url');
      const bad = await send('POST', '/v1/participants', { publicKey: key.publicKeyB64, role: 'household', displayName: 'X', challengeId, signature: wrong });
      expect(bad.body.code).toBe('PROOF_INVALID');
      const signature = Buffer.from(signEd25519(key.secretKey, statement)).toString('base64url');
      expect((await send('POST', '/v1/participants', { publicKey: key.publicKeyB64, role: 'household', displayName: 'X', challengeId, signature })).status).toBe(201);

      const other = newKeyHolder();
      const reuse = await send('POST', '/v1/participants', { publicKey: other.publicKeyB64, role: 'household', displayName: 'Y', challengeId, signature });
      expect(reuse.body.code).toBe('CHALLENGE_INVALID');
    });

    it('refuses a small-order public key', async () => {
      const identity = Buffer.alloc(32);
      identity[0] = 1; // the neutral element: it "signs" everything
      const res = await send('POST', '/v1/identity/challenges', { publicKey: identity.toString('base64url') });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    });
  });

  describe('signed requests', () => {
    it('refuses a replayed request and one created more than five minutes ago', async () => {
      const p = await sys.participant();
      const url = `${sys.gatewayUrl}/v1/participants/${p.did}`;
      const headers = await signRequest({ method: 'GET', url }, p.key);
      expect((await fetch(url, { headers })).status).toBe(200);
      const replay = await fetch(url, { headers });
      expect([replay.status, ((await replay.json()) as { code: string }).code]).toEqual([401, 'NONCE_REPLAYED']);
      const old = await signRequest({ method: 'GET', url }, p.key, { createdMs: Date.now() - 6 * 60_000 });
      const expired = await fetch(url, { headers: old });
      expect([expired.status, ((await expired.json()) as { code: string }).code]).toEqual([401, 'SIGNATURE_EXPIRED']);
    });

    it('refuses a body changed after signing, and an unknown key', async () => {
      const p = await sys.participant();
      const url = `${sys.gatewayUrl}/v1/energy/orders`;
      const body = JSON.stringify(sellOrder(p));
      const headers = await signRequest({ method: 'POST', url, body }, p.key);
      const tampered = await fetch(url, { method: 'POST', headers, body: body.replace('"1000"', '"9000"') });
      expect([tampered.status, ((await tampered.json()) as { code: string }).code]).toEqual([401, 'DIGEST_MISMATCH']);
      const stranger = newKeyHolder();
      const res = await sys.client.send('GET', `/v1/participants/${p.did}`, undefined, signingWith(stranger));
      expect([res.status, (res.body as any).code]).toEqual([401, 'KEY_UNKNOWN']);
    });

    it('lets a participant act only on what is its own', async () => {
      const a = await sys.participant();
      const b = await sys.participant();
      await withDevice(a);
      const order = await send('POST', '/v1/energy/orders', sellOrder(a), a);
      expect((await send('GET', `/v1/energy/orders/${order.body.order.id}`, undefined, b)).body.code).toBe('FORBIDDEN');
      expect((await send('GET', `/v1/participants/${a.did}`, undefined, b)).body.code).toBe('FORBIDDEN');
      expect((await send('POST', '/v1/energy/orders', { ...sellOrder(a), id: uuidv7() }, b)).body.code).toBe('FORBIDDEN');
      expect((await send('POST', `/v1/participants/${a.did}/suspend`, {}, b)).body.code).toBe('FORBIDDEN');
      expect((await send('POST', '/v1/deposits', { id: uuidv7(), participant: b.did, amountMicro: '1' }, b)).body.code).toBe('FORBIDDEN');
      expect((await send('GET', `/v1/energy/orders/${order.body.order.id}`, undefined, operator)).status).toBe(200);
    });
  });

  describe('suspension and revocation', () => {
    it('cancels a suspended participant’s open orders, refuses new ones, and allows them again after reinstatement', async () => {
      const p = await sys.participant();
      await withDevice(p);
      const open = (await send('POST', '/v1/energy/orders', sellOrder(p), p)).body.order;
      expect((await send('POST', `/v1/participants/${p.did}/suspend`, { reason: 'meter tampering' }, operator)).status).toBe(200);
      await eventually(async () => (await send('GET', `/v1/energy/orders/${open.id}`, undefined, operator)).body.order.status === 'cancelled', 10_000, 'the open order to be cancelled');
      const refused = await send('POST', '/v1/energy/orders', sellOrder(p), p);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'PARTICIPANT_NOT_ACTIVE' });
      expect((await send('POST', `/v1/participants/${p.did}/suspend`, {}, operator)).body.code).toBe('INVALID_TRANSITION');
      await send('POST', `/v1/participants/${p.did}/reinstate`, {}, operator);
      await eventually(async () => (await send('POST', '/v1/energy/orders', sellOrder(p), p)).status === 201, 10_000, 'orders to be accepted again');
    });

    it('refuses a revoked participant’s key within seconds, everywhere', async () => {
      const p = await sys.participant();
      expect((await send('GET', `/v1/participants/${p.did}`, undefined, p)).status).toBe(200); // now cached
      const started = Date.now();
      await send('POST', `/v1/participants/${p.did}/revoke`, { reason: 'left the community' }, operator);
      await eventually(async () => (await send('GET', `/v1/participants/${p.did}`, undefined, p)).body.code === 'KEY_REVOKED', 5_000, 'the key to be refused');
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe('devices and keys', () => {
    it('binds a device with both signatures, lets it sign its own requests, and refuses it once its owner revokes its key', async () => {
      const owner = await sys.participant();
      const device = await registerDevice(sys.client, { did: owner.did, key: owner.key }, 'battery', { powerW: 5000n, capacityWh: 13_500n, reserveWh: 1_350n });
      const own = await sys.client.send('GET', `/v1/devices/${device.did}`, undefined, signingWith(device.key));
      expect(own.status).toBe(200);
      expect((own.body as { device: unknown }).device).toMatchObject({ owner: owner.did, type: 'battery', powerW: '5000', capacityWh: '13500', reserveWh: '1350', status: 'active' });
      const revoked = await send('POST', `/v1/keys/${device.did}/revoke`, { reason: 'sold the battery' }, owner);
      expect(revoked.body).toEqual({ key: device.did, status: 'revoked' });
      await eventually(async () => ((await sys.client.send('GET', `/v1/devices/${device.did}`, undefined, signingWith(device.key))).body as { code?: string }).code === 'KEY_REVOKED', 5_000, 'the device key to be refused');
    });

    it('suspends and reinstates a device: audited, announced, its sells and signed requests refused meanwhile', async () => {
      const nc = await connect(sys.natsAdmin);
      const announced: { did: string; from: string; to: string; reason: string }[] = [];
      nc.subscribe(DeviceStatusChanged.subject, { callback: (_e, msg) => void announced.push(DeviceStatusChanged.envelope.parse(msg.json()).data) });
      try {
        const p = await sys.participant();
        const device = await registerDevice(sys.client, { did: p.did, key: p.key }, 'pv_inverter', { powerW: 40_000n, capacityWh: 0n, reserveWh: 0n });
        devices.set(p.did, device.did);
        expect((await sys.client.send('GET', `/v1/devices/${device.did}`, undefined, signingWith(device.key))).status).toBe(200); // now cached
        expect((await send('POST', '/v1/energy/orders', sellOrder(p), p)).status).toBe(201);

        expect((await send('POST', `/v1/devices/${device.did}/suspend`, {}, p)).body.code).toBe('FORBIDDEN');
        const suspended = await send('POST', `/v1/devices/${device.did}/suspend`, { reason: 'inverter reports impossible output' }, operator);
        expect([suspended.status, suspended.body.device.status]).toEqual([200, 'suspended']);
        await eventually(async () => ((await sys.client.send('GET', `/v1/devices/${device.did}`, undefined, signingWith(device.key))).body as { code?: string }).code === 'DEVICE_SUSPENDED', 5_000, 'the device to be refused');
        const refused = await send('POST', '/v1/energy/orders', sellOrder(p), p);
        expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'DEVICE_NOT_OWNED' });
        expect((await send('POST', `/v1/devices/${device.did}/suspend`, {}, operator)).body.code).toBe('INVALID_TRANSITION');
        const listed = await send('GET', `/v1/devices?owner=${p.did}&status=suspended`, undefined, operator);
        expect(listed.body).toMatchObject({ devices: [{ did: device.did, owner: p.did, type: 'pv_inverter', powerW: '40000', status: 'suspended' }], next: null });

        expect((await send('POST', `/v1/devices/${device.did}/reinstate`, { reason: 'firmware fixed' }, operator)).body.device.status).toBe('active');
        expect((await send('POST', `/v1/devices/${device.did}/reinstate`, {}, operator)).body.code).toBe('INVALID_TRANSITION');
        await eventually(async () => (await sys.client.send('GET', `/v1/devices/${device.did}`, undefined, signingWith(device.key))).status === 200, 5_000, 'the device to be accepted again');
        expect((await send('POST', '/v1/energy/orders', sellOrder(p), p)).status).toBe(201);

        const audit = await query<{ action: string; details: string }>(sys.db.url, `SELECT action, details FROM identity.audit WHERE target = $1 ORDER BY seq`, [device.did]);
        expect(audit.map((a) => ({ action: a.action, details: JSON.parse(a.details) }))).toEqual([
          { action: 'device.suspend', details: { from: 'active', to: 'suspended', reason: 'inverter reports impossible output' } },
          { action: 'device.reinstate', details: { from: 'suspended', to: 'active', reason: 'firmware fixed' } },
        ]);
        await eventually(async () => announced.filter((e) => e.did === device.did).length === 2, 5_000, 'both changes to be announced');
        expect(announced.filter((e) => e.did === device.did).map((e) => [e.from, e.to])).toEqual([['active', 'suspended'], ['suspended', 'active']]);
      } finally {
        await nc.close();
      }
    });

    it('keeps a revoked device revoked and knows no unknown device', async () => {
      const owner = await sys.participant();
      const device = await registerDevice(sys.client, { did: owner.did, key: owner.key }, 'meter', { powerW: 17_000n, capacityWh: 0n, reserveWh: 0n });
      await send('POST', `/v1/keys/${device.did}/revoke`, { reason: 'meter replaced' }, owner);
      const before = await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM identity.audit`);
      for (const action of ['suspend', 'reinstate']) {
        const res = await send('POST', `/v1/devices/${device.did}/${action}`, {}, operator);
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'INVALID_TRANSITION' });
      }
      expect((await send('POST', `/v1/devices/${UNREGISTERED_DEVICE}/suspend`, {}, operator)).body.code).toBe('NOT_FOUND');
      expect((await send('POST', `/v1/devices/${device.did}/promote`, {}, operator)).body.code).toBe('NOT_FOUND');
      expect(await query(sys.db.url, `SELECT count(*)::int AS n FROM identity.audit`)).toEqual(before);
      expect((await send('GET', `/v1/devices/${device.did}`, undefined, operator)).body.device.status).toBe('revoked');
    });

    it('refuses a device whose own key did not sign the binding', async () => {
      const owner = await sys.participant();
      const device = newKeyHolder();
      const res = await send('POST', '/v1/devices', {
        owner: owner.did, publicKey: device.publicKeyB64, type: 'meter', powerW: '17000', capacityWh: '0', reserveWh: '0',
        ownerSignature: Buffer.alloc(64, 1).toString('base64url'), deviceSignature: Buffer.alloc(64, 2).toString('base64url'),
      }, owner);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'PROOF_INVALID' });
    });

    it('rotates a participant’s key: the did stays, the old key is refused, the new one works', async () => {
      const p = await sys.participant();
      const newKey = await rotateKey(sys.client, p.did, p.key);
      await eventually(async () => (await send('GET', `/v1/participants/${p.did}`, undefined, p)).body.code === 'KEY_REVOKED', 5_000, 'the old key to be refused');
      const viaNew = await sys.client.send('GET', `/v1/participants/${p.did}`, undefined, signingWith(newKey));
      expect(viaNew.status).toBe(200);
      expect((viaNew.body as { participant: unknown }).participant).toMatchObject({ did: p.did, currentKey: newKey.keyId });
    });
  });

  describe('operators in a browser', () => {
    it('log in with a password into an HttpOnly, SameSite=Strict cookie, and out again', async () => {
      const res = await sys.client.send('POST', '/v1/operator/login', sys.operatorAccount);
      expect(res.status).toBe(200);
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^ampool_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
      const cookie = { sessionCookie: setCookie.split(';')[0]! };
      expect((await send('GET', '/v1/operator/me', undefined, cookie)).body.email).toBe(sys.operatorAccount.email);
      expect((await send('POST', '/v1/operator/logout', {}, cookie)).body).toEqual({ ended: true });
      expect((await send('GET', '/v1/operator/me', undefined, cookie)).body.code).toBe('SESSION_INVALID');
    });

    it('refuse a wrong password with the same answer as an unknown email, and audit both', async () => {
      const wrong = await send('POST', '/v1/operator/login', { email: sys.operatorAccount.email, password: 'not-the-password' });
      const unknown = await send('POST', '/v1/operator/login', { email: 'nobody@example.org', password: 'whatever-it-is' });
      expect([wrong.status, wrong.body]).toEqual([401, { code: 'LOGIN_FAILED', message: 'wrong email or password' }]);
      expect([unknown.status, unknown.body]).toEqual([401, { code: 'LOGIN_FAILED', message: 'wrong email or password' }]);
      const rows = await query(sys.db.url, `SELECT count(*)::int AS n FROM identity.audit WHERE action = 'operator.login-failed'`);
      expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
    });
  });
});

describe('rate limits', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem({ services: ['identity'], gatewayEnv: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '3' } });
  });
  afterAll(() => sys?.stop());

  const client = () => new AmpoolClient(sys.gatewayUrl);
  const refill = () => new Promise((r) => setTimeout(r, 3_100));

  it('answer 429 with Retry-After once a caller has used its burst', async () => {
    await refill();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await client().send('POST', '/v1/identity/challenges', { publicKey: newKeyHolder().publicKeyB64 });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('count a signer apart from its IP address, and never throttle health probes', async () => {
    await refill();
    const p = await registerParticipant(client(), 'household', 'Roof R');
    await refill();
    for (let i = 0; i < 3; i++) await client().send('POST', '/v1/identity/challenges', { publicKey: newKeyHolder().publicKeyB64 });
    expect((await client().send('POST', '/v1/identity/challenges', { publicKey: newKeyHolder().publicKeyB64 })).status).toBe(429);
    // Same address, but a signer: its own bucket is full.
    expect((await client().send('GET', `/v1/participants/${p.did}`, undefined, signingWith(p.key))).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await client().send('GET', '/health')).status).toBe(200);
  });
});
