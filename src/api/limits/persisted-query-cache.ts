/**
 * The store behind automatic persisted queries: query text by hash, least recently used first out,
 * bounded by the characters of text it holds, so hashes registered by clients can never grow the process
 * without bound. Per instance: a client that meets an instance without its hash gets
 * PERSISTED_QUERY_NOT_FOUND and resends the query, as the APQ protocol intends.
 * (Structurally Apollo's `KeyValueCache<string>`.)
 */
interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

export class BoundedQueryCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(undefined);
    this.remove(key, entry);
    if (entry.expiresAt <= this.now()) return Promise.resolve(undefined);
    this.entries.set(key, entry); // most recently used goes last
    this.bytes += weight(key, entry.value);
    return Promise.resolve(entry.value);
  }

  /** `ttl` in seconds, as Apollo passes it; none (or null) keeps the entry until it is evicted. */
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    const size = weight(key, value);
    if (size > this.maxBytes) return Promise.resolve();
    const ttl = options?.ttl;
    this.entries.set(key, { value, expiresAt: ttl ? this.now() + ttl * 1000 : Number.POSITIVE_INFINITY });
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest, entry);
    }
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
    return Promise.resolve(entry !== undefined);
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= weight(key, entry.value);
  }
}

/** In characters (UTF-16 code units) of key and text. */
const weight = (key: string, value: string): number => key.length + value.length;
