import { CompactMerkleRange, fromHex, hex, verifyInclusion, inclusionProof, leafHash } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { hasQuorum, signHeader, type BlockVote } from './block';
import { ChainEngine, SUBMIT_SUBJECT, TICK_SUBJECT, type ClosedBlock, type StreamMessage } from './chain-engine';
import { derivedUuidV7, ledgerEntryId } from './derived-id';
import { signEntry, type SignedEntry, entryJson } from './entry';
import { ENTRY_TYPES } from './entry-schemas';
import { approveMembership, genesisHash, membershipHash, MembershipView, parseGenesis, type Genesis } from './genesis';
import { BENCH_SUBMITTER, ENERGY_SUBMITTER, SETTLEMENT_SUBMITTER, testGenesis } from './test-keys';
import { ChainVerifier, type StoredBlock } from './verify-chain';

const BUYER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SELLER = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';

function trade(id = uuidv7(1_800_000_000_000)) {
  return {
    id,
    buyOrderId: uuidv7(1_800_000_000_000),
    sellOrderId: uuidv7(1_800_000_000_000),
    buyer: BUYER,
    seller: SELLER,
    zone: 'feeder-1',
    sellerZone: 'feeder-1',
    buyerZone: 'feeder-1',
    intervalStart: '2027-01-15T10:00:00.000Z',
    energyWh: '1500',
    priceMicroPerKwh: '210000',
    gridFeeMicroPerKwh: '0',
    valueMicro: '315000',
    buyerCostMicro: '315000',
    executedAt: '2027-01-15T09:40:00.000Z',
  };
}

const enc = (s: string) => new TextEncoder().encode(s);

function streamOf(entries: (SignedEntry | string | { tick: number })[], startMs = 1_000, stepMs = 1): StreamMessage[] {
  return entries.map((e, i) => {
    if (typeof e === 'object' && 'tick' in e) return { seq: i + 1, timestampMs: startMs + i * stepMs, subject: TICK_SUBJECT, data: enc(String(e.tick)) };
    return { seq: i + 1, timestampMs: startMs + i * stepMs, subject: SUBMIT_SUBJECT, data: enc(typeof e === 'string' ? e : entryJson(e)) };
  });
}

function freshEngine(genesis: Genesis): ChainEngine {
  return new ChainEngine(genesis, { height: 0, previousHeaderHash: genesisHash(genesis), streamSeq: 0, log: CompactMerkleRange.empty(), membership: genesis.membership });
}

function run(engine: ChainEngine, stream: StreamMessage[]) {
  const blocks: ClosedBlock[] = [];
  const refusals = [];
  const recorded = new Set<string>();
  for (const m of stream) {
    const out = engine.process(m, (id) => recorded.has(id));
    for (const b of out.blocks) {
      blocks.push(b);
      for (const e of b.entries) recorded.add(e.entry.id);
    }
    if (out.refusal) refusals.push(out.refusal);
  }
  return { blocks, refusals };
}

describe('the permissioned ledger core', () => {
  const { genesis, secretOf } = testGenesis({ maxEntries: 3, maxAgeMs: 100 });
  const relay = (payload = trade()) => signEntry(genesis.chainId, { id: derivedUuidV7(payload.id, 'entry'), type: 'energy.trade', payload, submitter: ENERGY_SUBMITTER }, secretOf(ENERGY_SUBMITTER));

  it('round-trips the genesis through its file form and pins its hash', () => {
    const again = parseGenesis(JSON.stringify(genesis));
    expect(genesisHash(again)).toBe(genesisHash(genesis));
    expect(genesis.membership.quorum).toBe(2);
    expect(genesis.membership.validators.map((v) => v.did.startsWith('did:key:z6Mk'))).toEqual([true, true, true]);
    expect(() => parseGenesis(JSON.stringify({ ...genesis, membership: { ...genesis.membership, quorum: 1 } }))).toThrow(/majority/);
  });

  it('gives two validators fed the same stream byte-identical blocks', () => {
    const entries = Array.from({ length: 10 }, () => relay());
    const stream = streamOf([...entries.slice(0, 7), { tick: 3 }, ...entries.slice(7)]);
    const a = run(freshEngine(genesis), stream);
    const b = run(freshEngine(genesis), stream);
    expect(a.blocks.map((x) => x.json)).toEqual(b.blocks.map((x) => x.json));
    expect(a.blocks.map((x) => x.hash)).toEqual(b.blocks.map((x) => x.hash));
    // 3 + 3 by count, then the tick closes block 3 holding the 7th entry.
    expect(a.blocks.map((x) => x.header.entryCount)).toEqual([3, 3, 1, 3]);
    expect(a.blocks[1]!.header.previousHeaderHash).toBe(a.blocks[0]!.hash);
    expect(a.blocks[0]!.header.previousHeaderHash).toBe(genesisHash(genesis));
  });

  it('cuts by stream time: the first message past the age limit starts the next block', () => {
    const stream = streamOf([relay(), relay(), relay()], 1_000, 60);
    const { blocks } = run(freshEngine(genesis), stream);
    // 1000 and 1060 share a block; 1120 is 120 ms after the first entry.
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.header.entryCount).toBe(2);
    expect(blocks[0]!.header.streamSeq).toBe(2);
    expect(blocks[0]!.header.time).toBe(new Date(1_060).toISOString());
  });

  it('ignores a stale tick, so a late tick cannot split a block differently', () => {
    const { blocks } = run(freshEngine(genesis), streamOf([relay(), { tick: 7 }, relay(), { tick: 1 }]));
    expect(blocks.map((b) => b.header.entryCount)).toEqual([2]);
  });

  it('keeps one log whose root in each header proves every entry', () => {
    const entries = Array.from({ length: 7 }, () => relay());
    const { blocks } = run(freshEngine(genesis), streamOf([...entries, { tick: 3 }]));
    const last = blocks.at(-1)!.header;
    expect(last.logSize).toBe(7);
    const leaves = entries.map((e) => leafHash(enc(entryJson(e))));
    for (let i = 0; i < leaves.length; i++) {
      expect(verifyInclusion(leaves[i]!, i, 7, inclusionProof(leaves, i), fromHex(last.logRoot))).toBe(true);
    }
  });

  it('refuses and records unknown types, bad signatures, unauthorized submitters, bad schemas, oversized payloads and duplicates', () => {
    const good = relay();
    const badSig = { ...relay(), signature: '0'.repeat(128) };
    const wrongSigner = signEntry(genesis.chainId, { id: uuidv7(), type: 'settlement.hold', payload: { transferId: uuidv7(), reference: { kind: 'energy.trade', id: uuidv7() }, payer: BUYER, payee: SELLER, amountMicro: '5', placedAt: '2027-01-01T00:00:00.000Z' }, submitter: BENCH_SUBMITTER }, secretOf(BENCH_SUBMITTER));
    const stranger = signEntry(genesis.chainId, { id: uuidv7(), type: 'energy.trade', payload: trade(), submitter: 'stranger' }, secretOf('stranger'));
    const unknown = { ...relay(), type: 'energy.gift' };
    const personal = signEntry(genesis.chainId, { id: uuidv7(), type: 'energy.trade', payload: { ...trade(), buyerName: 'Alice' }, submitter: ENERGY_SUBMITTER }, secretOf(ENERGY_SUBMITTER));
    const huge = signEntry(genesis.chainId, { id: uuidv7(), type: 'energy.trade', payload: { ...trade(), zone: 'x'.repeat(40_000) }, submitter: ENERGY_SUBMITTER }, secretOf(ENERGY_SUBMITTER));
    const tampered = { ...relay(), payload: entryJson(good).slice(0, 10) };
    const { blocks, refusals } = run(freshEngine(genesis), streamOf([good, badSig, wrongSigner, stranger, unknown as SignedEntry, personal, huge, tampered, 'not json', good, { tick: 1 }]));
    expect(refusals.map((r) => r.code)).toEqual(['BAD_SIGNATURE', 'UNAUTHORIZED', 'UNAUTHORIZED', 'UNKNOWN_TYPE', 'BAD_SCHEMA', 'TOO_LARGE', 'HASH_MISMATCH', 'BAD_SCHEMA', 'DUPLICATE']);
    expect(refusals.map((r) => r.streamSeq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(refusals[5]!.entryId).toBe(huge.id);
    expect(blocks.flatMap((b) => b.entries.map((e) => e.entry.id))).toEqual([good.id]);
  });

  it('accepts each service only for its own entry types: another service\'s type is refused and recorded', () => {
    const transfer = { transferId: uuidv7(1_800_000_000_000), kind: 'post', debit: 'system:clearing', credit: SELLER, amountMicro: '315000', code: 'energy.delivery', pendingId: uuidv7(1_800_000_000_000), at: '2027-01-15T10:20:00.000Z' };
    const ownTransfer = signEntry(genesis.chainId, { id: ledgerEntryId('settlement.transfer', transfer.transferId, 0), type: 'settlement.transfer', payload: transfer, submitter: SETTLEMENT_SUBMITTER }, secretOf(SETTLEMENT_SUBMITTER));
    const ownTrade = relay();
    // Each key signs validly; only the genesis' grant differs.
    const tradeBySettlement = signEntry(genesis.chainId, { id: uuidv7(), type: 'energy.trade', payload: trade(), submitter: SETTLEMENT_SUBMITTER }, secretOf(SETTLEMENT_SUBMITTER));
    const transferByMarket = signEntry(genesis.chainId, { id: uuidv7(), type: 'settlement.transfer', payload: { ...transfer, transferId: uuidv7() }, submitter: ENERGY_SUBMITTER }, secretOf(ENERGY_SUBMITTER));
    // The settlement key under the market's name: the signature is checked against the named submitter's key.
    const impostor = signEntry(genesis.chainId, { id: uuidv7(), type: 'energy.trade', payload: trade(), submitter: ENERGY_SUBMITTER }, secretOf(SETTLEMENT_SUBMITTER));
    const withName = signEntry(genesis.chainId, { id: uuidv7(), type: 'settlement.transfer', payload: { ...transfer, transferId: uuidv7(), holderName: 'Alice' }, submitter: SETTLEMENT_SUBMITTER }, secretOf(SETTLEMENT_SUBMITTER));
    const floatAmount = signEntry(genesis.chainId, { id: uuidv7(), type: 'settlement.transfer', payload: { ...transfer, transferId: uuidv7(), amountMicro: '3.5' }, submitter: SETTLEMENT_SUBMITTER }, secretOf(SETTLEMENT_SUBMITTER));
    const { blocks, refusals } = run(freshEngine(genesis), streamOf([ownTransfer, tradeBySettlement, transferByMarket, impostor, withName, floatAmount, ownTrade, { tick: 1 }]));
    expect(refusals.map((r) => [r.code, r.entryId])).toEqual([
      ['UNAUTHORIZED', tradeBySettlement.id],
      ['UNAUTHORIZED', transferByMarket.id],
      ['BAD_SIGNATURE', impostor.id],
      ['BAD_SCHEMA', withName.id],
      ['BAD_SCHEMA', floatAmount.id],
    ]);
    expect(blocks.flatMap((b) => b.entries.map((e) => [e.entry.type, e.entry.submitter]))).toEqual([
      ['settlement.transfer', SETTLEMENT_SUBMITTER],
      ['energy.trade', ENERGY_SUBMITTER],
    ]);
    expect(blocks[0]!.entries[0]!.subjectId).toBe(transfer.transferId);
    expect(genesis.membership.submitters.map((s) => [s.name, s.types])).toEqual([
      ['energy-market', ['energy.trade']],
      ['settlement', ['settlement.hold', 'settlement.booking-hold', 'settlement.booking-release', 'settlement.transfer']],
      ['bench', ['energy.trade']],
    ]);
  });

  it('names the same fact by the same entry id, whoever submits it and however often', () => {
    const subject = uuidv7(1_800_000_000_000);
    expect(ledgerEntryId('settlement.transfer', subject, 5)).toBe(ledgerEntryId('settlement.transfer', subject, 99));
    expect(ledgerEntryId('settlement.transfer', subject, 5)).not.toBe(ledgerEntryId('settlement.hold', subject, 5));
    expect(ledgerEntryId('settlement.transfer', subject, 5).slice(0, 13)).toBe(subject.slice(0, 13));
    expect(ledgerEntryId('x', 'not-a-uuid', 1_800_000_000_000).slice(0, 13)).toBe(uuidv7(1_800_000_000_000).slice(0, 13));
  });

  it('refuses a duplicate of an entry already stored in an earlier block', () => {
    const e = relay();
    const { refusals } = run(freshEngine(genesis), streamOf([e, { tick: 1 }, e]));
    expect(refusals.map((r) => r.code)).toEqual(['DUPLICATE']);
  });

  it('changes membership only with a quorum of the current validators, from the next block on', () => {
    const current = new MembershipView(genesis.membership);
    const next = { ...genesis.membership, validators: genesis.membership.validators.slice(0, 2), quorum: 2 };
    const approve = (names: string[]) => names.map((n) => approveMembership(genesis.chainId, current.hash, next, n, secretOf(n)));
    const change = (names: string[]) =>
      signEntry(genesis.chainId, { id: uuidv7(), type: 'ledger.membership', payload: { previousMembershipHash: current.hash, membership: next, approvals: approve(names) }, submitter: 'grid-operator' }, secretOf('grid-operator'));
    const engine = freshEngine(genesis);
    const { blocks, refusals } = run(engine, streamOf([change(['grid-operator']), change(['grid-operator', 'auditor']), { tick: 1 }, relay(), { tick: 2 }]));
    expect(refusals.map((r) => r.code)).toEqual(['MEMBERSHIP_NOT_APPROVED']);
    expect(blocks[0]!.header.membershipHash).toBe(current.hash);
    expect(blocks[0]!.membershipAfter).toEqual(next);
    expect(blocks[1]!.header.membershipHash).toBe(membershipHash(next));
  });

  it('is final only with a quorum of valid signatures over the same header', () => {
    const { blocks } = run(freshEngine(genesis), streamOf([relay(), { tick: 1 }]));
    const b = blocks[0]!;
    const m = new MembershipView(genesis.membership);
    const vote = (name: string, hash = b.hash) => signHeader(genesis.chainId, 1, hash, name, secretOf(name));
    expect(hasQuorum(genesis.chainId, m, 1, b.hash, [vote('grid-operator')]).final).toBe(false);
    expect(hasQuorum(genesis.chainId, m, 1, b.hash, [vote('grid-operator'), vote('grid-operator')]).final).toBe(false);
    expect(hasQuorum(genesis.chainId, m, 1, b.hash, [vote('grid-operator'), vote('auditor', '0'.repeat(64))]).final).toBe(false);
    const forged: BlockVote = { ...vote('auditor'), validator: 'market-operator' };
    expect(hasQuorum(genesis.chainId, m, 1, b.hash, [vote('grid-operator'), forged]).final).toBe(false);
    expect(hasQuorum(genesis.chainId, m, 1, b.hash, [vote('grid-operator'), vote('auditor')])).toEqual({ final: true, signers: ['auditor', 'grid-operator'] });
  });

  describe('the verifier', () => {
    function storedChain(n: number): StoredBlock[] {
      const entries = Array.from({ length: n }, () => relay());
      const { blocks } = run(freshEngine(genesis), streamOf([...entries, { tick: Math.ceil(n / 3) }]));
      return blocks.map((b) => ({
        height: b.header.height,
        headerJson: b.json,
        headerHash: b.hash,
        entries: b.entries.map((e) => ({ logIndex: e.logIndex, id: e.entry.id, json: e.json })),
        votes: ['grid-operator', 'auditor'].map((v) => signHeader(genesis.chainId, b.header.height, b.hash, v, secretOf(v))),
      }));
    }
    const verify = (chain: StoredBlock[]) => {
      const v = new ChainVerifier(genesis);
      for (const b of chain) {
        const problem = v.check(b);
        if (problem) return problem;
      }
      return null;
    };

    it('accepts an intact chain', () => {
      expect(verify(storedChain(8))).toBeNull();
    });

    it('names the entry whose stored bytes were changed', () => {
      const chain = storedChain(8);
      const target = chain[1]!.entries[2]!;
      target.json = target.json.replace('"energyWh\\":\\"1500', '"energyWh\\":\\"1501');
      expect(verify(chain)).toMatchObject({ height: 2, logIndex: 5, entryId: target.id });
    });

    it('names a deleted block', () => {
      const chain = storedChain(8);
      chain.splice(1, 1);
      expect(verify(chain)).toMatchObject({ height: 2, message: expect.stringMatching(/block 2 is missing/) });
    });

    it('refuses a signature over a wrong header and then misses the quorum', () => {
      const chain = storedChain(3);
      chain[0]!.votes[1] = signHeader(genesis.chainId, 1, 'f'.repeat(64), 'auditor', secretOf('auditor'));
      const v = new ChainVerifier(genesis);
      expect(v.check(chain[0]!)).toMatchObject({ height: 1, message: expect.stringMatching(/only 1 valid signature/) });
      expect(v.refusedVotes).toEqual([{ height: 1, validator: 'auditor', reason: 'signed a different header' }]);
    });
  });

  it('keeps personal fields out of every entry type: participants are did:keys', () => {
    const PERSONAL = /^(name|displayName|email|phone|address|lat|lng|latitude|longitude|position|location|reading|readings|register|importWh|exportWh|polyline)$/i;
    const keysOf = (schema: unknown): string[] => {
      const s = schema as { shape?: Record<string, unknown>; def?: { shape?: Record<string, unknown>; element?: unknown; innerType?: unknown; in?: unknown } };
      const shape = s.shape ?? s.def?.shape;
      if (shape) return Object.entries(shape).flatMap(([k, v]) => [k, ...keysOf(v)]);
      if (s.def?.element) return keysOf(s.def.element);
      if (s.def?.innerType) return keysOf(s.def.innerType);
      return [];
    };
    // Membership entries name organisations (validators, services), not people.
    for (const [type, spec] of Object.entries(ENTRY_TYPES).filter(([t]) => t !== 'ledger.membership')) {
      const keys = keysOf(spec.payload);
      expect(keys.length).toBeGreaterThan(0);
      expect({ type, personal: keys.filter((k) => PERSONAL.test(k)) }).toEqual({ type, personal: [] });
    }
  });

  it('derives the same UUIDv7 from the same source, and different ones per purpose', () => {
    const id = uuidv7(1_800_000_000_000);
    expect(derivedUuidV7(id, 'entry')).toBe(derivedUuidV7(id, 'entry'));
    expect(derivedUuidV7(id, 'entry')).not.toBe(derivedUuidV7(id, 'committed'));
    expect(derivedUuidV7(id, 'entry')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuidV7(id, 'entry').slice(0, 13)).toBe(id.slice(0, 13));
    expect(hex(new Uint8Array([1]))).toBe('01');
  });
});
