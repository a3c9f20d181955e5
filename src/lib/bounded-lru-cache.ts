/**
 * A key-value cache bounded by the total weight of what it holds (bytes, characters: whatever
 * `weigh` measures), least recently used first out, with an optional TTL per entry. Structurally
 * Apollo's `KeyValueCache<V>`, so it can back Apollo's caches (persisted queries, parsed documents)
 * with a bound that is ours to choose and to measure.
 */
interface Entry<V> {
  readonly value: V;
  readonly weight: number;
  readonly expiresAt: number;
}

export class BoundedLruCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private used = 0;

  constructor(
    readonly maxWeight: number,
    /** Measured once, when the entry is set. */
    private readonly weigh: (key: string, value: V) => number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get usedWeight(): number {
    return this.used;
  }

  get(key: string): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(undefined);
    this.remove(key, entry);
    if (entry.expiresAt <= this.now()) return Promise.resolve(undefined);
    this.entries.set(key, entry); // most recently used goes last
    this.used += entry.weight;
    return Promise.resolve(entry.value);
  }

  /** `ttl` in seconds, as Apollo passes it; none (or null) keeps the entry until it is evicted. */
  set(key: string, value: V, options?: { ttl?: number | null }): Promise<void> {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    const weight = this.weigh(key, value);
    if (weight > this.maxWeight) return Promise.resolve();
    const ttl = options?.ttl;
    this.entries.set(key, { value, weight, expiresAt: ttl ? this.now() + ttl * 1000 : Number.POSITIVE_INFINITY });
    this.used += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.used <= this.maxWeight) break;
      this.remove(oldest, entry);
    }
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
    return Promise.resolve(entry !== undefined);
  }

  private remove(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.used -= entry.weight;
  }
}
