/**
 * A bounded least-recently-used map. A `Map` iterates in insertion order, so re-inserting on
 * every hit keeps the least recently used entry first, where eviction finds it in O(1).
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  /** @param capacity most entries kept; the least recently used is evicted beyond it. */
  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer');
    }
  }

  /** Number of entries held, never more than {@link capacity}. */
  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, marking it most recently used; `undefined` if absent. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` as the most recently used entry, evicting the least recently used. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
