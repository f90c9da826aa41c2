import fc from 'fast-check';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry once full', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('replaces the value of an existing key without growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(2);
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new LruCache(bad)).toThrow(RangeError);
  });

  it('never holds more than its capacity and always keeps the most recent keys', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (capacity, keys) => {
        const cache = new LruCache<number, number>(capacity);
        for (const key of keys) {
          if (cache.get(key) === undefined) cache.set(key, key);
          expect(cache.size).toBeLessThanOrEqual(capacity);
        }
        // The last `capacity` distinct keys touched must all still be there.
        const recent = [...new Set([...keys].reverse())].slice(0, capacity);
        for (const key of recent) expect(cache.get(key)).toBe(key);
      }),
    );
  });
});
