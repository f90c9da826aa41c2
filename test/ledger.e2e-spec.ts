import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { registerDevice, signingWith, type Credentials } from '@ampool/client';
import { BookingHoldPlace, BookingHoldRelease } from '@ampool/contracts';
import { RpcClient } from '@ampool/messaging';
import { nextIntervalStartMs, uuidv7 } from '@ampool/domain';
import { didKeyFromPublicKey, publicKeyFromSecret } from '@ampool/crypto';
import { approveMembership, entryJson, labelledSecretKey, MembershipView, signEntry, signHeader, SUBMIT_SUBJECT, type Genesis, type SignedEntry } from '@ampool/ledger';
import { benchTradeEntry, eventually, query, repoRoot, startTestSystem, type TestSystem } from '@ampool/testing';

const SCHEMAS = ['ledger_v1', 'ledger_v2', 'ledger_v3'] as const;
const BUYER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SELLER = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';

/**
 * The permissioned ledger as a whole: three validator processes, each with its own schema,
 * ordered by JetStream, final at two signatures of three; proofs through the gateway checked
 * by the standalone checker; the verifier over the stored copies; faults and tampering.
 */
describe('the permissioned ledger', () => {
  let sys: TestSystem;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let operator: Credentials;
  const dist = (p: string) => join(repoRoot(), 'dist', 'apps', 'ledger', 'src', 'cli', p);
  const cli = (file: string, args: string[]) => {
    const r = spawnSync(process.execPath, [dist(file), ...args], { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '' } });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const verify = (...args: string[]) => cli('verify.js', ['--database-url', sys.db.url, '--genesis', sys.ledgerMembers.genesisFile, '--quiet', ...args]);

  const benchEntry = (): SignedEntry => benchTradeEntry(sys.ledgerMembers);
  const submit = (e: SignedEntry | string, msgID?: string) => js.publish(SUBMIT_SUBJECT, typeof e === 'string' ? e : entryJson(e), { msgID: msgID ?? (typeof e === 'string' ? uuidv7() : e.id) });
  const logSize = async (schema: string) => Number((await query<{ n: string }>(sys.db.url, `SELECT count(*) AS n FROM ${schema}.entry`))[0]!.n);
  const finalLogSize = async (schema: string) =>
    Number((await query<{ n: string | null }>(sys.db.url, `SELECT max(b.log_size) AS n FROM ${schema}.block b JOIN ${schema}.finality f ON f.height = b.height`))[0]!.n ?? 0);
  const headers = async (schema: string) => (await query<{ header_json: string }>(sys.db.url, `SELECT header_json FROM ${schema}.block ORDER BY height`)).map((r) => r.header_json);
  const allFinal = (n: number, schemas: readonly string[] = SCHEMAS) =>
    eventually(async () => {
      for (const s of schemas) if ((await finalLogSize(s)) < n) return false;
      return true;
    }, 30_000, `${n} entries final at ${schemas.join(', ')}`);

  beforeAll(async () => {
    sys = await startTestSystem({ services: ['identity', 'energy-market', 'settlement', 'metering', 'ledger'], ledgerBlocks: { maxEntries: 50, maxAgeMs: 150 } });
    operator = await sys.operator();
    nc = await connect({ servers: sys.natsAdmin.servers, user: sys.natsAdmin.user, pass: sys.natsAdmin.pass });
    js = jetstream(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await sys?.stop();
  });

  it('commits a trade, serves its inclusion proof and a consistency proof, and the standalone checker accepts them', async () => {
    const seller = await sys.participant('household', 'Roof A');
    const buyer = await sys.participant('household', 'Roof B');
    await sys.client.send('POST', '/v1/deposits', { id: uuidv7(), participant: buyer.did, amountMicro: '1000000' }, operator);
    let start = nextIntervalStartMs(Date.now());
    if (start - Date.now() < 60_000) start = nextIntervalStartMs(start);
    const intervalStart = new Date(start).toISOString();
    const battery = await registerDevice(sys.client, seller, 'battery', { powerW: 10_000n, capacityWh: 13_500n, reserveWh: 1_350n });
    const order = (p: typeof buyer, side: string) => ({ id: uuidv7(), participant: p.did, side, zone: 'north', intervalStart, quantityWh: '1000', limitPriceMicroPerKwh: '200000', ...(side === 'sell' ? { device: battery.did } : {}) });
    expect((await sys.client.send('POST', '/v1/energy/orders', order(seller, 'sell'), signingWith(seller.key))).status).toBe(201);
    const buy = (await sys.client.send('POST', '/v1/energy/orders', order(buyer, 'buy'), signingWith(buyer.key))) as { body: { trades: { id: string }[] } };
    const tradeId = buy.body.trades[0]!.id;
    await eventually(async () => {
      const r = (await sys.client.send('GET', `/v1/energy/trades/${tradeId}`, undefined, signingWith(buyer.key))) as { body: { trade: { status: string } } };
      return r.body.trade.status === 'committed';
    }, 30_000, 'the trade to be committed');

    // Each fact is signed by the service that owns it, with its own key: the trade by the
    // market, its hold by settlement; no validator submits anything.
    const signers = await eventually(async () => {
      const r = await query<{ type: string; submitter: string }>(sys.db.url, `SELECT e.type, e.submitter FROM ledger_v1.entry e WHERE e.subject_id = $1 OR e.entry_json LIKE $2 ORDER BY e.log_index`, [tradeId, `%${tradeId}%`]);
      return r.length === 2 ? r : undefined;
    }, 20_000, 'the trade and its hold on the ledger');
    expect(signers).toEqual([
      { type: 'energy.trade', submitter: 'energy-market' },
      { type: 'settlement.hold', submitter: 'settlement' },
    ]);
    const entry = ((await sys.client.send('GET', `/v1/ledger/entries/energy.trade/${tradeId}`, undefined, signingWith(buyer.key))) as { body: { entry: { id: string } } }).body.entry;
    const proof = ((await sys.client.send('GET', `/v1/ledger/log/entries/${entry.id}/proof`, undefined, signingWith(buyer.key))) as { status: number; body: any });
    expect(proof.status).toBe(200);
    const p = proof.body;
    expect(p.treeHead.signatures.length).toBeGreaterThanOrEqual(2);
    expect(p.treeHead.header.logRoot).toMatch(/^[0-9a-f]{64}$/);
    const inclusion = ['inclusion', '--leaf-hash', p.leafHash, '--index', String(p.leafIndex), '--tree-size', String(p.treeSize), '--root', p.treeHead.header.logRoot, '--proof', p.proof.join(',')];
    expect(cli('check-proof.js', inclusion)).toEqual({ code: 0, out: 'inclusion proof: valid\n' });
    // One changed hash, or another index, and the checker says no.
    const flipped = p.leafHash.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    expect(cli('check-proof.js', inclusion.map((a, i) => (i === 2 ? flipped : a))).code).toBe(1);
    expect(cli('check-proof.js', inclusion.map((a, i) => (i === 4 ? String(p.leafIndex + 1) : a))).code).toBe(1);

    // More entries, then a consistency proof from the old size to the new one.
    const oldSize = p.treeSize;
    for (let i = 0; i < 7; i++) await submit(benchEntry());
    await allFinal(oldSize + 7);
    const consistency = ((await sys.client.send('GET', `/v1/ledger/log/consistency?size1=${oldSize}&size2=${oldSize + 7}`, undefined, operator)) as { status: number; body: any });
    expect(consistency.status).toBe(200);
    const c = consistency.body;
    expect(c.root1).toBe(p.treeHead.header.logRoot);
    const args = ['consistency', '--size1', String(oldSize), '--size2', String(oldSize + 7), '--root1', c.root1, '--root2', c.root2, '--proof', c.proof.join(',')];
    expect(cli('check-proof.js', args).code).toBe(0);
    expect(cli('check-proof.js', args.map((a, i) => (i === 8 ? c.root1 : a))).code).toBe(1);
    expect(cli('check-proof.js', ['inclusion', '--index', 'x']).code).toBe(2);

    const block = ((await sys.client.send('GET', `/v1/ledger/blocks/1`, undefined, operator)) as { body: any }).body;
    expect(block.final).toBe(true);
    const status = ((await sys.client.send('GET', `/v1/ledger/status`, undefined, operator)) as { body: any }).body;
    expect(status).toMatchObject({ chainId: 'ampool-test', quorum: 2, validators: ['grid-operator', 'market-operator', 'auditor'] });
  });

  it('gives the three validators byte-identical blocks, and the verifier recomputes and accepts every copy', async () => {
    for (let i = 0; i < 120; i++) await submit(benchEntry());
    await allFinal(await logSize('ledger_v1'));
    await eventually(async () => (await headers('ledger_v1')).length > 0 && JSON.stringify(await headers('ledger_v1')) === JSON.stringify(await headers('ledger_v3')), 20_000, 'copies to agree');
    const [a, b, c] = await Promise.all(SCHEMAS.map(headers));
    const common = Math.min(a!.length, b!.length, c!.length);
    expect(common).toBeGreaterThan(2);
    expect(b!.slice(0, common)).toEqual(a!.slice(0, common));
    expect(c!.slice(0, common)).toEqual(a!.slice(0, common));
    const r = verify();
    expect(r.out).toContain('ledger verified');
    expect(r.code).toBe(0);
  });

  it('refuses an unknown type, a bad signature, an unauthorized submitter, an oversized payload and a duplicate, with a code, and records each', async () => {
    const good = benchEntry();
    const chainId = sys.ledgerMembers.chainId;
    const stranger = signEntry(chainId, { id: uuidv7(), type: 'energy.trade', payload: JSON.parse(good.payload), submitter: 'stranger' }, sys.ledgerMembers.secretKeyOf('auditor'));
    const wrongType = signEntry(chainId, { id: uuidv7(), type: 'settlement.hold', payload: { transferId: uuidv7(), reference: { kind: 'energy.trade', id: uuidv7() }, payer: BUYER, payee: SELLER, amountMicro: '1', placedAt: '2027-01-01T00:00:00.000Z' }, submitter: 'bench' }, sys.ledgerMembers.secretKeyOf('bench'));
    const huge = signEntry(chainId, { id: uuidv7(), type: 'energy.trade', payload: { ...JSON.parse(good.payload), zone: 'x'.repeat(40_000) }, submitter: 'bench' }, sys.ledgerMembers.secretKeyOf('bench'));
    // Each service's own key, validly signing a type the genesis gives to the other service.
    const tradeBySettlement = signEntry(chainId, { id: uuidv7(), type: 'energy.trade', payload: JSON.parse(benchEntry().payload), submitter: 'settlement' }, sys.ledgerMembers.secretKeyOf('settlement'));
    const transfer = { transferId: uuidv7(), kind: 'single', debit: 'system:clearing', credit: BUYER, amountMicro: '1000', code: 'deposit', pendingId: null, at: '2027-01-01T00:00:00.000Z' };
    const transferByMarket = signEntry(chainId, { id: uuidv7(), type: 'settlement.transfer', payload: transfer, submitter: 'energy-market' }, sys.ledgerMembers.secretKeyOf('energy-market'));
    const bad = [
      { ...benchEntry(), type: 'energy.gift' as never },
      { ...benchEntry(), signature: 'ab'.repeat(64) },
      stranger,
      wrongType,
      huge,
      tradeBySettlement,
      transferByMarket,
    ];
    await submit(good);
    for (const e of bad) await submit(e);
    await submit(good, uuidv7()); // same entry id past JetStream's de-duplication: the validators refuse it
    const ids = [...bad.map((e) => e.id), good.id];
    for (const schema of SCHEMAS) {
      const rows = await eventually(async () => {
        const r = await query<{ entry_id: string; code: string }>(sys.db.url, `SELECT entry_id, code FROM ${schema}.refusal WHERE entry_id = ANY($1) ORDER BY stream_seq`, [ids]);
        return r.length === 8 ? r : undefined;
      }, 20_000, `refusals recorded by ${schema}`);
      expect(rows.map((r) => r.code)).toEqual(['UNKNOWN_TYPE', 'BAD_SIGNATURE', 'UNAUTHORIZED', 'UNAUTHORIZED', 'TOO_LARGE', 'UNAUTHORIZED', 'UNAUTHORIZED', 'DUPLICATE']);
      const details = await query<{ entry_id: string; detail: string }>(sys.db.url, `SELECT entry_id, detail FROM ${schema}.refusal WHERE entry_id = ANY($1) ORDER BY stream_seq`, [[tradeBySettlement.id, transferByMarket.id]]);
      expect(details).toEqual([
        { entry_id: tradeBySettlement.id, detail: 'settlement may not submit energy.trade' },
        { entry_id: transferByMarket.id, detail: 'energy-market may not submit settlement.transfer' },
      ]);
      const kept = await eventually(async () => {
        const r = await query(sys.db.url, `SELECT id FROM ${schema}.entry WHERE id = ANY($1::uuid[])`, [ids]);
        return r.length > 0 ? r : undefined;
      }, 20_000, `the good entry stored by ${schema}`);
      expect(kept).toEqual([{ id: good.id }]);
    }
  });

  it('refuses a signature over a wrong header and records who sent it', async () => {
    const forged = signHeader(sys.ledgerMembers.chainId, 1, 'e'.repeat(64), 'auditor', sys.ledgerMembers.secretKeyOf('auditor'));
    await js.publish('ledger.votes.auditor', JSON.stringify(forged), { msgID: uuidv7() });
    for (const schema of SCHEMAS) {
      const rows = await eventually(
        async () => {
          const r = await query<{ validator: string; accepted: boolean; reason: string }>(sys.db.url, `SELECT validator, accepted, reason FROM ${schema}.vote WHERE height = 1 AND header_hash = $1`, ['e'.repeat(64)]);
          return r.length > 0 ? r : undefined;
        },
        20_000,
        `${schema} to judge the forged signature`,
      );
      expect(rows).toEqual([{ validator: 'auditor', accepted: false, reason: 'signs a header other than the one computed here' }]);
    }
    expect(verify().code).toBe(0);
  });

  it('keeps finalizing with one validator of three down; the validator catches up to identical hashes when it returns', async () => {
    const group = sys.validators();
    await group.members[2]!.stop();
    const before = await finalLogSize('ledger_v1');
    for (let i = 0; i < 60; i++) await submit(benchEntry());
    await allFinal(before + 60, ['ledger_v1', 'ledger_v2']);
    const signers = await query<{ signers: string[] }>(sys.db.url, `SELECT signers FROM ledger_v1.finality ORDER BY height DESC LIMIT 1`);
    expect(signers[0]!.signers).toEqual(['grid-operator', 'market-operator']);
    await group.restart(2);
    await allFinal(before + 60);
    const a = await headers('ledger_v1');
    await eventually(async () => (await headers('ledger_v3')).length >= a.length, 20_000, 'the auditor to catch up');
    expect((await headers('ledger_v3')).slice(0, a.length)).toEqual(a);
  });

  it('loses nothing and counts nothing twice when a validator is SIGKILLed in the middle of a burst', async () => {
    const group = sys.validators();
    const before = await finalLogSize('ledger_v1');
    const burst = Array.from({ length: 300 }, () => benchEntry());
    const sending = (async () => {
      for (const e of burst) await submit(e);
    })();
    await new Promise((r) => setTimeout(r, 150));
    await group.members[0]!.kill('SIGKILL');
    await sending;
    await allFinal(before + 300, ['ledger_v2', 'ledger_v3']);
    await group.restart(0);
    await allFinal(before + 300);
    const ids = burst.map((e) => e.id);
    for (const schema of SCHEMAS) {
      const rows = await query<{ n: string; d: string }>(sys.db.url, `SELECT count(*) AS n, count(DISTINCT id) AS d FROM ${schema}.entry WHERE id = ANY($1::uuid[])`, [ids]);
      expect(rows[0]).toEqual({ n: '300', d: '300' });
    }
    const [a, c] = await Promise.all([headers('ledger_v1'), headers('ledger_v3')]);
    const common = Math.min(a.length, c.length);
    expect(a.slice(0, common)).toEqual(c.slice(0, common));
  });

  it('records ride booking holds and their releases as settlement\'s own signed entries, once each, however often they are asked for', async () => {
    const rpc = new RpcClient(nc, 10_000);
    const rider = await sys.participant('household', 'rider');
    const driver = await sys.participant('household', 'driver');
    expect((await sys.client.send('POST', '/v1/deposits', { id: uuidv7(), participant: rider.did, amountMicro: '1000000' }, operator)).status).toBe(201);
    const bookingId = uuidv7();
    const hold = { bookingId, payer: rider.did, payee: driver.did, amountMicro: 550_000n };
    const placed = await rpc.request(BookingHoldPlace, { holds: [hold] });
    expect(placed.results[0]).toMatchObject({ status: 'held' });
    const transferId = (placed.results[0] as { transferId: string }).transferId;
    await rpc.request(BookingHoldPlace, { holds: [hold] });
    const release = { bookingId, payer: rider.did, payee: driver.did, rule: 'completed' as const, payerRefundMicro: 0n, payeePayoutMicro: 500_000n, platformFeeMicro: 50_000n };
    for (let i = 0; i < 2; i++) await rpc.request(BookingHoldRelease, { releases: [release] });
    for (const schema of SCHEMAS) {
      const rows = await eventually(async () => {
        const r = await query<{ type: string; subject_id: string; submitter: string }>(sys.db.url, `SELECT type, subject_id, submitter FROM ${schema}.entry WHERE subject_id = ANY($1) ORDER BY log_index`, [[transferId, bookingId]]);
        return r.length === 2 ? r : undefined;
      }, 20_000, `${schema} to record the booking hold and its release`);
      expect(rows).toEqual([
        { type: 'settlement.booking-hold', subject_id: transferId, submitter: 'settlement' },
        { type: 'settlement.booking-release', subject_id: bookingId, submitter: 'settlement' },
      ]);
    }
  });

  it('changes the membership only through an entry approved by a quorum, and the verifier follows it', async () => {
    const chainId = sys.ledgerMembers.chainId;
    const genesis = JSON.parse(readFileSync(sys.ledgerMembers.genesisFile, 'utf8')) as Genesis;
    const current = new MembershipView(genesis.membership);
    const meteringKey = labelledSecretKey('e2e/metering');
    const next = { ...genesis.membership, submitters: [...genesis.membership.submitters, { name: 'metering', did: didKeyFromPublicKey(publicKeyFromSecret(meteringKey)), types: ['energy.trade' as const] }] };
    const fromMetering = () => signEntry(chainId, { id: uuidv7(), type: 'energy.trade', payload: JSON.parse(benchEntry().payload), submitter: 'metering' }, meteringKey);
    const change = (approvers: string[]) =>
      signEntry(
        chainId,
        { id: uuidv7(), type: 'ledger.membership', payload: { previousMembershipHash: current.hash, membership: next, approvals: approvers.map((v) => approveMembership(chainId, current.hash, next, v, sys.ledgerMembers.secretKeyOf(v))) }, submitter: 'grid-operator' },
        sys.ledgerMembers.secretKeyOf('grid-operator'),
      );
    const early = fromMetering();
    const lonely = change(['grid-operator']);
    const approved = change(['grid-operator', 'auditor']);
    await submit(early);
    await submit(lonely);
    await submit(approved);
    const before = await finalLogSize('ledger_v1');
    await eventually(async () => (await query(sys.db.url, `SELECT 1 FROM ledger_v1.entry WHERE id = $1`, [approved.id])).length === 1, 20_000, 'the change to be stored');
    const late = fromMetering();
    await submit(late);
    await allFinal(before + 1);
    for (const schema of SCHEMAS) {
      const refused = await eventually(async () => {
        const r = await query<{ entry_id: string; code: string }>(sys.db.url, `SELECT entry_id, code FROM ${schema}.refusal WHERE entry_id = ANY($1) ORDER BY stream_seq`, [[early.id, lonely.id]]);
        return r.length === 2 ? r : undefined;
      }, 20_000, `${schema} to refuse the early entry and the unapproved change`);
      expect(refused).toEqual([{ entry_id: early.id, code: 'UNAUTHORIZED' }, { entry_id: lonely.id, code: 'MEMBERSHIP_NOT_APPROVED' }]);
      await eventually(async () => (await query(sys.db.url, `SELECT 1 FROM ${schema}.entry WHERE id = $1`, [late.id])).length === 1, 20_000, `${schema} to accept the new submitter`);
    }
    await allFinal(await logSize('ledger_v1'));
    const r = verify();
    expect(r.out).toContain('ledger verified');
    expect(r.code).toBe(0);
  });

  it('names the entry changed behind the database’s back, and a deleted block', async () => {
    await allFinal(1);
    const target = (await query<{ log_index: string; id: string; height: string }>(sys.db.url, `SELECT log_index, id, height FROM ledger_v2.entry ORDER BY log_index LIMIT 1 OFFSET 3`))[0]!;
    // The trigger refuses the change to anyone who goes through it.
    await expect(query(sys.db.url, `UPDATE ledger_v2.entry SET type = 'x' WHERE id = $1`, [target.id])).rejects.toThrow(/append-only/);
    const { Client } = await import('pg');
    const c = new Client({ connectionString: sys.db.url });
    await c.connect();
    try {
      // As the database superuser, bypassing the append-only triggers.
      await c.query('SET session_replication_role = replica');
      const changed = await c.query(`UPDATE ledger_v2.entry SET entry_json = replace(entry_json, '"energyWh\\":\\"1000', '"energyWh\\":\\"1001') WHERE id = $1`, [target.id]);
      expect(changed.rowCount).toBe(1);
      let r = verify('--schema', 'ledger_v2');
      expect(r.code).toBe(1);
      expect(r.out).toContain(`ledger_v2: FAILED at block ${target.height}, entry #${target.log_index} (${target.id})`);
      // The other copies still verify, and the comparison names nothing for them.
      expect(verify('--schema', 'ledger_v1', '--schema', 'ledger_v3').code).toBe(0);

      await c.query(`DELETE FROM ledger_v3.block WHERE height = 2`);
      r = verify('--schema', 'ledger_v3');
      expect(r.code).toBe(1);
      expect(r.out).toContain('ledger_v3: FAILED at block 2: block 2 is missing');
    } finally {
      await c.end();
    }
  });
});
