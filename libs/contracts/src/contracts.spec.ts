import * as contracts from './index';
import { ErrorCode, httpStatusFor, int64, positiveInt64, instant, STREAMS, streamForSubject, subjectMatches, validationError, toErrorBody, AppError, OrderSubmit } from './index';
import type { EventContract, RpcContract } from './contract';

const all = Object.values(contracts).flatMap((v) => {
  if (typeof v !== 'object' || v === null) return [];
  // Lists such as LIVE_EVENTS name contracts exported on their own.
  if (Array.isArray(v)) return [];
  if ('kind' in v) return [v as RpcContract | EventContract];
  // Health is a map of per-service contracts.
  return Object.values(v).filter((x): x is RpcContract => typeof x === 'object' && x !== null && 'kind' in x);
});

describe('the contract catalogue', () => {
  it('gives every NATS message exactly one contract', () => {
    const subjects = all.map((c) => c.subject);
    expect(subjects.length).toBeGreaterThan(10);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('stores every event in exactly one stream and no RPC subject in any', () => {
    for (const c of all) {
      const holders = Object.values(STREAMS).filter((s) => s.subjects.some((p) => subjectMatches(p, c.subject)));
      expect({ subject: c.subject, holders: holders.length }).toEqual({ subject: c.subject, holders: c.kind === 'event' ? 1 : 0 });
    }
    for (const s of Object.values(STREAMS)) for (const p of s.subjects) expect(subjectMatches(p, 'rpc.energy.order.submit')).toBe(false);
  });

  it('matches NATS wildcards as the server does', () => {
    expect(subjectMatches('evt.energy.>', 'evt.energy.trade.executed.v1')).toBe(true);
    expect(subjectMatches('evt.energy.>', 'evt.energy')).toBe(false);
    expect(subjectMatches('evt.*.trade', 'evt.energy.trade')).toBe(true);
    expect(subjectMatches('evt.*.trade', 'evt.energy.trade.x')).toBe(false);
    expect(streamForSubject('dlq.settlement-trades')?.name).toBe('DEAD_LETTER');
  });
});

describe('wire codecs', () => {
  it('carries 64-bit integers as decimal strings', () => {
    expect(int64.decode('9223372036854775807')).toBe(9223372036854775807n);
    expect(int64.encode(-42n)).toBe('-42');
  });

  it.each(['9223372036854775808', '-9223372036854775809', '1.5', '1e3', '01', ' 1', '', '0x10', '99999999999999999999999'])(
    'refuses %p as a 64-bit integer',
    (s) => {
      expect(int64.safeDecode(s).success).toBe(false);
    },
  );

  it('refuses numbers where decimal strings belong, and zero where positive is required', () => {
    expect(int64.safeParse(5).success).toBe(false);
    expect(positiveInt64.safeDecode('0').success).toBe(false);
    expect(positiveInt64.safeDecode('-1').success).toBe(false);
  });

  it('carries instants as ISO-8601 UTC', () => {
    expect(instant.decode('2026-11-21T10:15:00.000Z').getTime()).toBe(Date.UTC(2026, 10, 21, 10, 15));
    expect(instant.safeDecode('2026-11-21T10:15:00+01:00').success).toBe(false);
    expect(instant.safeDecode('yesterday').success).toBe(false);
  });

  it('rejects unknown fields in a request', () => {
    const r = OrderSubmit.request.safeParse({
      id: '019a0000-0000-7000-8000-000000000000',
      participant: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      side: 'buy',
      zone: 'north',
      intervalStart: '2026-11-21T10:15:00.000Z',
      quantityWh: '2000',
      limitPriceMicroPerKwh: '250000',
      extra: true,
    });
    expect(r.success).toBe(false);
  });
});

describe('errors', () => {
  it('maps every error code to an HTTP status', () => {
    for (const code of Object.values(ErrorCode)) {
      const status = httpStatusFor(code);
      expect(status >= 400 && status < 600).toBe(true);
    }
  });

  it('turns a schema failure into VALIDATION_FAILED naming the field', () => {
    const r = OrderSubmit.request.safeParse({});
    if (r.success) throw new Error('expected failure');
    const err = validationError(r.error);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(err.details)).toContain('quantityWh');
  });

  it('hides anything that is not an AppError behind INTERNAL', () => {
    expect(toErrorBody(new Error('password=hunter2'))).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(toErrorBody(new AppError('NOT_FOUND', 'no such trade'))).toEqual({ code: 'NOT_FOUND', message: 'no such trade' });
  });
});
