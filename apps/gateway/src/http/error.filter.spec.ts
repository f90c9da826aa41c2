import type { ArgumentsHost } from '@nestjs/common';
import { errors as natsErrors } from '@nats-io/transport-node';
import { AppError } from '@ampool/contracts';
import { ErrorFilter, UNAVAILABLE_RETRY_AFTER_SECONDS } from './error.filter';

/** Runs the filter on `exception` and records what it answered. */
function answer(exception: unknown): { status: number; headers: Record<string, string>; body: unknown } {
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res = {
    setHeader: (name: string, value: string) => void (out.headers[name.toLowerCase()] = value),
    status: (s: number) => {
      out.status = s;
      return res;
    },
    json: (b: unknown) => void (out.body = b),
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  const filter = new ErrorFilter();
  (filter as unknown as { logger: { warn(): void; error(): void } }).logger = { warn: () => undefined, error: () => undefined };
  filter.catch(exception, host);
  return out;
}

describe('ErrorFilter', () => {
  it('answers UPSTREAM_UNAVAILABLE with 503, Retry-After and the stable code', () => {
    const r = answer(new AppError('UPSTREAM_UNAVAILABLE', 'the database is not reachable; retry with the same id'));
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe(String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    expect(r.body).toEqual({ code: 'UPSTREAM_UNAVAILABLE', message: 'the database is not reachable; retry with the same id' });
  });

  it('answers UPSTREAM_TIMEOUT with 504 and no Retry-After', () => {
    const r = answer(new AppError('UPSTREAM_TIMEOUT', 'rpc.x did not answer within 5000 ms'));
    expect(r.status).toBe(504);
    expect(r.headers['retry-after']).toBeUndefined();
    expect(r.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it("classifies the gateway's own broker failures (nonce store, live feed) instead of answering 500", () => {
    const draining = answer(new natsErrors.DrainingConnectionError());
    expect(draining.status).toBe(503);
    expect(draining.headers['retry-after']).toBe('1');
    expect(draining.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const timeout = answer(new natsErrors.TimeoutError());
    expect(timeout.status).toBe(504);
    expect(timeout.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it('keeps INTERNAL at 500 without Retry-After or the original message', () => {
    const r = answer(new Error('password=hunter2'));
    expect(r.status).toBe(500);
    expect(r.headers['retry-after']).toBeUndefined();
    expect(r.body).toEqual({ code: 'INTERNAL', message: 'internal error' });
  });

  it('keeps the Retry-After a RATE_LIMITED error names', () => {
    const r = answer(new AppError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 3 }));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');
  });
});
