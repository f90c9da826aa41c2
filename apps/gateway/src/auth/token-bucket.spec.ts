import { TokenBuckets } from './token-bucket';

describe('per-caller token buckets', () => {
  it('allow a burst, then one request per refill interval, and say how long to wait', () => {
    const b = new TokenBuckets(2, 3);
    const t = 1_000_000;
    expect([b.take('a', t), b.take('a', t), b.take('a', t)]).toEqual([0, 0, 0]);
    expect(b.take('a', t)).toBe(1);
    expect(b.take('a', t + 499)).toBe(1);
    expect(b.take('a', t + 500)).toBe(0);
  });

  it('count each caller separately', () => {
    const b = new TokenBuckets(1, 1);
    expect(b.take('a', 0)).toBe(0);
    expect(b.take('b', 0)).toBe(0);
    expect(b.take('a', 0)).toBeGreaterThan(0);
  });

  it('are disabled by a rate of zero', () => {
    const b = new TokenBuckets(0, 0);
    for (let i = 0; i < 1000; i++) expect(b.take('a', 0)).toBe(0);
  });

  it('keep at most maxKeys buckets', () => {
    const b = new TokenBuckets(1, 1, 10);
    for (let i = 0; i < 1000; i++) b.take(`k${i}`, 0);
    expect((b as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10);
  });
});
