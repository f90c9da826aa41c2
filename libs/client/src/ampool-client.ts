import * as http from 'node:http';
import * as https from 'node:https';
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

/** Response headers, read by name in any case (repeated headers joined with ", "). */
export class ResponseHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  body: unknown;
}

/** No answer within the client's timeout (the request may or may not have been carried out). */
function timeoutError(method: string, url: string, ms: number): Error {
  const error = new Error(`${method} ${url}: no answer within ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** The connection failed before an answer (as fetch reports it: a TypeError with the cause). */
function networkError(method: string, url: string, cause: unknown): TypeError {
  return new TypeError(`${method} ${url} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}

/**
 * The Ampool HTTP API as a client sees it: JSON in and out in wire form (decimal strings for
 * money and energy), every request signed or carrying a session when credentials are given,
 * and every call bounded by a timeout.
 */
export class AmpoolClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });

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
    const url = new URL(path, this.baseUrl);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = text === undefined ? {} : { 'content-type': 'application/json' };
    if (credentials && 'key' in credentials) Object.assign(headers, await signRequest({ method, url: url.toString(), body: text }, credentials.key));
    if (credentials && 'sessionCookie' in credentials) headers.cookie = credentials.sessionCookie;
    if (text !== undefined) headers['content-length'] = String(Buffer.byteLength(text));
    const { status, headers: raw, text: answer } = await this.exchange(method, url, headers, text);
    let parsed: unknown;
    try {
      parsed = answer ? JSON.parse(answer) : undefined;
    } catch {
      parsed = answer;
    }
    return { status, headers: new ResponseHeaders(raw), body: parsed };
  }

  /**
   * One HTTP exchange over the client's keep-alive connections. A request that fails on a
   * reused connection before any answer (the server closed it while idle, so it never read
   * the request) is sent once more on a fresh one.
   */
  private exchange(method: string, url: URL, headers: Record<string, string>, text: string | undefined, retried = false): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method, headers, agent: secure ? this.httpsAgent : this.httpAgent });
      const timer = setTimeout(() => req.destroy(timeoutError(method, url.toString(), this.timeoutMs)), this.timeoutMs);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.once('error', (error) => {
          clearTimeout(timer);
          reject(networkError(method, url.toString(), error));
        });
      });
      req.once('error', (error: Error & { code?: string }) => {
        clearTimeout(timer);
        if (error.name === 'TimeoutError') return reject(error);
        if (req.reusedSocket && !retried && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
          return resolve(this.exchange(method, url, headers, text, true));
        }
        reject(networkError(method, url.toString(), error));
      });
      req.end(text);
    });
  }

  private ok<T>(res: RawResponse): T {
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, res.body as ErrorBody | undefined, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
}
