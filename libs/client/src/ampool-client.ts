import type { ErrorBody } from '@ampool/contracts';
import { signRequest, type SigningKey } from '@ampool/http-signature';

/** A failed call, with the status and the error body the gateway answered. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
    readonly retryAfterSeconds?: number,
  ) {
    super(body ? `${status} ${body.code}: ${body.message}` : `HTTP ${status}`);
  }

  get code(): string | undefined {
    return this.body?.code;
  }
}

/** How a request proves who sends it: a signing key (RFC 9421) or an operator session cookie. */
export type Credentials = { key: SigningKey } | { sessionCookie: string };

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * The Ampool HTTP API as a client sees it: JSON in and out in wire form (decimal strings for
 * money and energy), every request signed or carrying a session when credentials are given,
 * and every call bounded by a timeout.
 */
export class AmpoolClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async get<T>(path: string, credentials?: Credentials): Promise<T> {
    return this.ok<T>(await this.send('GET', path, undefined, credentials));
  }

  async post<T>(path: string, body: unknown, credentials?: Credentials): Promise<T> {
    return this.ok<T>(await this.send('POST', path, body, credentials));
  }

  /** Sends without interpreting the status (for tests and tools that look at failures). */
  async send(method: string, path: string, body?: unknown, credentials?: Credentials): Promise<RawResponse> {
    const url = new URL(path, this.baseUrl).toString();
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = text === undefined ? {} : { 'content-type': 'application/json' };
    if (credentials && 'key' in credentials) Object.assign(headers, await signRequest({ method, url, body: text }, credentials.key));
    if (credentials && 'sessionCookie' in credentials) headers.cookie = credentials.sessionCookie;
    const res = await fetch(url, { method, headers, body: text, signal: AbortSignal.timeout(this.timeoutMs) });
    const raw = await res.text();
    let parsed: unknown;
    try {
      parsed = raw ? JSON.parse(raw) : undefined;
    } catch {
      parsed = raw;
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  private ok<T>(res: RawResponse): T {
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, res.body as ErrorBody | undefined, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
}
