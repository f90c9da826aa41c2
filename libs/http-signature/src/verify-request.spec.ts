import { AppError } from '@ampool/contracts';
import { didKeyFromPublicKey, generateKeyPair } from '@ampool/crypto';
import { contentDigest, contentDigestMatches } from './content-digest';
import { signRequest } from './sign-request';
import { verifySignedRequest, type ReceivedRequest, type VerificationPolicy } from './verify-request';

const keys = generateKeyPair();
const keyId = didKeyFromPublicKey(keys.publicKey);
const other = generateKeyPair();
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const URL_ = 'http://127.0.0.1:3000/v1/energy/orders?zone=north';
const BODY = '{"quantityWh":"2000"}';

function policy(overrides: Partial<VerificationPolicy> = {}): VerificationPolicy {
  const seen = new Set<string>();
  return {
    nowMs: NOW,
    maxSkewMs: 300_000,
    resolveKey: async (id) => {
      if (id !== keyId) throw new AppError('KEY_UNKNOWN', 'no such key');
      return keys.publicKey;
    },
    claimNonce: async (id, nonce) => !seen.has(`${id}|${nonce}`) && !!seen.add(`${id}|${nonce}`),
    ...overrides,
  };
}

async function signed(opts: { method?: string; url?: string; body?: string; createdMs?: number; secret?: Uint8Array; nonce?: string } = {}): Promise<ReceivedRequest> {
  const method = opts.method ?? 'POST';
  const body = opts.body ?? (method === 'GET' ? undefined : BODY);
  const headers = await signRequest({ method, url: opts.url ?? URL_, body }, { keyId, secretKey: opts.secret ?? keys.secretKey }, { createdMs: opts.createdMs ?? NOW, nonce: opts.nonce });
  return { method, url: opts.url ?? URL_, headers, body: body === undefined ? undefined : new TextEncoder().encode(body) };
}

async function codeOf(req: ReceivedRequest, p = policy()): Promise<string> {
  try {
    await verifySignedRequest(req, p);
    return 'OK';
  } catch (e) {
    return (e as AppError).code ?? String(e);
  }
}

describe('RFC 9421 request signatures', () => {
  it('verify a signed POST and a signed GET, naming the key, nonce and creation time', async () => {
    const post = await signed();
    expect(post.headers['signature-input']).toMatch(/^sig=\("@method" "@path" "@query" "content-digest"\);created=\d+;nonce="[^"]+";keyid="did:key:[^"]+";alg="ed25519"$/);
    await expect(verifySignedRequest(post, policy())).resolves.toMatchObject({ keyId, createdMs: NOW });
    expect(await codeOf(await signed({ method: 'GET', url: 'http://h/v1/energy/trades/1' }))).toBe('OK');
  });

  it('refuse a request whose method, path, query or body changed after signing', async () => {
    const req = await signed();
    expect(await codeOf({ ...req, method: 'PUT' })).toBe('SIGNATURE_INVALID');
    expect(await codeOf({ ...req, url: 'http://127.0.0.1:3000/v1/energy/orders/x?zone=north' })).toBe('SIGNATURE_INVALID');
    expect(await codeOf({ ...req, url: 'http://127.0.0.1:3000/v1/energy/orders?zone=south' })).toBe('SIGNATURE_INVALID');
    expect(await codeOf({ ...req, body: new TextEncoder().encode('{"quantityWh":"9000"}') })).toBe('DIGEST_MISMATCH');
    const forged = { ...req, body: new TextEncoder().encode('{"x":1}'), headers: { ...req.headers, 'content-digest': contentDigest('{"x":1}') } };
    expect(await codeOf(forged)).toBe('SIGNATURE_INVALID');
  });

  it('accept a different scheme or host: they are not covered', async () => {
    const req = await signed();
    expect(await codeOf({ ...req, url: URL_.replace('http://127.0.0.1:3000', 'https://api.example.org') })).toBe('OK');
  });

  it('refuse an unsigned request, and one signed by another key', async () => {
    const req = await signed();
    expect(await codeOf({ ...req, headers: { 'content-digest': req.headers['content-digest'] } })).toBe('SIGNATURE_MISSING');
    expect(await codeOf(await signed({ secret: other.secretKey }))).toBe('SIGNATURE_INVALID');
  });

  it('refuse a signature created more than five minutes away from now, either way', async () => {
    expect(await codeOf(await signed({ createdMs: NOW - 301_000 }))).toBe('SIGNATURE_EXPIRED');
    expect(await codeOf(await signed({ createdMs: NOW + 301_000 }))).toBe('SIGNATURE_EXPIRED');
    expect(await codeOf(await signed({ createdMs: NOW - 299_000 }))).toBe('OK');
  });

  it('refuse a replayed nonce, but only once the signature itself verifies', async () => {
    const p = policy();
    const req = await signed({ nonce: 'nonce-aaaaaaaaaaaaaaaa' });
    expect(await codeOf(req, p)).toBe('OK');
    expect(await codeOf(req, p)).toBe('NONCE_REPLAYED');
    const forged = await signed({ nonce: 'nonce-bbbbbbbbbbbbbbbb', secret: other.secretKey });
    expect(await codeOf(forged, p)).toBe('SIGNATURE_INVALID');
    expect(await codeOf(await signed({ nonce: 'nonce-bbbbbbbbbbbbbbbb' }), p)).toBe('OK');
  });

  it('refuse an unknown key with the resolver’s code', async () => {
    const req = await signed();
    const p = policy({ resolveKey: async () => { throw new AppError('KEY_REVOKED', 'revoked'); } });
    expect(await codeOf(req, p)).toBe('KEY_REVOKED');
  });

  it('refuse malformed or weakened signature parameters', async () => {
    const req = await signed();
    const input = String(req.headers['signature-input']);
    const variants: Record<string, string> = {
      'no content-digest on a POST': input.replace(' "content-digest"', ''),
      'no @query': input.replace(' "@query"', ''),
      'no nonce': input.replace(/;nonce="[^"]+"/, ''),
      'short nonce': input.replace(/;nonce="[^"]+"/, ';nonce="abc"'),
      'no created': input.replace(/;created=\d+/, ''),
      'keyid not a did': input.replace(/keyid="[^"]+"/, 'keyid="alice"'),
      'another algorithm': input.replace('alg="ed25519"', 'alg="hmac-sha256"'),
      'two signatures': `${input}, sig2=${input.slice(4)}`,
      'not a structured field': 'sig=(((',
    };
    for (const [what, value] of Object.entries(variants)) {
      expect({ what, code: await codeOf({ ...req, headers: { ...req.headers, 'signature-input': value } }) }).toEqual({ what, code: 'SIGNATURE_INVALID' });
    }
  });
});

describe('Content-Digest', () => {
  it('matches only the body it was computed for', () => {
    expect(contentDigestMatches(contentDigest('abc'), 'abc')).toBe(true);
    expect(contentDigestMatches(contentDigest('abc'), 'abd')).toBe(false);
    expect(contentDigestMatches('sha-512=:AAAA:', 'abc')).toBe(false);
    expect(contentDigestMatches('garbage', 'abc')).toBe(false);
    // The RFC 9530 example: {"hello": "world"} followed by a newline.
    expect(contentDigest('{"hello": "world"}\n')).toBe('sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:');
  });
});
