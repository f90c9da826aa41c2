import {
  canonicalJson,
  commit,
  CompactMerkleRange,
  didKeyFromPublicKey,
  generateKeyPair,
  inclusionProofFromSubtrees,
  leafHash,
  publicKeyFromDidKey,
  signEd25519,
  verifyCommitment,
  verifyEd25519,
  verifyInclusion,
  type SubtreeNode,
} from '@ampool/crypto';

describe('@ampool/crypto public API', () => {
  it('carries a ledger entry from signing to a verified inclusion proof', () => {
    // A participant signs an entry that names them by did:key and commits to personal data.
    const participant = generateKeyPair();
    const did = didKeyFromPublicKey(participant.publicKey);
    const personal = commit({ name: 'Ana Souza', iban: 'NL91ABNA0417164300' });
    const entry = { kind: 'ride.booked', by: did, personal: personal.commitment, seats: 2 };
    const body = new TextEncoder().encode(canonicalJson(entry));
    const signature = signEd25519(participant.secretKey, body);

    // A validator checks the signature with nothing but the entry and appends it to the log.
    expect(verifyEd25519(publicKeyFromDidKey(entry.by), body, signature)).toBe(true);
    const stored = new Map<string, Uint8Array>();
    const log = CompactMerkleRange.empty();
    const store = (nodes: SubtreeNode[]): void => nodes.forEach((n) => stored.set(`${n.level}/${n.index}`, n.hash));
    for (let i = 0; i < 5; i++) store(log.append(leafHash(new TextEncoder().encode(`earlier ${i}`))));
    const entryLeaf = leafHash(body);
    store(log.append(entryLeaf));
    store(log.append(leafHash(new TextEncoder().encode('later'))));

    // Anyone can check inclusion against the signed root, and the owner can open the commitment.
    const proof = inclusionProofFromSubtrees(5, log.size, (level, index) => stored.get(`${level}/${index}`) as Uint8Array);
    expect(verifyInclusion(entryLeaf, 5, log.size, proof, log.root())).toBe(true);
    expect(verifyCommitment({ iban: 'NL91ABNA0417164300', name: 'Ana Souza' }, personal.salt, entry.personal)).toBe(true);
  });
});
