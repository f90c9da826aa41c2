import { httpbis } from 'http-message-signatures';
import { parseDictionary, type InnerList } from 'structured-headers';
import { AppError, ErrorCode } from '@ampool/contracts';
import { verifyEd25519 } from '@ampool/crypto';
import { contentDigestMatches } from './content-digest';

/** A request as the server received it, with its raw body bytes. */
export interface ReceivedRequest {
  method: string;
  /** Absolute URL: scheme and authority do not matter (not covered), path and query do. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | undefined;
}

export interface VerificationPolicy {
  nowMs: number;
  /** How far `created` may be from now, either way. */
  maxSkewMs: number;
  /** The public key for a keyid; throws AppError (KEY_UNKNOWN, KEY_REVOKED, …) when it has none. */
  resolveKey: (keyId: string) => Promise<Uint8Array>;
  /** Records the nonce; false when it was seen before (a replay). */
  claimNonce: (keyId: string, nonce: string) => Promise<boolean>;
}

export interface VerifiedSignature {
  keyId: string;
  nonce: string;
  createdMs: number;
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function header(req: ReceivedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Verifies an RFC 9421 request signature by Ampool's profile: exactly one signature, covering
 * `@method`, `@path`, `@query` and — for methods with a body — `content-digest`; parameters
 * `created` (within the allowed skew), `nonce` (never seen before) and `keyid` (a did:key);
 * `alg`, if present, `ed25519`. The signature is checked with the one Ed25519 rule of
 * `@ampool/crypto`. Every failure is an AppError with its own code; the nonce is claimed only
 * after the signature verifies, so unsigned traffic cannot use up anyone's nonces.
 */
export async function verifySignedRequest(req: ReceivedRequest, policy: VerificationPolicy): Promise<VerifiedSignature> {
  const signatureHeader = header(req, 'signature');
  const inputHeader = header(req, 'signature-input');
  if (!signatureHeader || !inputHeader) throw new AppError(ErrorCode.SIGNATURE_MISSING, 'the request is not signed (Signature and Signature-Input)');

  let entries;
  try {
    entries = [...parseDictionary(inputHeader)];
  } catch {
    throw new AppError(ErrorCode.SIGNATURE_INVALID, 'Signature-Input is not a valid structured field');
  }
  if (entries.length !== 1) throw new AppError(ErrorCode.SIGNATURE_INVALID, 'exactly one signature is expected');
  const [, [components, params]] = entries[0] as [string, InnerList];
  if (!Array.isArray(components)) throw new AppError(ErrorCode.SIGNATURE_INVALID, 'Signature-Input must list its components');
  const covered = components.map(([c]) => c);
  const required = ['@method', '@path', '@query', ...(BODY_METHODS.has(req.method.toUpperCase()) ? ['content-digest'] : [])];
  const missing = required.filter((c) => !covered.includes(c));
  if (missing.length > 0) throw new AppError(ErrorCode.SIGNATURE_INVALID, `the signature must cover ${missing.join(', ')}`);

  const created = params.get('created');
  const nonce = params.get('nonce');
  const keyId = params.get('keyid');
  const alg = params.get('alg');
  if (typeof created !== 'number' || !Number.isInteger(created)) throw new AppError(ErrorCode.SIGNATURE_INVALID, 'the signature needs an integer created parameter');
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw new AppError(ErrorCode.SIGNATURE_INVALID, 'the signature needs a nonce of 16-128 url-safe characters');
  if (typeof keyId !== 'string' || !keyId.startsWith('did:key:')) throw new AppError(ErrorCode.SIGNATURE_INVALID, 'the keyid must be a did:key');
  if (alg !== undefined && alg !== 'ed25519') throw new AppError(ErrorCode.SIGNATURE_INVALID, 'only alg="ed25519" is accepted');
  if (params.has('expires') && typeof params.get('expires') === 'number' && (params.get('expires') as number) * 1000 < policy.nowMs) {
    throw new AppError(ErrorCode.SIGNATURE_EXPIRED, 'the signature has expired');
  }
  if (Math.abs(created * 1000 - policy.nowMs) > policy.maxSkewMs) {
    throw new AppError(ErrorCode.SIGNATURE_EXPIRED, `the signature was created more than ${policy.maxSkewMs / 1000} s from now`);
  }

  if (covered.includes('content-digest')) {
    const digest = header(req, 'content-digest');
    if (!digest || !contentDigestMatches(digest, req.body ?? new Uint8Array())) {
      throw new AppError(ErrorCode.DIGEST_MISMATCH, 'Content-Digest is missing or does not match the body');
    }
  }

  const publicKey = await policy.resolveKey(keyId);
  let valid: boolean | null;
  try {
    valid = await httpbis.verifyMessage(
      {
        // The time window was checked above against the policy's clock; tell the library the same bound.
        notAfter: Math.floor((policy.nowMs + policy.maxSkewMs) / 1000),
        keyLookup: async () => ({
          id: keyId,
          algs: ['ed25519'],
          verify: async (data: Buffer, signature: Buffer) => verifyEd25519(publicKey, data, signature),
        }),
      },
      { method: req.method, url: req.url, headers: req.headers as Record<string, string | string[]> },
    );
  } catch {
    valid = false;
  }
  if (!valid) throw new AppError(ErrorCode.SIGNATURE_INVALID, 'the signature does not verify');
  if (!(await policy.claimNonce(keyId, nonce))) throw new AppError(ErrorCode.NONCE_REPLAYED, 'this nonce was used before');
  return { keyId, nonce, createdMs: created * 1000 };
}
