import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HoldPlaced } from '@ampool/contracts';
import { hex, publicKeyFromSecret } from '@ampool/crypto';
import { uuidv7 } from '@ampool/domain';
import { checkEntry, createGenesis, MembershipView, SUBMIT_SUBJECT, testGenesis } from '@ampool/ledger';
import { outboxEvent } from './event-envelope';
import { LedgerSubmitter } from './ledger-submitter';

const BUYER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SELLER = 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG';

describe('a service signing its own ledger entries', () => {
  const { genesis, secretOf } = testGenesis();
  let dir: string;
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ampool-submitter-'));
    file('genesis.json', JSON.stringify(genesis));
    file('settlement.key', hex(secretOf('settlement')));
    file('market.key', hex(secretOf('energy-market')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const holdRow = () =>
    outboxEvent(HoldPlaced, { transferId: uuidv7(), reference: { kind: 'energy.trade', id: uuidv7() }, payer: BUYER, payee: SELLER, amountMicro: 5_000n, placedAt: new Date('2027-01-01T00:00:00.000Z') }, 'settlement');

  it('publishes an owned event and, with it, the entry it makes, signed as the validators require', () => {
    const s = new LedgerSubmitter({ submitter: 'settlement', genesisFile: join(dir, 'genesis.json'), keyFile: join(dir, 'settlement.key'), events: [{ subject: HoldPlaced.subject, type: 'settlement.hold' }] });
    const row = holdRow();
    const [event, entry] = s.messagesFor(row);
    expect(event).toEqual({ subject: row.subject, payload: row.payload, msgID: row.id });
    expect(entry!.subject).toBe(SUBMIT_SUBJECT);
    const verdict = checkEntry(genesis.chainId, new MembershipView(genesis.membership), genesis.maxPayloadBytes, new TextEncoder().encode(entry!.payload));
    expect(verdict).toMatchObject({ ok: true, subjectId: JSON.parse(row.payload).data.transferId, entry: { type: 'settlement.hold', submitter: 'settlement', id: entry!.msgID } });
    // Published again after a crash: the same message, so JetStream and the validators keep one.
    expect(s.messagesFor(row)).toEqual([event, entry]);
    // Events it does not own as entries go out alone.
    const other = { ...row, subject: 'evt.settlement.delivery.settled.v1' };
    expect(s.messagesFor(other)).toHaveLength(1);
  });

  it('refuses to start with a key the genesis does not name, or a genesis that does not grant its types', () => {
    expect(() => new LedgerSubmitter({ submitter: 'settlement', genesisFile: join(dir, 'genesis.json'), keyFile: join(dir, 'market.key') })).toThrow(/not the key the genesis names for settlement/);
    expect(() => new LedgerSubmitter({ submitter: 'settlement', genesisFile: join(dir, 'genesis.json') })).toThrow(/go together/);
    expect(() => new LedgerSubmitter({ submitter: 'energy-market', genesisFile: join(dir, 'genesis.json'), keyFile: join(dir, 'market.key'), events: [{ subject: HoldPlaced.subject, type: 'settlement.hold' }] })).toThrow(
      /energy-market does not own ledger entries of type settlement.hold/,
    );
    const narrow = createGenesis({
      chainId: 'narrow',
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      validators: [{ name: 'auditor', publicKey: publicKeyFromSecret(secretOf('auditor')) }],
      submitters: [{ name: 'settlement', publicKey: publicKeyFromSecret(secretOf('settlement')), types: ['settlement.hold'] }],
      quorum: 1,
    });
    const narrowFile = file('narrow.json', JSON.stringify(narrow));
    expect(() => new LedgerSubmitter({ submitter: 'settlement', genesisFile: narrowFile, keyFile: join(dir, 'settlement.key') })).toThrow(/does not let settlement submit settlement.booking-hold/);
  });

  it('without a key publishes events only, and drops (with an error) entry rows it cannot sign', () => {
    const s = new LedgerSubmitter({ submitter: 'settlement', events: [{ subject: HoldPlaced.subject, type: 'settlement.hold' }] });
    expect(s.enabled).toBe(false);
    const row = holdRow();
    expect(s.messagesFor(row)).toEqual([{ subject: row.subject, payload: row.payload, msgID: row.id }]);
    expect(s.messagesFor({ id: uuidv7(), subject: SUBMIT_SUBJECT, payload: '{}' })).toEqual([]);
  });
});
