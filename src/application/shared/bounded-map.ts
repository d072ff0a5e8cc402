/**
 * A map that holds at most `capacity` entries, dropping the least recently used one beyond that (a read
 * counts as a use). `onEvict` hears each dropped entry, so an index can say what it no longer covers.
 *
 * The oldest entry is found with one iterator kept across evictions, not a new one from the head each time: a
 * Map keeps a deleted entry's slot until it is rehashed, so a fresh iterator walks every slot evicted since (at
 * 10,000 entries, 4.8 µs per `set` against 0.23 µs). Every entry the kept iterator has passed was evicted, moved
 * to the end (a use) or deleted, so the next one it yields is the oldest still held.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  private fromOldest?: Iterator<[K, V]>;

  constructor(
    readonly capacity: number,
    private readonly onEvict: (key: K, value: V) => void = () => undefined,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldestValue] = this.oldest();
      this.entries.delete(oldestKey);
      this.onEvict(oldestKey, oldestValue);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** The least recently used entry (the map is not empty). */
  private oldest(): [K, V] {
    for (;;) {
      this.fromOldest ??= this.entries.entries();
      const next = this.fromOldest.next();
      if (!next.done) return next.value;
      this.fromOldest = undefined; // an iterator that has ended stays ended: a new one starts from the head
    }
  }
}
