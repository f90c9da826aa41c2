import { webcrypto } from 'node:crypto';
import { canonicalJson as serverCanonicalJson, didKeyFromPublicKey, generateKeyPair } from '@ampool/crypto';
import { headerHash, signHeader, type BlockHeader } from '@ampool/ledger';
import { canonicalJson, publicKeyOfDidKey, verifyLatestFinalBlock, type BlockWire, type StatusWire } from './ledger-verify';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const CHAIN = 'ampool-test';
const validators = ['v1', 'v2', 'v3'].map((name) => {
  const { publicKey, secretKey } = generateKeyPair();
  return { name, did: didKeyFromPublicKey(publicKey), publicKey, secretKey };
});

function header(height: number, previousHeaderHash: string): BlockHeader {
  return {
    chainId: CHAIN, height, previousHeaderHash, entriesRoot: 'a'.repeat(64), entryCount: 3, logSize: height * 3, logRoot: 'b'.repeat(64),
    time: '2026-11-21T10:00:00.000Z', streamSeq: height * 4, membershipHash: 'c'.repeat(64),
  };
}

function chain(signers: string[][]) {
  const blocks: BlockWire[] = [];
  let prev = '0'.repeat(64);
  signers.forEach((who, i) => {
    const h = header(i + 1, prev);
    const hash = headerHash(h);
    const signatures = who.map((name) => {
      const v = validators.find((x) => x.name === name)!;
      return { validator: name, signature: signHeader(CHAIN, h.height, hash, name, v.secretKey).signature };
    });
    blocks.push({ header: h, headerHash: hash, signatures, final: true });
    prev = hash;
  });
  return blocks;
}

function api(blocks: BlockWire[], status: Partial<StatusWire> = {}) {
  const s: StatusWire = { chainId: CHAIN, finalHeight: blocks.length, quorum: 2, validatorKeys: validators.map(({ name, did }) => ({ name, did })), ...status };
  return async <T>(path: string): Promise<T> => {
    if (path === '/v1/ledger/status') return JSON.parse(JSON.stringify(s)) as T;
    const height = Number(/blocks\/(\d+)$/.exec(path)?.[1]);
    return JSON.parse(JSON.stringify(blocks[height - 1])) as T;
  };
}

describe('verifying the ledger in the browser', () => {
  it('writes the same canonical JSON as the ledger, and reads did:keys', () => {
    const h = header(7, 'f'.repeat(64));
    expect(canonicalJson(h)).toBe(serverCanonicalJson(h));
    expect(canonicalJson({ b: [1, 'x', null, true], a: { 'é': 'ü', A: -3 } })).toBe(serverCanonicalJson({ b: [1, 'x', null, true], a: { 'é': 'ü', A: -3 } }));
    for (const v of validators) expect([...publicKeyOfDidKey(v.did)]).toEqual([...v.publicKey]);
    expect(() => publicKeyOfDidKey('did:key:zQ3s')).toThrow();
  });

  it('accepts a final block signed by a quorum that links to the block before', async () => {
    const r = await verifyLatestFinalBlock(api(chain([['v1', 'v2', 'v3'], ['v1', 'v3']])), subtle);
    expect(r).toMatchObject({ ok: true, height: 2, validSigners: ['v1', 'v3'], quorum: 2, problems: [] });
  });

  it('names each problem: a changed header, a forged signature, too few signers, a broken link', async () => {
    const blocks = chain([['v1', 'v2'], ['v1', 'v2']]);
    const changed = structuredClone(blocks);
    changed[1]!.header.entryCount = 4;
    expect((await verifyLatestFinalBlock(api(changed), subtle)).problems.join(' | ')).toMatch(/header hash recomputes.*v1's signature does not verify/);

    const forged = structuredClone(blocks);
    forged[1]!.signatures[1]!.signature = forged[1]!.signatures[0]!.signature;
    const r = await verifyLatestFinalBlock(api(forged), subtle);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(["v2's signature does not verify", '1 valid signatures, quorum is 2']);

    const relinked = chain([['v1', 'v2'], ['v1', 'v2']]);
    relinked[0]!.header.logSize = 99;
    expect((await verifyLatestFinalBlock(api(relinked), subtle)).problems).toEqual(['block 2 does not link to block 1']);

    const stranger = structuredClone(blocks);
    stranger[1]!.signatures.push({ validator: 'mallory', signature: '00'.repeat(64) });
    expect((await verifyLatestFinalBlock(api(stranger), subtle)).problems).toEqual(['signature by mallory, who is not a validator']);
    expect((await verifyLatestFinalBlock(api([]), subtle)).problems).toEqual(['no block is final yet']);
  });
});
