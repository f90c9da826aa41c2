import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Health, LEDGER_LEASE_BUCKET, validatorLeaseKey, type HealthReport } from '@ampool/contracts';
import { entryJson, SUBMIT_SUBJECT, type SignedEntry } from '@ampool/ledger';
import { RpcClient } from '@ampool/messaging';
import { benchTradeEntry, eventually, query, repoRoot, startTestSystem, type ServiceProcess, type TestSystem } from '@ampool/testing';

/** The member run as an active instance plus a standby: market-operator, schema ledger_v2. */
const MEMBER = 1;
const NAME = 'market-operator';
const SCHEMA = 'ledger_v2';
const STANDBY = 'market-operator-standby';
const TTL_MS = 2_000;

/**
 * One ledger member run as two instances sharing its key and schema: the holder of the
 * member's lease (LEDGER_LEASES) validates, the other stands by and takes over when the holder
 * dies or stalls, from the member's schema and the streams. With another member down, the
 * quorum needs this member's signature, so the chain moves on only if the standby signs.
 */
describe('a ledger member with a standby instance', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let leases: KV;
  let rpc: RpcClient;
  let standby: ServiceProcess;

  const verify = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(repoRoot(), 'dist', 'apps', 'ledger', 'src', 'cli', 'verify.js'), '--database-url', sys.db.url, '--genesis', sys.ledgerMembers.genesisFile, '--quiet', ...args], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const benchEntry = (): SignedEntry => benchTradeEntry(sys.ledgerMembers);
  const submit = (e: SignedEntry) => js.publish(SUBMIT_SUBJECT, entryJson(e), { msgID: e.id });
  const finalLogSize = async (schema: string) =>
    Number((await query<{ n: string | null }>(sys.db.url, `SELECT max(b.log_size) AS n FROM ${schema}.block b JOIN ${schema}.finality f ON f.height = b.height`))[0]!.n ?? 0);
  const allFinal = (n: number, schemas: string[]) =>
    eventually(async () => {
      for (const s of schemas) if ((await finalLogSize(s)) < n) return false;
      return true;
    }, 45_000, `${n} entries final at ${schemas.join(', ')}`);
  const headers = async (schema: string) => (await query<{ header_json: string }>(sys.db.url, `SELECT header_json FROM ${schema}.block ORDER BY height`)).map((r) => r.header_json);
  const holder = async () => (await leases.get(validatorLeaseKey(NAME)))?.string() ?? null;
  /**
   * The health report of one instance once it reports `role` up (the `ledger` health subject
   * reaches any of them, so it asks until that instance answers).
   */
  const healthOf = (instance: string, role: 'validator' | 'standby') =>
    eventually(async () => {
      const r: HealthReport = await rpc.request(Health.ledger, {}, { timeoutMs: 2_000 });
      return r.instance === instance && r.checks[role] === 'up' ? r : undefined;
    }, 20_000, `${instance} to report itself as ${role}`);
  /** Each entry id exactly once in the schema's log. */
  const countsOf = async (schema: string, ids: string[]) =>
    (await query<{ n: string; d: string }>(sys.db.url, `SELECT count(*) AS n, count(DISTINCT id) AS d FROM ${schema}.entry WHERE id = ANY($1::uuid[])`, [ids]))[0];
  /** Submissions refused by any member (every entry these tests submit is valid). */
  const refusals = async () =>
    query<{ schema: string; entry_id: string; code: string }>(
      sys.db.url,
      `SELECT 'ledger_v1' AS schema, entry_id, code FROM ledger_v1.refusal UNION ALL SELECT 'ledger_v2', entry_id, code FROM ledger_v2.refusal UNION ALL SELECT 'ledger_v3', entry_id, code FROM ledger_v3.refusal`,
    );
  /** Heights at which a validator's signatures (as every other member received them) name two headers. */
  const equivocations = async () =>
    query<{ height: string; validator: string }>(
      sys.db.url,
      `SELECT height, validator FROM (SELECT height, validator, header_hash FROM ledger_v1.vote UNION SELECT height, validator, header_hash FROM ledger_v3.vote UNION SELECT height, validator, header_hash FROM ledger_v2.vote) v
       GROUP BY height, validator HAVING count(DISTINCT header_hash) > 1`,
    );

  beforeAll(async () => {
    sys = await startTestSystem({
      services: ['ledger'],
      gateway: false,
      ledgerBlocks: { maxEntries: 50, maxAgeMs: 150 },
      serviceEnvOverrides: { ledger: { LEDGER_LEASE_TTL_MS: String(TTL_MS), LEDGER_LEASE_RENEW_MS: '500' } },
    });
    nc = await connect({ servers: sys.natsAdmin.servers, user: sys.natsAdmin.user, pass: sys.natsAdmin.pass });
    js = jetstream(nc);
    leases = await new Kvm(js).open(LEDGER_LEASE_BUCKET);
    rpc = new RpcClient(nc, 5_000);
    standby = await sys.validators().startStandby(MEMBER, STANDBY);
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  it('boots the standby beside the active instance: it answers health as a standby and leaves the member\'s lease to the active one', async () => {
    expect(await holder()).toBe(NAME);
    const report = await healthOf(STANDBY, 'standby');
    expect(report.status).toBe('up');
    expect(report.checks).toMatchObject({ nats: 'up', jetstream: 'up', standby: 'up' });
    expect(report.checks.validator).toBeUndefined();
    const active = (await healthOf(NAME, 'validator')).checks;
    expect(active).toMatchObject({ nats: 'up', jetstream: 'up', validator: 'up' });
    expect(active.standby).toBeUndefined();
    const before = await finalLogSize('ledger_v1');
    for (let i = 0; i < 20; i++) await submit(benchEntry());
    await allFinal(before + 20, ['ledger_v1', SCHEMA, 'ledger_v3']);
  });

  it('takes over when the active instance is SIGKILLed mid-burst: the chain goes on with this member\'s signatures, nothing lost or recorded twice', async () => {
    const group = sys.validators();
    // With the auditor down, no block is final without market-operator's signature.
    await group.members[2]!.stop();
    const before = await finalLogSize('ledger_v1');
    const burst = Array.from({ length: 400 }, () => benchEntry());
    const sending = (async () => {
      for (const e of burst) await submit(e);
    })();
    await new Promise((r) => setTimeout(r, 150));
    const killedAtHeight = Number((await query<{ h: string | null }>(sys.db.url, `SELECT max(height) AS h FROM ${SCHEMA}.block`))[0]!.h ?? 0);
    await group.members[MEMBER]!.kill('SIGKILL');
    await sending;
    await eventually(async () => (await holder()) === STANDBY, 20_000, 'the standby to take the lease');
    await allFinal(before + 400, ['ledger_v1', SCHEMA]);
    await healthOf(STANDBY, 'validator');

    // Blocks after the kill were signed by the standby (the same member key) and made final with it.
    const signed = await query<{ height: string; signers: string[] }>(sys.db.url, `SELECT height, signers FROM ledger_v1.finality WHERE height > $1 ORDER BY height`, [killedAtHeight]);
    expect(signed.length).toBeGreaterThan(0);
    for (const f of signed) expect(f.signers).toEqual(['grid-operator', NAME]);

    const ids = burst.map((e) => e.id);
    for (const schema of ['ledger_v1', SCHEMA]) expect(await countsOf(schema, ids)).toEqual({ n: '400', d: '400' });
    const [a, b] = await Promise.all([headers('ledger_v1'), headers(SCHEMA)]);
    const common = Math.min(a.length, b.length);
    expect(common).toBeGreaterThan(killedAtHeight);
    expect(b.slice(0, common)).toEqual(a.slice(0, common));
    expect(await equivocations()).toEqual([]);
    expect(await refusals()).toEqual([]);
    const r = verify('--schema', SCHEMA);
    expect(r.out).toContain('ledger verified');
    expect(r.code).toBe(0);

    // The killed instance comes back as the standby now.
    const back = await group.restart(MEMBER);
    expect(back.pid).not.toBe(standby.pid);
    expect(await holder()).toBe(STANDBY);
    await healthOf(NAME, 'standby');
    await group.restart(2);
  });

  it('a stalled holder loses the lease, and when it resumes it stops validating instead of signing beside the new holder', async () => {
    // The standby validates now; the restarted first instance stands by. Stall the holder.
    expect(await holder()).toBe(STANDBY);
    const before = await finalLogSize('ledger_v1');
    const burst = Array.from({ length: 200 }, () => benchEntry());
    const sending = (async () => {
      for (const e of burst) await submit(e);
    })();
    await new Promise((r) => setTimeout(r, 100));
    // Stalled, not dead: its connections stay open and it renews nothing.
    process.kill(standby.pid, 'SIGSTOP');
    try {
      await sending;
      await eventually(async () => (await holder()) === NAME, 20_000, 'the first instance to take the lease back');
      await allFinal(before + 200, ['ledger_v1', SCHEMA, 'ledger_v3']);
    } finally {
      process.kill(standby.pid, 'SIGCONT');
    }
    // Resumed, it finds its lease gone (it went unrenewed past the time to live) and stands by,
    // without judging what it had buffered: its engine is behind the schema the other instance
    // wrote meanwhile, so it would take entries of those blocks for duplicates.
    await healthOf(STANDBY, 'standby');
    expect(standby.output()).toMatch(/lease validator\.market-operator (lost|not renewed in time)/);
    expect(await holder()).toBe(NAME);
    const more = Array.from({ length: 50 }, () => benchEntry());
    for (const e of more) await submit(e);
    await allFinal(before + 250, ['ledger_v1', SCHEMA, 'ledger_v3']);

    const ids = [...burst, ...more].map((e) => e.id);
    for (const schema of ['ledger_v1', SCHEMA, 'ledger_v3']) expect(await countsOf(schema, ids)).toEqual({ n: '250', d: '250' });
    expect(await equivocations()).toEqual([]);
    expect(await refusals()).toEqual([]);
    const r = verify();
    expect(r.out).toContain('ledger verified');
    expect(r.code).toBe(0);
  });
});
