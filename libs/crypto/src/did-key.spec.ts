import fc from 'fast-check';
import { base58Decode, base58Encode } from './base58';
import { didKeyFromPublicKey, publicKeyFromDidKey } from './did-key';
import { publicKeyFromSecret } from './ed25519';
import { CryptoError } from './errors';
import { fromHex, hex } from './hex';
import { readTestdata } from '@ampool/testdata';

interface DidKeyVector {
  seed: string;
  verificationKeyPair: { publicKeyBase58?: string; publicKeyJwk?: { x: string } };
  keyAgreementKeyPair: { id: string };
}

// w3c-ccg/did-method-key test vectors: did:key → the Ed25519 seed it was made from, the raw
// public key (base58 or JWK) and the X25519 key-agreement key derived from it.
const vectors = Object.entries(JSON.parse(readTestdata('did-key/ed25519-x25519.json')) as Record<string, DidKeyVector>);

function expectInvalidDidKey(did: unknown): void {
  let thrown: unknown;
  try {
    publicKeyFromDidKey(did as string);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe('INVALID_DID_KEY');
}

describe('did:key for Ed25519', () => {
  it('reads all five W3C vectors', () => {
    expect(vectors).toHaveLength(5);
  });

  it.each(vectors)('derives %s from its seed, and the key back from it', (did, vector) => {
    const publicKey = publicKeyFromSecret(fromHex(vector.seed));
    const published = vector.verificationKeyPair.publicKeyBase58 !== undefined
      ? base58Decode(vector.verificationKeyPair.publicKeyBase58)
      : new Uint8Array(Buffer.from(vector.verificationKeyPair.publicKeyJwk?.x ?? '', 'base64url'));
    expect(hex(publicKey)).toBe(hex(published ?? new Uint8Array()));
    expect(didKeyFromPublicKey(publicKey)).toBe(did);
    expect(hex(publicKeyFromDidKey(did))).toBe(hex(publicKey));
  });

  it("refuses the vectors' X25519 key-agreement keys: right format, wrong multicodec", () => {
    for (const [, vector] of vectors) {
      const fragment = vector.keyAgreementKeyPair.id.split('#')[1] ?? '';
      expect(fragment.startsWith('z6LS')).toBe(true);
      expectInvalidDidKey(`did:key:${fragment}`);
    }
  });

  const good = vectors[0]?.[0] ?? '';
  const withPayload = (bytes: number[]): string => `did:key:z${base58Encode(new Uint8Array(bytes))}`;

  it.each([
    ['an empty string', ''],
    ['another DID method', good.replace('did:key:', 'did:web:')],
    ['upper-case method', good.replace('did:key:', 'DID:KEY:')],
    ['no multibase payload', 'did:key:'],
    ['only the multibase prefix', 'did:key:z'],
    ['base64url multibase (u)', `did:key:u${Buffer.from([0xed, 0x01, ...new Uint8Array(32)]).toString('base64url')}`],
    ['a character outside base58 (0)', good.slice(0, -1) + '0'],
    ['a character outside base58 (l)', good.slice(0, -1) + 'l'],
    ['leading whitespace', ` ${good}`],
    ['trailing newline', `${good}\n`],
    ['a DID URL with a fragment', `${good}#${good.slice(8)}`],
    ['a DID URL with a query', `${good}?versionId=1`],
    ['a 31-byte key', withPayload([0xed, 0x01, ...new Array<number>(31).fill(7)])],
    ['a 33-byte key', withPayload([0xed, 0x01, ...new Array<number>(33).fill(7)])],
    ['a one-byte varint 0xed without continuation', withPayload([0xed, ...new Array<number>(33).fill(7)])],
    ['the secp256k1-pub multicodec (0xe7)', withPayload([0xe7, 0x01, ...new Array<number>(33).fill(2)])],
    ['nothing after the multicodec', withPayload([0xed, 0x01])],
  ])('refuses %s with INVALID_DID_KEY', (_label, did) => {
    expectInvalidDidKey(did);
  });

  it('refuses a non-string with INVALID_DID_KEY', () => {
    expectInvalidDidKey(undefined);
    expectInvalidDidKey(42);
  });

  it('refuses to make a did:key from a key that is not 32 bytes', () => {
    expect(() => didKeyFromPublicKey(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });

  it('round-trips every 32-byte key, always as did:key:z6Mk…', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        const did = didKeyFromPublicKey(key);
        expect(did.startsWith('did:key:z6Mk')).toBe(true);
        expect(hex(publicKeyFromDidKey(did))).toBe(hex(key));
      }),
    );
  });
});
