/**
 * A fake Civitai for integration tests: an HTTP server on 127.0.0.1 speaking the public REST API
 * as civitai/civitai's `src/pages/api/v1/models/index.ts` and `pagination-helpers.ts` answer it
 * (docs/hubs.md, "Civitai"):
 *
 * - `GET /api/v1/models`: `limit` (0–100, default 100; 0 means 100; outside → 400 with the zod
 *   error), `sort` (`Highest Rated` by default, `Most Liked`, `Most Downloaded`, `Newest`,
 *   `Oldest`; anything else → 400), `nsfw` (without `nsfw=true` only models whose `nsfwLevel` has
 *   a PG or PG-13 bit are listed, whatever their `nsfw` flag), `archived` (archived models only
 *   with `archived=true`), `cursor`, `page`, `query`.
 *   - Cursors are the keyset of the first row of the next page, as the server builds them: the
 *     sort columns joined with `|` (`<lastVersionAt>|<id>` for Newest/Oldest, with the timestamp
 *     as Postgres prints it; `<thumbsUp>|<downloads>|<id>` for Highest Rated), inclusive of that
 *     row; a cursor of the wrong arity or an unparseable token is a 400.
 *   - `page` (without a cursor) works while `page * limit ≤ 1000`; past that it is a 429 with
 *     "You've requested too many pages, please use cursors instead" (and no Retry-After).
 *   - `query` searches names, newest id first, with the search index's numeric cursor (`nextCursor`
 *     is a JSON number, the next page takes `id < cursor`, which skips the named model, as the real
 *     search path does); `query` with `page` is a 400.
 *   - `{ items, metadata: { nextCursor, nextPage[, currentPage, pageSize] } }`; `nextPage` repeats
 *     the request's query with the cursor, on this server's origin. Listed versions lose their
 *     `createdAt`; archived models list no files, taken-down ones no images.
 *   - Versions whose `availability` is neither `Public` nor `EarlyAccess` (`Private`, …) are left
 *     out of a listed record after its row was read, and a record with no version left is left
 *     out of the page: the cursor that named its row still names it (the detail endpoint shows
 *     every version).
 * - `GET /api/v1/models/{id}`: the full record; 404 `{"error":"No model with id …"}`.
 * - An injectable cursor bug (`skipCursorItems`): the next cursor pages exclude the row their
 *   cursor names (civitai/civitai#1372), so the crawler's gap detection has something to find.
 * - Injectable `metadata` a crawler cannot read a cursor from (`breakMetadata`): a `nextPage` by
 *   page number (as the hub answers a request by `page`), or no `metadata` at all.
 * - Rate limits (optional): a fixed window, then 429 with `Retry-After`.
 * - Faults per test: 5xx, hangs, delays, truncated bodies, connection resets, malformed entries
 *   inside a valid page, replaced bodies, 429 bursts with `Retry-After`.
 * - A request log and counters.
 *
 * The server, the log, the faults and the rate limit are ../fake-server.ts's; this file is
 * Civitai's routes, answers and `{"error": …}` bodies.
 */
import type { IncomingMessage } from 'node:http';
import { FakeServer, JSON_UTF8, jsonReply, withMalformed } from '../fake-server.js';
import type { MalformedFault, RateLimitPolicy, Reply } from '../fake-server.js';
import type { CivitaiFakeRecord, CivitaiFakeVersion } from './civitai-records.js';

export { civitaiRecord, civitaiRecords, civitaiSeedRecords, type CivitaiFakeRecord } from './civitai-records.js';

export type Route = 'list' | 'model' | 'other';

/**
 * A listing page's `metadata` gone wrong: `page-number`, a `nextPage` naming the next page by its
 * number and no cursor (as the hub answers a request by `page`); `missing`, no `metadata` at all.
 */
export type MetadataBug = 'page-number' | 'missing';

export interface CivitaiFakeOptions {
  readonly records?: readonly CivitaiFakeRecord[];
  /** One fixed window for the API's routes; none by default (Civitai publishes none). */
  readonly rateLimit?: RateLimitPolicy;
}

const MAX_LIMIT = 100;
const MAX_PAGED_ITEMS = 1_000;
/** The version availabilities a listing shows (lower case); the detail endpoint shows every one. */
const LISTED_AVAILABILITY: ReadonlySet<string> = new Set(['public', 'earlyaccess']);
/** `publicBrowsingLevelsFlag`: PG (1) and PG-13 (2). */
const PUBLIC_BROWSING_LEVELS = 1 | 2;
export const SORTS = ['Highest Rated', 'Most Liked', 'Most Downloaded', 'Newest', 'Oldest'] as const;
type Sort = (typeof SORTS)[number];

type KeyValue = number;
interface SortField {
  readonly name: string;
  readonly desc: boolean;
  readonly date: boolean;
  readonly of: (record: CivitaiFakeRecord) => KeyValue;
}

/** The latest version's publication: the hub's `lastVersionAt`. */
export function lastVersionAt(record: CivitaiFakeRecord): number {
  return Math.max(...record.modelVersions.map((version) => Date.parse(version.publishedAt)), 0);
}
const downloads = (record: CivitaiFakeRecord) => record.stats?.['downloadCount'] ?? 0;
const thumbsUp = (record: CivitaiFakeRecord) => record.stats?.['thumbsUpCount'] ?? 0;
const id = (record: CivitaiFakeRecord) => record.id;

/** Whether a listing shows this version (one without an availability is shown). */
function listedVersion(version: CivitaiFakeVersion): boolean {
  const availability = version['availability'];
  return typeof availability !== 'string' || LISTED_AVAILABILITY.has(availability.toLowerCase());
}

/** Highest Rated and Most Liked order alike. */
const BY_THUMBS_UP: readonly SortField[] = [
  { name: 'thumbsUpCount', desc: true, date: false, of: thumbsUp },
  { name: 'downloadCount', desc: true, date: false, of: downloads },
  { name: 'modelId', desc: false, date: false, of: id },
];

/** The server's ORDER BY for each sort (model.service.ts `getModelsRaw`). */
const ORDER: Readonly<Record<Sort, readonly SortField[]>> = {
  Newest: [
    { name: 'lastVersionAt', desc: true, date: true, of: lastVersionAt },
    { name: 'modelId', desc: true, date: false, of: id },
  ],
  Oldest: [
    { name: 'lastVersionAt', desc: false, date: true, of: lastVersionAt },
    { name: 'modelId', desc: false, date: false, of: id },
  ],
  'Highest Rated': BY_THUMBS_UP,
  'Most Liked': BY_THUMBS_UP,
  'Most Downloaded': [
    { name: 'downloadCount', desc: true, date: false, of: downloads },
    { name: 'thumbsUpCount', desc: true, date: false, of: thumbsUp },
    { name: 'modelId', desc: false, date: false, of: id },
  ],
};

/** A timestamp as Postgres prints it inside CONCAT (`2026-07-02 10:15:00.000`). */
function pgTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function compareKeys(order: readonly SortField[], a: readonly KeyValue[], b: readonly KeyValue[]): number {
  for (const [i, field] of order.entries()) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return field.desc ? y - x : x - y;
  }
  return 0;
}

function zodError(path: string, message: string): Reply {
  return jsonReply(400, { error: { issues: [{ code: 'custom', path: [path], message }], name: 'ZodError' } });
}

export class CivitaiFakeHub extends FakeServer<Route> {
  private readonly records = new Map<number, CivitaiFakeRecord>();
  private cursorSkips = 0;
  private cursorSkipsServed = 0;
  private metadataBug: { kind: MetadataBug; remaining: number; skip: number } | undefined;

  constructor(options: CivitaiFakeOptions = {}) {
    super({
      name: 'fake civitai',
      routes: ['list', 'model', 'other'],
      listRoute: 'list',
      jsonContentType: JSON_UTF8,
      rateLimitMessage: 'Too Many Requests',
      rateLimit: options.rateLimit,
    });
    this.add(...(options.records ?? []));
  }

  // --- the data ----------------------------------------------------------------------------------

  add(...records: readonly CivitaiFakeRecord[]): void {
    for (const record of records) this.records.set(record.id, structuredClone(record));
  }

  remove(modelId: number): void {
    this.records.delete(modelId);
  }

  get(modelId: number): CivitaiFakeRecord {
    const record = this.records.get(modelId);
    if (!record) throw new Error(`fake civitai: no model ${modelId}`);
    return record;
  }

  all(): CivitaiFakeRecord[] {
    return [...this.records.values()];
  }

  /** The records a full listing with `nsfw=true&archived=true` shows (every one with a listed version). */
  listable(): CivitaiFakeRecord[] {
    return this.all().filter((record) => record.modelVersions.some(listedVersion));
  }

  update(modelId: number, change: (record: CivitaiFakeRecord) => void): void {
    change(this.get(modelId));
  }

  /** Volatile counters (never a content change). */
  setStats(modelId: number, stats: Record<string, number | null> | null): void {
    this.update(modelId, (record) => {
      record.stats = stats;
    });
  }

  /** New images on every version, and the `nsfwLevel` they bring (never a content change). */
  setImages(modelId: number, images: Record<string, unknown>[], nsfwLevel?: number): void {
    this.update(modelId, (record) => {
      for (const version of record.modelVersions) version.images = structuredClone(images);
      if (nsfwLevel !== undefined) record.nsfwLevel = nsfwLevel;
    });
  }

  /** A new version, published at `at`: the model moves to the head of `Newest` (and the end of `Oldest`). */
  publishVersion(modelId: number, at: Date = new Date()): CivitaiFakeVersion {
    const record = this.get(modelId);
    const latest = record.modelVersions[0];
    const versionId = Math.max(0, ...record.modelVersions.map((version) => version.id)) + 1;
    const version: CivitaiFakeVersion = {
      ...structuredClone(latest ?? { files: [], images: [] }),
      id: versionId,
      index: 0,
      name: `v${record.modelVersions.length + 1}.0`,
      publishedAt: at.toISOString(),
      files: (latest?.files ?? []).map((file) => ({
        ...structuredClone(file),
        id: versionId * 10 + 1,
        hashes: { SHA256: versionId.toString(16).padStart(64, 'A').toUpperCase() },
      })),
      images: [],
    };
    record.modelVersions = [version, ...record.modelVersions.map((v, i) => ({ ...v, index: i + 1 }))];
    return version;
  }

  // --- faults and bugs ---------------------------------------------------------------------------

  /** The next `count` cursor pages leave out the row their cursor names (civitai/civitai#1372). */
  skipCursorItems(count = 1): void {
    this.cursorSkips += count;
  }

  /** How many cursor pages the skip bug has altered. */
  get cursorItemsSkipped(): number {
    return this.cursorSkipsServed;
  }

  /**
   * The next `count` listing answers (default 1; `Infinity` for all), after `skip` more, carry
   * `metadata` as `kind` says (their items are the real ones).
   */
  breakMetadata(kind: MetadataBug, options: { readonly count?: number; readonly skip?: number } = {}): void {
    this.metadataBug = { kind, remaining: options.count ?? 1, skip: options.skip ?? 0 };
  }

  override clearFaults(): void {
    super.clearFaults();
    this.cursorSkips = 0;
    this.metadataBug = undefined;
  }

  // --- what Civitai answers ----------------------------------------------------------------------

  protected routeOf(pathname: string): Route {
    if (pathname === '/api/v1/models' || pathname === '/api/v1/models/') return 'list';
    if (pathname.startsWith('/api/v1/models/')) return 'model';
    return 'other';
  }

  protected errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
    return jsonReply(status, { error: message }, headers);
  }

  /** The window (if any) counts the API's routes only. */
  protected override windowFor(route: Route, url: URL) {
    return route === 'other' ? undefined : super.windowFor(route, url);
  }

  protected answer(request: IncomingMessage, url: URL, route: Route, malformed: MalformedFault | undefined): Reply {
    if (request.method !== 'GET') return jsonReply(405, { error: 'Method not allowed' });
    if (route === 'list') return this.list(url, malformed);
    if (route === 'model') return this.model(url);
    return jsonReply(404, { error: 'Not found' });
  }

  /** The metadata bug this listing answer carries, if any. */
  private takeMetadataBug(): MetadataBug | undefined {
    const bug = this.metadataBug;
    if (!bug || bug.remaining <= 0) return undefined;
    if (bug.skip > 0) {
      bug.skip--;
      return undefined;
    }
    bug.remaining--;
    return bug.kind;
  }

  /** A record as the listing shows it (with every version as the detail endpoint shows it). */
  private listed(record: CivitaiFakeRecord, nsfw: boolean, detail = false): Record<string, unknown> {
    const archived = record.mode === 'Archived';
    const takenDown = record.mode === 'TakenDown';
    const versions = detail ? record.modelVersions : record.modelVersions.filter(listedVersion);
    return {
      ...structuredClone(record),
      // The listing leaves out each version's createdAt; the detail endpoint keeps it.
      modelVersions: versions.map(({ createdAt, ...version }) => ({
        ...(detail && createdAt !== undefined ? { createdAt } : {}),
        ...structuredClone(version),
        files: archived ? [] : structuredClone(version.files),
        images: takenDown
          ? []
          : version.images.filter(
              (image) => nsfw || ((image['nsfwLevel'] as number | undefined) ?? 1) & PUBLIC_BROWSING_LEVELS,
            ),
        downloadUrl: archived ? undefined : version['downloadUrl'],
      })),
    };
  }

  private list(url: URL, malformed: MalformedFault | undefined): Reply {
    const params = url.searchParams;
    const limitParam = params.get('limit');
    const limit = limitParam === null ? MAX_LIMIT : Number(limitParam);
    if (!Number.isFinite(limit) || limit < 0 || limit > MAX_LIMIT) {
      return zodError('limit', `Number must be less than or equal to ${MAX_LIMIT}`);
    }
    const take = limit === 0 ? MAX_LIMIT : Math.floor(limit);
    const nsfwParam = params.get('nsfw');
    if (nsfwParam !== null && nsfwParam !== 'true' && nsfwParam !== 'false')
      return zodError('nsfw', 'Expected boolean');
    const nsfw = nsfwParam === 'true';
    const sort = (params.get('sort') ?? 'Highest Rated') as Sort;
    if (!SORTS.includes(sort)) return zodError('sort', `Invalid enum value: ${sort}`);
    const pageParam = params.get('page');
    const page = pageParam === null ? undefined : Number(pageParam);
    if (page !== undefined && (!Number.isInteger(page) || page < 1))
      return zodError('page', 'Expected a positive integer');
    const cursor = params.get('cursor');
    const query = params.get('query');
    const usingPaging = page !== undefined && cursor === null;
    if (usingPaging && page * take > MAX_PAGED_ITEMS) {
      return jsonReply(429, { error: "You've requested too many pages, please use cursors instead" });
    }
    if (query && page !== undefined) {
      return jsonReply(400, { error: 'Cannot use page param with query search. Use cursor-based pagination.' });
    }

    let rows = this.all().filter(
      (record) =>
        record.modelVersions.length > 0 &&
        (params.get('archived') === 'true' || record.mode !== 'Archived') &&
        (nsfw || (record.nsfwLevel & PUBLIC_BROWSING_LEVELS) !== 0),
    );

    let items: CivitaiFakeRecord[];
    let nextCursor: string | number | undefined;
    /** Where the page starts in its order (0 on the search path, which is not counted). */
    let pageStart = 0;
    if (query) {
      // The search index: names, newest id first; `id < cursor` leaves out the row the cursor names.
      rows = rows
        .filter((record) => record.name.toLowerCase().includes(query.toLowerCase()))
        .sort((a, b) => b.id - a.id);
      if (cursor !== null) {
        const below = Number(cursor);
        if (!Number.isInteger(below)) return zodError('cursor', 'Invalid cursor');
        rows = rows.filter((record) => record.id < below);
      }
      const window = rows.slice(0, take + 1);
      nextCursor = window.length > take ? window.pop()?.id : undefined;
      items = window;
    } else {
      const order = ORDER[sort];
      const keyOf = (record: CivitaiFakeRecord) => order.map((field) => field.of(record));
      rows.sort((a, b) => compareKeys(order, keyOf(a), keyOf(b)));
      let start = 0;
      if (cursor !== null) {
        const tokens = cursor.split('|');
        if (tokens.length !== order.length) {
          return jsonReply(400, {
            error: `Invalid cursor: expected ${order.length} value(s) for this sort, received ${tokens.length}`,
          });
        }
        const bound: number[] = [];
        for (const [i, token] of tokens.entries()) {
          const value = order[i]?.date ? Date.parse(`${token.replace(' ', 'T')}Z`) : Number.parseInt(token, 10);
          if (Number.isNaN(value)) return jsonReply(400, { error: `Invalid cursor: unparseable value "${token}"` });
          bound.push(value);
        }
        // Inclusive of the cursor row, as the fixed server is; the injected bug makes it strict.
        const strict = this.cursorSkips > 0;
        if (strict) {
          this.cursorSkips--;
          this.cursorSkipsServed++;
        }
        start = rows.findIndex((record) => {
          const c = compareKeys(order, keyOf(record), bound);
          return strict ? c > 0 : c >= 0;
        });
        if (start === -1) start = rows.length;
      } else if (usingPaging) {
        start = (page - 1) * take;
      }
      pageStart = start;
      const window = rows.slice(start, start + take + 1);
      if (window.length > take) {
        const next = window.pop()!;
        nextCursor = order
          .map((field) => (field.date ? pgTimestamp(field.of(next)) : String(field.of(next))))
          .join('|');
      }
      items = window;
    }

    // Rows read, then their versions the listing does not show dropped, and a record left without
    // any with them: the cursor above may name a row that is not on its page.
    const page_ = withMalformed(
      items.filter((record) => record.modelVersions.some(listedVersion)).map((record) => this.listed(record, nsfw)),
      malformed,
    );
    let metadata: Record<string, unknown> = {};
    if (nextCursor !== undefined) {
      const nextParams = new URLSearchParams(params);
      nextParams.set('cursor', String(nextCursor));
      metadata['nextCursor'] = nextCursor;
      metadata['nextPage'] = `${this.url}/api/v1/models?${nextParams.toString()}`;
    }
    if (usingPaging) {
      metadata['currentPage'] = page;
      metadata['pageSize'] = take;
    }
    const bug = this.takeMetadataBug();
    if (bug === 'missing') return jsonReply(200, { items: page_ });
    if (bug === 'page-number') {
      // The page this answer would be by number (1-based), and the next one's URL by number only.
      const current = usingPaging ? page : Math.floor(pageStart / take) + 1;
      metadata = { currentPage: current, pageSize: take };
      if (nextCursor !== undefined) {
        const nextParams = new URLSearchParams(params);
        nextParams.delete('cursor');
        nextParams.set('page', String(current + 1));
        metadata['nextPage'] = `${this.url}/api/v1/models?${nextParams.toString()}`;
      }
    }
    return jsonReply(200, { items: page_, metadata });
  }

  private model(url: URL): Reply {
    const raw = decodeURIComponent(url.pathname.slice('/api/v1/models/'.length)).replace(/\/$/, '');
    if (!/^\d+$/.test(raw)) return zodError('id', 'Expected number, received nan');
    const record = this.records.get(Number(raw));
    if (!record) return jsonReply(404, { error: `No model with id ${raw}` });
    return jsonReply(200, this.listed(record, true, true));
  }
}
