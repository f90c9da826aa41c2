import { randomBytes } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { signEd25519 } from '@ampool/crypto';
import { contentDigest } from './content-digest';

/** The components every Ampool request signature covers (plus `content-digest` when there is a body). */
export const COVERED_COMPONENTS = ['@method', '@path', '@query'] as const;

export interface SigningKey {
  /** The did:key of the key: the signature's `keyid`. */
  keyId: string;
  /** The 32-byte Ed25519 secret key. */
  secretKey: Uint8Array;
}

export interface RequestToSign {
  method: string;
  url: string;
  body?: string;
}

/**
 * Signs a request as RFC 9421 describes: `Signature-Input` and `Signature` over the method,
 * path, query and (with a body) `Content-Digest` (RFC 9530), with `created`, a fresh random
 * `nonce`, `keyid` and `alg="ed25519"`. Returns the headers to send.
 */
export async function signRequest(
  request: RequestToSign,
  key: SigningKey,
  options: { nonce?: string; createdMs?: number } = {},
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const fields: string[] = [...COVERED_COMPONENTS];
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-digest'] = contentDigest(request.body);
    fields.push('content-digest');
  }
  const signed = await httpbis.signMessage(
    {
      key: { id: key.keyId, alg: 'ed25519', sign: async (data: Buffer) => Buffer.from(signEd25519(key.secretKey, data)) },
      fields,
      params: ['created', 'nonce', 'keyid', 'alg'],
      paramValues: {
        nonce: options.nonce ?? randomBytes(16).toString('base64url'),
        created: new Date(options.createdMs ?? Date.now()),
      },
    },
    { method: request.method, url: request.url, headers },
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
