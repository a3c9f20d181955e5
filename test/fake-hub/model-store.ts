/**
 * The records behind the fake Hugging Face hub, with the Hub's listing semantics: filters, sort
 * orders and keyset cursors on (sort key, `_id`).
 *
 * Two backings:
 * - `MemoryModelStore`: a mutable list (add, update, commit, remove, rename) for crawler tests;
 * - `GeneratedModelStore`: N records of the record generator, never materialized, for scale tests.
 */
import {
  generateHfRecord,
  generateHfRecords,
  generatedCreatedAt,
  generatedObjectId,
  generatedRecordIndex,
  generatedSortKeys,
  mutateHfRecord,
  type GeneratorOptions,
  type HfGating,
  type HfGeneratedRecord,
} from '../../src/catalog/seed/demo/record-generator.js';
import { readSeedDir } from './seed-records.js';

export type SortKey = 'trendingScore' | 'createdAt' | 'lastModified' | 'downloads' | 'likes';
export const SORT_KEYS: readonly SortKey[] = ['trendingScore', 'createdAt', 'lastModified', 'downloads', 'likes'];

/** A position in a listing: the last record of a page, as the Hub's cursor encodes it. */
export interface Keyset {
  readonly key: SortKey;
  readonly value: string | number | null;
  readonly id: string;
}

export interface ListQuery {
  readonly sort: SortKey;
  /** Only honoured for `createdAt`, like the Hub. */
  readonly ascending: boolean;
  readonly limit: number;
  readonly after?: Keyset | undefined;
  /** Substrings of the repo id (case-insensitive), all required. */
  readonly search: readonly string[];
  readonly author?: string | undefined;
  /** Tags, all required. */
  readonly filters: readonly string[];
  readonly pipelineTag?: string | undefined;
  readonly gated?: boolean | undefined;
}

export interface ListResult {
  readonly records: readonly HfGeneratedRecord[];
  /** The keyset of the last record when more records follow; absent on the last page. */
  readonly next?: Keyset;
}

export type Lookup =
  | { readonly kind: 'found'; readonly record: HfGeneratedRecord }
  | { readonly kind: 'renamed'; readonly to: string }
  | { readonly kind: 'missing' };

export interface ModelStore {
  readonly size: number;
  /** The key cursors of this sort order by (the generator store serves trending order newest-first). */
  cursorKey(sort: SortKey): SortKey;
  list(query: ListQuery): ListResult;
  lookup(repoId: string): Lookup;
}

// ---------------------------------------------------------------------------------------------
// Shared listing semantics.

export function matchesQuery(record: HfGeneratedRecord, query: ListQuery): boolean {
  const id = record.id.toLowerCase();
  for (const term of query.search) if (!id.includes(term.toLowerCase())) return false;
  if (query.author !== undefined && !id.startsWith(`${query.author.toLowerCase()}/`)) return false;
  for (const tag of query.filters) {
    if (!record.tags.includes(tag) && record.pipeline_tag !== tag && record.library_name !== tag) return false;
  }
  if (query.pipelineTag !== undefined && record.pipeline_tag !== query.pipelineTag) return false;
  if (query.gated !== undefined && (record.gated !== false) !== query.gated) return false;
  return true;
}

export function sortValue(record: HfGeneratedRecord, key: SortKey): string | number | null {
  const value: unknown = record[key];
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

/** Orders two sort values; `null` (a missing value) sorts below everything, as in the Hub's cursors. */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Listing order: by the sort key (descending unless ascending), ties by `_id` ascending. */
function compareInListing(
  aValue: string | number | null,
  aId: string,
  bValue: string | number | null,
  bId: string,
  ascending: boolean,
): number {
  const byValue = compareValues(aValue, bValue);
  if (byValue !== 0) return ascending ? byValue : -byValue;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

function isAfter(value: string | number | null, id: string, cursor: Keyset, ascending: boolean): boolean {
  return compareInListing(value, id, cursor.value, cursor.id, ascending) > 0;
}

function keysetOf(record: HfGeneratedRecord, key: SortKey): Keyset {
  return { key, value: sortValue(record, key), id: record._id };
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function randomSha(): string {
  let sha = '';
  while (sha.length < 40)
    sha += Math.floor(Math.random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return sha.slice(0, 40);
}

// ---------------------------------------------------------------------------------------------
// In-memory backing.

export type RecordChange = Partial<HfGeneratedRecord> | ((record: HfGeneratedRecord) => HfGeneratedRecord);

/** A mutable list of records; listings see every change at once, and cursors stay valid across them. */
export class MemoryModelStore implements ModelStore {
  private readonly records = new Map<string, HfGeneratedRecord>();
  private readonly redirects = new Map<string, string>();
  private version = 0;
  private readonly sorted = new Map<string, { version: number; records: HfGeneratedRecord[] }>();

  constructor(records: Iterable<HfGeneratedRecord> = []) {
    for (const record of records) this.add(record);
  }

  /** The hand-written fixtures of prisma/seed/huggingface/. */
  static fromFixtures(): MemoryModelStore {
    return new MemoryModelStore(loadFixtureRecords());
  }

  /** `count` generated records, materialized (mutable, unlike `GeneratedModelStore`). */
  static fromGenerated(count: number, options?: GeneratorOptions & { readonly start?: number }): MemoryModelStore {
    return new MemoryModelStore(generateHfRecords(count, options));
  }

  get size(): number {
    return this.records.size;
  }

  cursorKey(sort: SortKey): SortKey {
    return sort;
  }

  /** Every record, in insertion order. */
  all(): HfGeneratedRecord[] {
    return [...this.records.values()];
  }

  get(repoId: string): HfGeneratedRecord | undefined {
    return this.records.get(repoId);
  }

  add(...records: HfGeneratedRecord[]): void {
    for (const record of records) {
      if (this.records.has(record.id)) throw new Error(`fake hub: ${record.id} already exists`);
      this.records.set(record.id, record);
      // A new repo takes the name back from a rename's redirect, as on the Hub.
      this.redirects.delete(record.id);
    }
    this.version++;
  }

  /** Replace fields of a record (no new commit: sha and lastModified stay unless given). */
  update(repoId: string, change: RecordChange): HfGeneratedRecord {
    const current = this.require(repoId);
    const next = typeof change === 'function' ? change(current) : { ...current, ...change };
    if (next.id !== repoId) throw new Error(`fake hub: use rename() to change ${repoId}'s id`);
    this.records.set(repoId, next);
    this.version++;
    return next;
  }

  /** A new commit: the change (if any), a new sha, and lastModified at `at` (default now, at least 1 s later). */
  commit(repoId: string, change: RecordChange = {}, at?: Date): HfGeneratedRecord {
    const current = this.require(repoId);
    const previous = Date.parse(current.lastModified);
    const time = at ? at.getTime() : Math.max(Date.now(), previous + 1000);
    return this.update(repoId, (record) => {
      const changed = typeof change === 'function' ? change(record) : { ...record, ...change };
      return { ...changed, sha: randomSha(), lastModified: isoSeconds(time) };
    });
  }

  /** A commit that sets (or, with null, removes) the card's license, with `license:` tags to match. */
  setLicense(
    repoId: string,
    license: string | null,
    extra: { readonly license_name?: string; readonly license_link?: string } = {},
  ): HfGeneratedRecord {
    return this.commit(repoId, (record) => {
      const tags = record.tags.filter((tag) => !tag.startsWith('license:'));
      const region = tags.indexOf('region:us');
      if (license !== null) tags.splice(region === -1 ? tags.length : region, 0, `license:${license}`);
      const cardData = { ...record.cardData };
      delete cardData.license;
      delete cardData.license_name;
      delete cardData.license_link;
      if (license !== null) Object.assign(cardData, { license }, extra);
      return { ...record, tags, cardData };
    });
  }

  /** Gating is a repo setting on the Hub, not a commit: sha and lastModified do not move. */
  setGated(repoId: string, gated: HfGating): HfGeneratedRecord {
    return this.update(repoId, { gated });
  }

  /** Apply the generator's `mutateHfRecord` to a stored record. */
  mutate(repoId: string, change: Parameters<typeof mutateHfRecord>[1], revision: number): HfGeneratedRecord {
    return this.update(repoId, (record) => mutateHfRecord(record, change, revision));
  }

  remove(repoId: string): void {
    this.require(repoId);
    this.records.delete(repoId);
    this.version++;
  }

  /** Rename a repo: same `_id`, new id; the old name answers 307 to the new one. */
  rename(from: string, to: string): HfGeneratedRecord {
    const current = this.require(from);
    if (this.records.has(to)) throw new Error(`fake hub: ${to} already exists`);
    const author = to.includes('/') ? (to.split('/')[0] as string) : current.author;
    const renamed: HfGeneratedRecord = { ...current, id: to, modelId: to, author };
    this.records.delete(from);
    this.records.set(to, renamed);
    for (const [old, target] of this.redirects) if (target === from) this.redirects.set(old, to);
    this.redirects.set(from, to);
    this.redirects.delete(to);
    this.version++;
    return renamed;
  }

  /** Record that `oldId` was renamed to `newId` some time ago (the fixtures hold only current names). */
  addRedirect(oldId: string, newId: string): void {
    if (this.records.has(oldId)) throw new Error(`fake hub: ${oldId} is a live repo`);
    this.redirects.set(oldId, newId);
  }

  lookup(repoId: string): Lookup {
    const record = this.records.get(repoId);
    if (record) return { kind: 'found', record };
    const to = this.redirects.get(repoId);
    return to === undefined ? { kind: 'missing' } : { kind: 'renamed', to };
  }

  list(query: ListQuery): ListResult {
    const ascending = query.ascending && query.sort === 'createdAt';
    const ordered = this.ordered(query.sort, ascending);
    let start = 0;
    const after = query.after;
    if (after) {
      // Binary search for the first record after the cursor: the keyset survives inserts and updates.
      let low = 0;
      let high = ordered.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        const record = ordered[middle] as HfGeneratedRecord;
        if (isAfter(sortValue(record, query.sort), record._id, after, ascending)) high = middle;
        else low = middle + 1;
      }
      start = low;
    }
    const page: HfGeneratedRecord[] = [];
    for (let i = start; i < ordered.length && page.length <= query.limit; i++) {
      const record = ordered[i] as HfGeneratedRecord;
      if (matchesQuery(record, query)) page.push(record);
    }
    if (page.length <= query.limit) return { records: page };
    page.pop();
    return { records: page, next: keysetOf(page[page.length - 1] as HfGeneratedRecord, query.sort) };
  }

  private ordered(sort: SortKey, ascending: boolean): HfGeneratedRecord[] {
    const cacheKey = `${sort}:${ascending}`;
    const cached = this.sorted.get(cacheKey);
    if (cached?.version === this.version) return cached.records;
    const records = [...this.records.values()].sort((a, b) =>
      compareInListing(sortValue(a, sort), a._id, sortValue(b, sort), b._id, ascending),
    );
    this.sorted.set(cacheKey, { version: this.version, records });
    return records;
  }

  private require(repoId: string): HfGeneratedRecord {
    const record = this.records.get(repoId);
    if (!record) throw new Error(`fake hub: no model ${repoId}`);
    return record;
  }
}

// ---------------------------------------------------------------------------------------------
// Generator backing.

type NumericSortKey = 'lastModified' | 'downloads' | 'likes';

/**
 * `count` records of `generateHfRecord`, produced on demand and never held: a page costs
 * O(page) time and memory, whatever `count` is.
 *
 * - `sort=createdAt` (either direction) walks the index order, since createdAt increases with the
 *   index; a cursor is found again by binary search over `generatedCreatedAt`.
 * - The default trending order is served newest-first (createdAt descending), with createdAt
 *   cursors: ordering a million generated records by a score would mean generating them all, and
 *   the Hub's trending order moves under a crawl anyway, so no test may rely on it.
 * - `sort=lastModified|downloads|likes` builds a sorted index of the cheap sort keys on first use
 *   (O(N log N) once, 12 bytes per record), then pages in O(page).
 * - Filters (`search`, `author`, `filter`, …) scan forward from the cursor until the page is full.
 */
export class GeneratedModelStore implements ModelStore {
  private readonly indexes = new Map<NumericSortKey, { order: Uint32Array; keys: Float64Array }>();

  constructor(
    readonly count: number,
    readonly options: GeneratorOptions = {},
  ) {}

  get size(): number {
    return this.count;
  }

  cursorKey(sort: SortKey): SortKey {
    return sort === 'trendingScore' ? 'createdAt' : sort;
  }

  record(index: number): HfGeneratedRecord {
    return generateHfRecord(index, this.options);
  }

  lookup(repoId: string): Lookup {
    const index = generatedRecordIndex(repoId, this.options);
    return index !== undefined && index < this.count
      ? { kind: 'found', record: this.record(index) }
      : { kind: 'missing' };
  }

  list(query: ListQuery): ListResult {
    const key = this.cursorKey(query.sort);
    if (key === 'createdAt' || key === 'trendingScore') {
      const ascending = query.ascending && query.sort === 'createdAt';
      const start = this.createdAtStart(query.after, ascending);
      return this.collect(query, 'createdAt', start, (position) => (ascending ? position : this.count - 1 - position));
    }
    const { order, keys } = this.sortedIndex(key);
    const toValue = (position: number): number => keys[order[position] as number] as number;
    let start = 0;
    const after = query.after;
    if (after) {
      const value = typeof after.value === 'string' ? Date.parse(after.value) : (after.value ?? -Infinity);
      let low = 0;
      let high = this.count;
      while (low < high) {
        const middle = (low + high) >>> 1;
        const candidate = toValue(middle);
        const later =
          candidate < value ||
          (candidate === value && generatedObjectId(order[middle] as number, this.options) > after.id);
        if (later) high = middle;
        else low = middle + 1;
      }
      start = low;
    }
    return this.collect(query, key, start, (position) => order[position] as number);
  }

  /** Listing position of the first record after the cursor (0 without one); position = index when ascending. */
  private createdAtStart(after: Keyset | undefined, ascending: boolean): number {
    if (!after) return 0;
    const value = typeof after.value === 'string' ? Date.parse(after.value) : Number.NaN;
    if (Number.isNaN(value)) return 0;
    // first index whose createdAt is >= the cursor's
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (generatedCreatedAt(middle, this.options) < value) low = middle + 1;
      else high = middle;
    }
    const equal = low < this.count && generatedCreatedAt(low, this.options) === value;
    const idAfter = equal && generatedObjectId(low, this.options) > after.id;
    if (ascending) return equal && !idAfter ? low + 1 : low;
    // Descending positions count down from the newest record.
    const firstIndex = idAfter ? low : low - 1;
    return this.count - 1 - firstIndex;
  }

  private collect(query: ListQuery, key: SortKey, start: number, indexAt: (position: number) => number): ListResult {
    const page: HfGeneratedRecord[] = [];
    for (let position = start; position < this.count && page.length <= query.limit; position++) {
      const index = indexAt(position);
      if (index < 0 || index >= this.count) break;
      const record = this.record(index);
      if (matchesQuery(record, query)) page.push(record);
    }
    if (page.length <= query.limit) return { records: page };
    page.pop();
    return { records: page, next: keysetOf(page[page.length - 1] as HfGeneratedRecord, key) };
  }

  private sortedIndex(key: NumericSortKey): { order: Uint32Array; keys: Float64Array } {
    const cached = this.indexes.get(key);
    if (cached) return cached;
    const keys = new Float64Array(this.count);
    for (let index = 0; index < this.count; index++) keys[index] = generatedSortKeys(index, this.options)[key];
    const order = new Uint32Array(this.count);
    for (let index = 0; index < this.count; index++) order[index] = index;
    // Descending by key, ties by index (which is `_id` order).
    order.sort((a, b) => (keys[b] as number) - (keys[a] as number) || a - b);
    const built = { order, keys };
    this.indexes.set(key, built);
    return built;
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

/** The hand-written model-info records of prisma/seed/huggingface/, in file-name order. */
export function loadFixtureRecords(): HfGeneratedRecord[] {
  return readSeedDir<HfGeneratedRecord>('huggingface');
}
