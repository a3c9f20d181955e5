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
 * - `GET /api/v1/models/{id}`: the full record; 404 `{"error":"No model with id …"}`.
 * - An injectable cursor bug (`skipCursorItems`): the next cursor pages exclude the row their
 *   cursor names (civitai/civitai#1372), so the crawler's gap detection has something to find.
 * - Rate limits (optional): a fixed window, then 429 with `Retry-After`.
 * - Faults per test: 5xx, hangs, delays, truncated bodies, connection resets, malformed entries
 *   inside a valid page, replaced bodies, 429 bursts with `Retry-After`.
 * - A request log and counters.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CivitaiFakeRecord, CivitaiFakeVersion } from './civitai-records.js';

export { civitaiRecord, civitaiRecords, civitaiSeedRecords, type CivitaiFakeRecord } from './civitai-records.js';

export type Route = 'list' | 'model' | 'other';

export interface FaultMatch {
  readonly route?: Route;
  /** A pattern tested against pathname + query. */
  readonly path?: RegExp;
}

export type FaultAction =
  | { readonly kind: 'status'; readonly status: number }
  /** Never answer; the request stays open until the client gives up or the hub stops. */
  | { readonly kind: 'hang' }
  | { readonly kind: 'delay'; readonly ms: number }
  /** Valid status and headers, the JSON body cut in half (the response ends cleanly). */
  | { readonly kind: 'truncate' }
  | { readonly kind: 'reset' }
  /** Insert these raw entries among the page's items. */
  | { readonly kind: 'malformed'; readonly entries: readonly unknown[]; readonly position?: 'start' | 'middle' | 'end' }
  | { readonly kind: 'body'; readonly body: unknown }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number };

export type FaultRule = FaultAction & FaultMatch & { readonly times?: number; readonly skip?: number };

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly route: Route;
  readonly headers: IncomingMessage['headers'];
  status: number | undefined;
  fault: FaultAction['kind'] | undefined;
}

export interface CivitaiFakeOptions {
  readonly records?: readonly CivitaiFakeRecord[];
  /** A fixed window per route family; none by default (Civitai publishes none). */
  readonly rateLimit?: { readonly quota: number; readonly windowMs: number };
}

const MAX_LIMIT = 100;
const MAX_PAGED_ITEMS = 1_000;
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
  'Highest Rated': [
    { name: 'thumbsUpCount', desc: true, date: false, of: thumbsUp },
    { name: 'downloadCount', desc: true, date: false, of: downloads },
    { name: 'modelId', desc: false, date: false, of: id },
  ],
  'Most Liked': [
    { name: 'thumbsUpCount', desc: true, date: false, of: thumbsUp },
    { name: 'downloadCount', desc: true, date: false, of: downloads },
    { name: 'modelId', desc: false, date: false, of: id },
  ],
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

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  json?: unknown;
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
    json: value,
  };
}

function zodError(path: string, message: string): Reply {
  return json(400, { error: { issues: [{ code: 'custom', path: [path], message }], name: 'ZodError' } });
}

function routeOf(pathname: string): Route {
  if (pathname === '/api/v1/models' || pathname === '/api/v1/models/') return 'list';
  if (pathname.startsWith('/api/v1/models/')) return 'model';
  return 'other';
}

interface ActiveFault {
  readonly rule: FaultRule;
  remaining: number;
  skip: number;
}

export class CivitaiFakeHub {
  private readonly records = new Map<number, CivitaiFakeRecord>();
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private faults: ActiveFault[] = [];
  private readonly entries: RequestLogEntry[] = [];
  private readonly open = new Set<ServerResponse>();
  private stopping = new AbortController();
  private cursorSkips = 0;
  private cursorSkipsServed = 0;
  private window = { start: 0, used: 0 };

  constructor(private readonly options: CivitaiFakeOptions = {}) {
    this.add(...(options.records ?? []));
  }

  static async start(options: CivitaiFakeOptions = {}): Promise<CivitaiFakeHub> {
    const hub = new CivitaiFakeHub(options);
    await hub.listen();
    return hub;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('fake civitai: not started');
    return this.baseUrl;
  }

  private async listen(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopping.abort();
    const closed = [...this.open].map((response) => once(response, 'close'));
    for (const response of this.open) response.destroy();
    server.closeAllConnections();
    await Promise.all([...closed, new Promise<void>((resolve) => server.close(() => resolve()))]);
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

  /** The records a full listing with `nsfw=true&archived=true` shows (every one with a version). */
  listable(): CivitaiFakeRecord[] {
    return this.all().filter((record) => record.modelVersions.length > 0);
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

  inject(rule: FaultRule): void {
    this.faults.push({ rule, remaining: rule.times ?? 1, skip: rule.skip ?? 0 });
  }

  failNext(count: number, status = 503, match: FaultMatch = {}): void {
    this.inject({ ...match, kind: 'status', status, times: count });
  }

  hangNext(count = 1, match: FaultMatch = {}): void {
    this.inject({ ...match, kind: 'hang', times: count });
  }

  truncateNext(count = 1, match: FaultMatch = {}): void {
    this.inject({ ...match, kind: 'truncate', times: count });
  }

  resetNext(count = 1, match: FaultMatch = {}): void {
    this.inject({ ...match, kind: 'reset', times: count });
  }

  rateLimitBurst(count: number, retryAfterSeconds = 1, match: FaultMatch = {}): void {
    this.inject({ ...match, kind: 'rate-limit', retryAfterSeconds, times: count });
  }

  injectMalformed(
    entries: readonly unknown[],
    options: { count?: number; position?: 'start' | 'middle' | 'end' } = {},
  ): void {
    this.inject({
      route: 'list',
      kind: 'malformed',
      entries,
      times: options.count ?? 1,
      ...(options.position ? { position: options.position } : {}),
    });
  }

  /** The next `count` cursor pages leave out the row their cursor names (civitai/civitai#1372). */
  skipCursorItems(count = 1): void {
    this.cursorSkips += count;
  }

  /** How many cursor pages the skip bug has altered. */
  get cursorItemsSkipped(): number {
    return this.cursorSkipsServed;
  }

  clearFaults(): void {
    this.faults = [];
    this.cursorSkips = 0;
  }

  // --- observation -------------------------------------------------------------------------------

  get log(): readonly RequestLogEntry[] {
    return this.entries;
  }

  requestsTo(route: Route): RequestLogEntry[] {
    return this.entries.filter((entry) => entry.route === route);
  }

  resetLog(): void {
    this.entries.length = 0;
  }

  // --- serving -----------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(url.pathname);
    const entry: RequestLogEntry = {
      method: request.method ?? 'GET',
      path: url.pathname,
      url: `${url.pathname}${url.search}`,
      route,
      headers: request.headers,
      status: undefined,
      fault: undefined,
    };
    this.entries.push(entry);
    this.open.add(response);
    response.on('close', () => this.open.delete(response));
    try {
      if (this.options.rateLimit && route !== 'other') {
        const now = Date.now();
        const { quota, windowMs } = this.options.rateLimit;
        if (now >= this.window.start + windowMs) this.window = { start: now, used: 0 };
        if (this.window.used >= quota) {
          const seconds = Math.max(1, Math.ceil((this.window.start + windowMs - now) / 1000));
          this.send(response, entry, json(429, { error: 'Too Many Requests' }, { 'Retry-After': String(seconds) }));
          return;
        }
        this.window.used++;
      }
      const fault = this.takeFault(route, url);
      entry.fault = fault?.kind;
      switch (fault?.kind) {
        case 'status':
          this.send(response, entry, json(fault.status, { error: `fake civitai: injected ${fault.status}` }));
          return;
        case 'hang':
          return;
        case 'reset':
          response.socket?.destroy();
          return;
        case 'rate-limit':
          this.send(
            response,
            entry,
            json(429, { error: 'Too Many Requests' }, { 'Retry-After': String(fault.retryAfterSeconds ?? 1) }),
          );
          return;
        case 'delay':
          await sleep(fault.ms, undefined, { signal: this.stopping.signal });
          break;
        case 'truncate':
        case 'malformed':
        case 'body':
        case undefined:
          break;
      }
      let reply =
        request.method !== 'GET'
          ? json(405, { error: 'Method not allowed' })
          : route === 'list'
            ? this.list(url, fault?.kind === 'malformed' ? fault : undefined)
            : route === 'model'
              ? this.model(url)
              : json(404, { error: 'Not found' });
      if (fault?.kind === 'body') reply = json(200, fault.body);
      if (fault?.kind === 'truncate')
        reply = { ...reply, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) };
      this.send(response, entry, reply);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      if (!response.headersSent) this.send(response, entry, json(500, { error: (error as Error).message }));
    }
  }

  private takeFault(route: Route, url: URL): FaultAction | undefined {
    for (const active of this.faults) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.route !== undefined && rule.route !== route) continue;
      if (rule.path !== undefined && !rule.path.test(`${url.pathname}${url.search}`)) continue;
      if (active.skip > 0) {
        active.skip--;
        continue;
      }
      active.remaining--;
      if (active.remaining <= 0) this.faults = this.faults.filter((fault) => fault !== active);
      return rule;
    }
    return undefined;
  }

  private send(response: ServerResponse, entry: RequestLogEntry, reply: Reply): void {
    if (response.destroyed) return;
    entry.status = reply.status;
    response.writeHead(reply.status, reply.headers);
    response.end(reply.body);
  }

  /** A record as the listing shows it. */
  private listed(record: CivitaiFakeRecord, nsfw: boolean, detail = false): Record<string, unknown> {
    const archived = record.mode === 'Archived';
    const takenDown = record.mode === 'TakenDown';
    return {
      ...structuredClone(record),
      // The listing leaves out each version's createdAt; the detail endpoint keeps it.
      modelVersions: record.modelVersions.map(({ createdAt, ...version }) => ({
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

  private list(url: URL, malformed: Extract<FaultAction, { kind: 'malformed' }> | undefined): Reply {
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
      return json(429, { error: "You've requested too many pages, please use cursors instead" });
    }
    if (query && page !== undefined) {
      return json(400, { error: 'Cannot use page param with query search. Use cursor-based pagination.' });
    }

    let rows = this.all().filter(
      (record) =>
        record.modelVersions.length > 0 &&
        (params.get('archived') === 'true' || record.mode !== 'Archived') &&
        (nsfw || (record.nsfwLevel & PUBLIC_BROWSING_LEVELS) !== 0),
    );

    let items: CivitaiFakeRecord[];
    let nextCursor: string | number | undefined;
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
          return json(400, {
            error: `Invalid cursor: expected ${order.length} value(s) for this sort, received ${tokens.length}`,
          });
        }
        const bound: number[] = [];
        for (const [i, token] of tokens.entries()) {
          const value = order[i]?.date ? Date.parse(`${token.replace(' ', 'T')}Z`) : Number.parseInt(token, 10);
          if (Number.isNaN(value)) return json(400, { error: `Invalid cursor: unparseable value "${token}"` });
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
      const window = rows.slice(start, start + take + 1);
      if (window.length > take) {
        const next = window.pop()!;
        nextCursor = order
          .map((field) => (field.date ? pgTimestamp(field.of(next)) : String(field.of(next))))
          .join('|');
      }
      items = window;
    }

    const page_: unknown[] = items.map((record) => this.listed(record, nsfw));
    if (malformed) {
      const at =
        malformed.position === 'start' ? 0 : malformed.position === 'end' ? page_.length : Math.floor(page_.length / 2);
      page_.splice(at, 0, ...malformed.entries);
    }
    const metadata: Record<string, unknown> = {};
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
    return json(200, { items: page_, metadata });
  }

  private model(url: URL): Reply {
    const raw = decodeURIComponent(url.pathname.slice('/api/v1/models/'.length)).replace(/\/$/, '');
    if (!/^\d+$/.test(raw)) return zodError('id', 'Expected number, received nan');
    const record = this.records.get(Number(raw));
    if (!record) return json(404, { error: `No model with id ${raw}` });
    return json(200, this.listed(record, true, true));
  }
}
