import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError, ErrorCode, SessionResolve } from '@ampool/contracts';
import { verifySignedRequest } from '@ampool/http-signature';
import { IdentityCache, RpcClient } from '@ampool/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ACCESS_KEY, UNTHROTTLED_KEY, type Access } from './auth.decorators';
import { NonceStore } from './nonce-store.service';
import { isOperator, rateKeyOf, type Principal } from './principal';
import { TokenBuckets } from './token-bucket';

export const SESSION_COOKIE = 'ampool_session';
const MAX_SKEW_MS = 5 * 60_000;

/**
 * Authenticates every request (an RFC 9421 signature, an operator session cookie, or
 * nobody), applies the caller's rate limit, and checks the route's @Access rule. Ownership of
 * a particular resource is checked by the route itself, once it knows the resource.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly reflector: Reflector,
    private readonly identity: IdentityCache,
    private readonly nonces: NonceStore,
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.buckets = new TokenBuckets(config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const allowed = this.reflector.getAllAndOverride<Access[] | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!allowed) throw new AppError(ErrorCode.FORBIDDEN, 'this route has no access rule');
    const req = ctx.switchToHttp().getRequest<Request>();
    const principal = await this.authenticate(req);
    req.principal = principal;

    const unthrottled = this.reflector.getAllAndOverride<boolean | undefined>(UNTHROTTLED_KEY, [ctx.getHandler(), ctx.getClass()]);
    const wait = unthrottled ? 0 : this.buckets.take(rateKeyOf(principal), Date.now());
    if (wait > 0) throw new AppError(ErrorCode.RATE_LIMITED, 'too many requests', { retryAfterSeconds: wait });

    if (allowed.includes('public')) return true;
    if (principal.kind === 'anonymous') throw new AppError(ErrorCode.SIGNATURE_MISSING, 'this route needs a signed request or an operator session');
    if (allowed.some((a) => permits(a, principal))) return true;
    throw new AppError(ErrorCode.FORBIDDEN, 'not allowed for this caller');
  }

  private async authenticate(req: Request): Promise<Principal> {
    if (req.headers['signature'] !== undefined || req.headers['signature-input'] !== undefined) return this.fromSignature(req);
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token !== undefined) {
      const { operator } = await this.rpc.request(SessionResolve, { token }).catch((e: unknown) => {
        throw e instanceof AppError && e.code === ErrorCode.VALIDATION_FAILED ? new AppError(ErrorCode.SESSION_INVALID, 'malformed session cookie') : e;
      });
      return { kind: 'operator', operatorId: operator.id, email: operator.email };
    }
    return { kind: 'anonymous', ip: req.ip ?? 'unknown' };
  }

  private async fromSignature(req: Request): Promise<Principal> {
    let resolved: Awaited<ReturnType<IdentityCache['resolveKey']>> | undefined;
    const verified = await verifySignedRequest(
      {
        method: req.method,
        url: `http://gateway${req.originalUrl}`,
        headers: req.headers,
        body: req.rawBody,
      },
      {
        nowMs: Date.now(),
        maxSkewMs: MAX_SKEW_MS,
        resolveKey: async (keyId) => {
          resolved = await this.identity.resolveKey(keyId);
          if (resolved.status !== 'active') throw new AppError(ErrorCode.KEY_REVOKED, `key ${keyId} is ${resolved.status}`);
          if (resolved.subject.kind === 'device' && resolved.subject.status === 'revoked') throw new AppError(ErrorCode.KEY_REVOKED, `device ${resolved.subject.did} is revoked`);
          if (resolved.subject.kind === 'device' && resolved.subject.status === 'suspended') throw new AppError(ErrorCode.DEVICE_SUSPENDED, `device ${resolved.subject.did} is suspended`);
          return new Uint8Array(Buffer.from(resolved.publicKey, 'base64url'));
        },
        claimNonce: (keyId, nonce) => this.nonces.claim(keyId, nonce),
      },
    );
    const s = resolved!.subject;
    if (s.kind === 'participant') return { kind: 'participant', did: s.did, role: s.role, status: s.status, keyId: verified.keyId };
    return { kind: 'device', did: s.did, owner: s.owner, ownerStatus: s.ownerStatus, keyId: verified.keyId };
  }
}

function permits(access: Access, p: Principal): boolean {
  if (access === 'operator') return isOperator(p);
  if (access === 'device') return p.kind === 'device';
  if (access === 'participant') return p.kind === 'participant';
  if (access.startsWith('participant:')) return p.kind === 'participant' && p.role === access.slice('participant:'.length);
  return false;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
