/**
 * A fake Hugging Face Hub for integration tests: an HTTP server on 127.0.0.1 that speaks the real
 * API (../shared/reference/hub-apis.md §1–§2) closely enough for our crawler and for
 * `@huggingface/hub`'s `listModels`, `modelInfo` and `downloadFile`:
 *
 * - `GET /api/models`: `search`, `author`, `filter` (repeatable, ANDed), `pipeline_tag`, `gated`,
 *   `sort` (createdAt, lastModified, downloads, likes, trendingScore = the default), `direction`
 *   (`1` is honoured for createdAt only; the Hub silently ignores it for the other keys), `limit`
 *   (≤ 1000, default 1000), `expand` / `expand[]` (only those keys plus `_id` and `id`; an unknown
 *   key is a 400), `cursor` (base64 of the Hub's Mongo-style keyset on (sort key, `_id`), so it
 *   stays valid while records change). Pages with more results carry
 *   `Link: <http://127.0.0.1:PORT/api/models?…&cursor=…>; rel="next"`; the last page has none.
 * - `GET /api/models/{repo}[/revision/{rev}]`: the full model info (without the list-only fields
 *   `trendingScore`, `downloadsAllTime` and `inferenceProviderMapping`, which `expand` brings);
 *   307 with a relative Location for a renamed repo; 401 `RepoNotFound` for a missing one.
 * - `GET /{repo}/resolve/{rev}/{path}`: README.md and LICENSE files (content settable per repo,
 *   generated otherwise), with `Range` support as `downloadFile` needs; 404 `EntryNotFound` else.
 * - Rate limits in fixed windows, as the Hub's: every `/api/…` response carries
 *   `RateLimit: "api";r=…;t=…` and `RateLimit-Policy: "fixed window";"api";q=…;w=…`, and a 429
 *   with `Retry-After` once the window's quota is spent. Resolve requests count in their own
 *   "resolvers" bucket (higher quota), as on the Hub: they never spend the API budget. A window
 *   opens at the first request after the previous one ended; `t` and `w` are whole seconds
 *   (rounded up), so windows shorter than a second show `w=1`.
 * - Fault injection per test (`inject` and the shortcuts): 5xx, hangs, delays, truncated bodies,
 *   connection resets, malformed records inside a valid page, replaced bodies, 429 bursts; per
 *   model (`failModel`): its info, README or LICENSE failing.
 * - Detail-only content (`setInfo`): fields the model-info answer carries and listings do not, such
 *   as a license name with a NUL byte and a lone surrogate (JSON escapes them; JSON.parse restores
 *   them), the way a hub's detail page can disagree with its listing.
 * - A request log and counters (requests per path and route, statuses, 429s, concurrency).
 *
 * The records come from a `ModelStore` (./model-store.ts): in memory and mutable
 * (`MemoryModelStore.fromFixtures()` loads the hand-written records of prisma/seed/huggingface/,
 * which are model-info bodies plus the list-only fields), or generated (`GeneratedModelStore`).
 *
 *   const hub = await FakeHub.start({ store: MemoryModelStore.fromFixtures(), rateLimit: { quota: 50, windowMs: 2_000 } });
 *   hub.models.setLicense('openai-community/gpt2', 'apache-2.0');   // a commit
 *   hub.failNext(2, 503, { route: 'list' });
 *   … point the crawler at hub.url …
 *   expect(hub.counters().throttled).toBe(0);
 *   await hub.stop();
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify as toYaml } from 'yaml';
import type { HfGeneratedRecord } from '../../src/catalog/seed/demo/record-generator.js';
import {
  MemoryModelStore,
  SORT_KEYS,
  type Keyset,
  type ListQuery,
  type ModelStore,
  type SortKey,
} from './model-store.js';

export { GeneratedModelStore, MemoryModelStore, loadFixtureRecords, type ModelStore } from './model-store.js';

// ---------------------------------------------------------------------------------------------
// Public types.

export interface RateLimitPolicy {
  readonly quota: number;
  readonly windowMs: number;
}

/** The Hub's "free user" API tier: 1,000 requests per 5-minute window. */
export const DEFAULT_API_POLICY: RateLimitPolicy = { quota: 1_000, windowMs: 300_000 };
/** The Hub's "free user" resolvers tier. */
export const DEFAULT_RESOLVER_POLICY: RateLimitPolicy = { quota: 5_000, windowMs: 300_000 };

export type Bucket = 'api' | 'resolvers';
export type Route = 'list' | 'info' | 'resolve' | 'other';

export interface FakeHubOptions {
  readonly store?: ModelStore;
  readonly rateLimit?: RateLimitPolicy;
  readonly resolverRateLimit?: RateLimitPolicy;
  /** Added before every answer. */
  readonly latencyMs?: number;
  /**
   * Whether resolving files of gated repos needs an `Authorization: Bearer hf_…` header. Off by
   * default: whether the Hub lets anonymous callers read a gated repo's README is unverified.
   */
  readonly gatedFilesNeedToken?: boolean;
  /** Clock for the rate-limit windows (tests may step it); default `Date.now`. */
  readonly now?: () => number;
}

/** A change to a model-info answer only (`FakeHub.setInfo`). */
export type InfoChange = Partial<HfGeneratedRecord> | ((record: HfGeneratedRecord) => HfGeneratedRecord);

export interface FaultMatch {
  readonly route?: Route;
  /** A pathname (exact) or a pattern tested against pathname + query. */
  readonly path?: string | RegExp;
}

export type FaultAction =
  /** Answer with this status (and a JSON error body unless `body` is given). */
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  /** Never answer; the request stays open until the client gives up or the hub stops. */
  | { readonly kind: 'hang' }
  /** Answer normally after `ms`. */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Valid status and headers, body cut after `keepBytes` (default: half). By default the response
   * then ends cleanly (its JSON does not parse); with `abort` the Content-Length promises the whole
   * body and the connection is destroyed mid-body.
   */
  | { readonly kind: 'truncate'; readonly keepBytes?: number; readonly abort?: boolean }
  /** Destroy the connection without answering. */
  | { readonly kind: 'reset' }
  /** Insert these raw entries into the next listing page(s), around its valid records. */
  | { readonly kind: 'malformed'; readonly entries: readonly unknown[]; readonly position?: 'start' | 'middle' | 'end' }
  /** Answer 200 with this JSON body instead of the real one. */
  | { readonly kind: 'body'; readonly body: unknown }
  /** A 429 with `Retry-After` and `RateLimit: …;r=0;t=…`, whatever the quota says. */
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number };

export type FaultRule = FaultAction &
  FaultMatch & {
    /** How many matching requests to affect (default 1; `Infinity` for all). */
    readonly times?: number;
    /** Let this many matching requests through first (requests taken by earlier faults do not count). */
    readonly skip?: number;
  };

export interface FaultHandle {
  /** Requests this fault was applied to. */
  readonly served: number;
  readonly remaining: number;
  cancel(): void;
}

export interface RequestLogEntry {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  /** Path and query string, as received. */
  readonly url: string;
  readonly route: Route;
  readonly headers: IncomingHttpHeaders;
  readonly startedAt: number;
  readonly status: number | undefined;
  readonly fault: FaultAction['kind'] | undefined;
  readonly durationMs: number | undefined;
}

export interface FakeHubCounters {
  readonly requests: number;
  readonly byPath: ReadonlyMap<string, number>;
  readonly byRoute: Readonly<Record<Route, number>>;
  readonly byStatus: ReadonlyMap<number, number>;
  /** 429s served, from the quota or injected. */
  readonly throttled: number;
  /** Injected faults applied. */
  readonly faults: number;
  readonly inFlight: number;
  readonly maxConcurrent: number;
}

/** Entries for `injectMalformed`: each is something a real crawl must survive. */
export const malformed = {
  /** Entries that are not objects at all. */
  nonObjects: (): unknown[] => [42, 'x', null],
  /** A record without its repo id (`id` and `modelId` gone). */
  withoutId: (record: HfGeneratedRecord): unknown => {
    const { id: _id, modelId: _modelId, ...rest } = record;
    return rest;
  },
  /** Wrong-typed fields. */
  wrongTypes: (record: HfGeneratedRecord): unknown => ({ ...record, downloads: 'many', tags: 7, gated: 'sometimes' }),
  /** A 2 MB string field (the card's license name). */
  hugeString: (record: HfGeneratedRecord, bytes = 2 * 1024 * 1024): unknown => ({
    ...record,
    cardData: { ...record.cardData, license_name: 'x'.repeat(bytes) },
  }),
  /** Binary content: NUL and control characters, a lone surrogate, U+FFFD. */
  binaryString: (record: HfGeneratedRecord): unknown => ({
    ...record,
    pipeline_tag: 'text-\u0000generation\u0007\u001b[0m\ud800\ufffd',
    cardData: { ...record.cardData, license: 'mit\u0000' },
  }),
};

// ---------------------------------------------------------------------------------------------
// Hub semantics.

/** Fields the Hub returns in a listing without `expand`. */
export const DEFAULT_LIST_FIELDS = [
  '_id',
  'id',
  'likes',
  'trendingScore',
  'private',
  'downloads',
  'tags',
  'pipeline_tag',
  'library_name',
  'createdAt',
  'modelId',
] as const;

/** Valid `expand` values (huggingface_hub's ExpandModelProperty_T plus the JS lib's gitalyUid). */
export const EXPANDABLE_FIELDS: ReadonlySet<string> = new Set([
  'author',
  'baseModels',
  'cardData',
  'childrenModelCount',
  'config',
  'createdAt',
  'disabled',
  'downloads',
  'downloadsAllTime',
  'evalResults',
  'gated',
  'gguf',
  'gitalyUid',
  'inference',
  'inferenceProviderMapping',
  'lastModified',
  'library_name',
  'likes',
  'mask_token',
  'model-index',
  'pipeline_tag',
  'private',
  'resourceGroup',
  'safetensors',
  'sha',
  'siblings',
  'spaces',
  'tags',
  'transformersInfo',
  'trendingScore',
  'usedStorage',
  'widgetData',
]);

/** In listings and via `expand`, but not in a plain model-info answer. */
const LIST_ONLY_FIELDS = new Set(['trendingScore', 'downloadsAllTime', 'inferenceProviderMapping']);

const MAX_LIMIT = 1_000;
const REPO_NOT_FOUND_MESSAGE = 'Invalid username or password.';

function fieldValue(record: HfGeneratedRecord, field: string): unknown {
  if (field === 'baseModels') {
    const relationTag = record.tags.find((tag) => /^base_model:(finetune|adapter|quantized|merge):/.test(tag));
    const base = record.cardData?.base_model;
    if (!relationTag || base === undefined) return undefined;
    return { relation: relationTag.split(':')[1], models: [base].flat().map((id) => ({ id })) };
  }
  return (record as Record<string, unknown>)[field];
}

function project(record: HfGeneratedRecord, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = fieldValue(record, field);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function modelInfoBody(record: HfGeneratedRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) if (!LIST_ONLY_FIELDS.has(field)) out[field] = value;
  return out;
}

/** The Hub's cursor: base64 of `{"$or":[{key: v, _id: {$gt: id}}, {key: {$lt|$gt: v}}(, {key: null})]}`. */
export function encodeCursor(keyset: Keyset, ascending: boolean): string {
  const clauses: Record<string, unknown>[] = [
    { [keyset.key]: keyset.value, _id: { $gt: keyset.id } },
    { [keyset.key]: { [ascending ? '$gt' : '$lt']: keyset.value } },
  ];
  // The Hub's downloads cursors also let records without a count follow (huggingface_hub#2460).
  if (keyset.key === 'downloads' && !ascending) clauses.push({ downloads: null });
  return Buffer.from(JSON.stringify({ $or: clauses })).toString('base64');
}

export function decodeCursor(cursor: string): { keyset: Keyset; ascending: boolean } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { $or?: unknown };
    if (!Array.isArray(parsed.$or)) return undefined;
    const [tie, range] = parsed.$or as Record<string, unknown>[];
    if (!tie || !range) return undefined;
    const gt = (tie['_id'] as { $gt?: unknown } | undefined)?.$gt;
    const key = Object.keys(tie).find((name) => name !== '_id');
    if (typeof gt !== 'string' || !key || !(SORT_KEYS as readonly string[]).includes(key)) return undefined;
    const value = tie[key];
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') return undefined;
    const bound = range[key] as Record<string, unknown> | undefined;
    if (!bound || (!('$gt' in bound) && !('$lt' in bound))) return undefined;
    return { keyset: { key: key as SortKey, value, id: gt }, ascending: '$gt' in bound };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Rate limiting.

class FixedWindow {
  private windowStart: number | undefined;
  private used = 0;

  constructor(
    readonly name: Bucket,
    public policy: RateLimitPolicy,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.windowStart = undefined;
    this.used = 0;
  }

  /** Count one request; returns whether it is allowed and the headers to send either way. */
  consume(): { allowed: boolean; resetSeconds: number; headers: Record<string, string> } {
    const now = this.now();
    if (this.windowStart === undefined || now >= this.windowStart + this.policy.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const allowed = this.used < this.policy.quota;
    if (allowed) this.used++;
    const resetSeconds = Math.max(1, Math.ceil((this.windowStart + this.policy.windowMs - now) / 1000));
    return { allowed, resetSeconds, headers: this.headers(this.policy.quota - this.used, resetSeconds) };
  }

  headers(remaining: number, resetSeconds: number): Record<string, string> {
    return {
      RateLimit: `"${this.name}";r=${remaining};t=${resetSeconds}`,
      'RateLimit-Policy': `"fixed window";"${this.name}";q=${this.policy.quota};w=${Math.ceil(this.policy.windowMs / 1000)}`,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The server.

interface ActiveFault {
  readonly rule: FaultRule;
  remaining: number;
  skip: number;
  served: number;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** JSON routes keep the value, so body faults can replace it. */
  json?: unknown;
}

interface MutableLogEntry {
  seq: number;
  method: string;
  path: string;
  url: string;
  route: Route;
  headers: IncomingHttpHeaders;
  startedAt: number;
  status: number | undefined;
  fault: FaultAction['kind'] | undefined;
  durationMs: number | undefined;
}

const COMMON_HEADERS = {
  'X-Powered-By': 'huggingface-moon',
  'Access-Control-Expose-Headers':
    'X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash',
};

function jsonReply(status: number, json: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify(json),
    json,
  };
}

function errorReply(status: number, error: string, headers: Record<string, string> = {}): Reply {
  return jsonReply(status, { error }, headers);
}

function repoNotFound(): Reply {
  return errorReply(401, REPO_NOT_FOUND_MESSAGE, {
    'X-Error-Code': 'RepoNotFound',
    'X-Error-Message': REPO_NOT_FOUND_MESSAGE,
  });
}

function redirectReply(location: string): Reply {
  return {
    status: 307,
    headers: { Location: location, 'Content-Type': 'text/plain; charset=utf-8' },
    body: `Temporary Redirect. Redirecting to ${location}`,
  };
}

function revisionMatches(record: HfGeneratedRecord, revision: string | undefined): boolean {
  return (
    revision === undefined ||
    revision === 'HEAD' ||
    revision === 'main' ||
    (revision.length >= 7 && record.sha.startsWith(revision))
  );
}

function defaultReadme(record: HfGeneratedRecord): string {
  const name = record.id.split('/').pop() ?? record.id;
  const front = record.cardData ? `---\n${toYaml(record.cardData)}---\n\n` : '';
  return `${front}# ${name}\n\nModel card of ${record.id} (served by the fake Hugging Face hub).\n`;
}

function defaultLicense(record: HfGeneratedRecord): string {
  const license = [record.cardData?.license ?? 'unknown'].flat()[0] ?? 'unknown';
  const year = record.createdAt.slice(0, 4);
  switch (license) {
    case 'apache-2.0':
      return `                                 Apache License\n                           Version 2.0, January 2004\n                        http://www.apache.org/licenses/\n\n   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n`;
    case 'mit':
      return `MIT License\n\nCopyright (c) ${year} ${record.author}\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the "Software"), to deal\nin the Software without restriction.\n`;
    default:
      return `${record.cardData?.license_name ?? license} license\n\nCopyright (c) ${year} ${record.author}. Fake hub stand-in for the license text of ${record.id}.\n`;
  }
}

export class FakeHub {
  readonly store: ModelStore;
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private latencyMs: number;
  private readonly gatedFilesNeedToken: boolean;
  private readonly buckets: Record<Bucket, FixedWindow>;
  private readonly files = new Map<string, string | Buffer>();
  private readonly infoChanges = new Map<string, InfoChange>();
  private faults: ActiveFault[] = [];
  private readonly entries: MutableLogEntry[] = [];
  private readonly open = new Set<ServerResponse>();
  private stopping = new AbortController();
  private seq = 0;
  private inFlight = 0;
  private maxConcurrent = 0;
  private throttled = 0;
  private faultsServed = 0;

  constructor(options: FakeHubOptions = {}) {
    this.store = options.store ?? new MemoryModelStore();
    this.latencyMs = options.latencyMs ?? 0;
    this.gatedFilesNeedToken = options.gatedFilesNeedToken ?? false;
    const now = options.now ?? Date.now;
    this.buckets = {
      api: new FixedWindow('api', options.rateLimit ?? DEFAULT_API_POLICY, now),
      resolvers: new FixedWindow('resolvers', options.resolverRateLimit ?? DEFAULT_RESOLVER_POLICY, now),
    };
  }

  /** Construct and start a hub in one call. */
  static async start(options: FakeHubOptions = {}): Promise<FakeHub> {
    const hub = new FakeHub(options);
    await hub.start();
    return hub;
  }

  /** `http://127.0.0.1:PORT`, once started. */
  get url(): string {
    if (!this.baseUrl) throw new Error('fake hub: not started');
    return this.baseUrl;
  }

  /** The store as a `MemoryModelStore` (throws for a generated store). */
  get models(): MemoryModelStore {
    if (!(this.store instanceof MemoryModelStore)) throw new Error('fake hub: the store is not a MemoryModelStore');
    return this.store;
  }

  async start(): Promise<{ url: string }> {
    if (this.server) return { url: this.url };
    this.stopping = new AbortController();
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: this.baseUrl };
  }

  /** Stops at once: hung and delayed requests are cut off. */
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

  // --- rate limits -----------------------------------------------------------------------------

  /** Set a bucket's policy; its current window ends. */
  setRateLimit(policy: RateLimitPolicy, bucket: Bucket = 'api'): void {
    this.buckets[bucket].policy = policy;
    this.buckets[bucket].reset();
  }

  /** End the current windows (quotas are full again). */
  resetRateLimit(): void {
    this.buckets.api.reset();
    this.buckets.resolvers.reset();
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  // --- files -----------------------------------------------------------------------------------

  /** Content served for `/{repo}/resolve/{rev}/{path}` (README.md and LICENSE are generated otherwise). */
  setFile(repoId: string, path: string, content: string | Buffer): void {
    this.files.set(`${repoId}\u0000${path}`, content);
  }

  /**
   * What `GET /api/models/{repo}` answers for this repo differs from its listing records: `change`
   * applies to the model-info answer only (a partial record, shallow-merged, or a function).
   */
  setInfo(repoId: string, change: InfoChange): void {
    this.infoChanges.set(repoId, change);
  }

  // --- faults ----------------------------------------------------------------------------------

  inject(rule: FaultRule): FaultHandle {
    const active: ActiveFault = { rule, remaining: rule.times ?? 1, skip: rule.skip ?? 0, served: 0 };
    this.faults.push(active);
    return {
      get served() {
        return active.served;
      },
      get remaining() {
        return active.remaining;
      },
      cancel: () => {
        this.faults = this.faults.filter((fault) => fault !== active);
      },
    };
  }

  /** The next `count` matching requests answer `status`. */
  failNext(count: number, status = 503, match: FaultMatch = {}): FaultHandle {
    return this.inject({ ...match, kind: 'status', status, times: count });
  }

  /** Requests to `path` (exact pathname, or a pattern on pathname + query) answer `status`. */
  failPath(path: string | RegExp, status = 500, times = Infinity): FaultHandle {
    return this.inject({ path, kind: 'status', status, times });
  }

  /**
   * One model's requests fail: its info (`/api/models/{repo}`, the default) or one of its files
   * (`file: 'README.md'`), with `status` (default 500) or a connection `reset`, every time unless
   * `times` says otherwise.
   */
  failModel(
    repoId: string,
    options: { readonly file?: string; readonly status?: number | 'reset'; readonly times?: number } = {},
  ): FaultHandle {
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const path = options.file
      ? new RegExp(`^/${escaped(repoId)}/resolve/[^/]+/${escaped(options.file)}(\\?|$)`)
      : new RegExp(`^/api/models/${escaped(repoId)}(/revision/[^/?]+)?(\\?|$)`);
    const times = options.times ?? Infinity;
    return options.status === 'reset'
      ? this.inject({ path, kind: 'reset', times })
      : this.inject({ path, kind: 'status', status: options.status ?? 500, times });
  }

  hangNext(count = 1, match: FaultMatch = {}): FaultHandle {
    return this.inject({ ...match, kind: 'hang', times: count });
  }

  delayNext(ms: number, count = 1, match: FaultMatch = {}): FaultHandle {
    return this.inject({ ...match, kind: 'delay', ms, times: count });
  }

  truncateNext(
    count = 1,
    options: FaultMatch & { readonly keepBytes?: number; readonly abort?: boolean } = {},
  ): FaultHandle {
    return this.inject({ ...options, kind: 'truncate', times: count });
  }

  resetNext(count = 1, match: FaultMatch = {}): FaultHandle {
    return this.inject({ ...match, kind: 'reset', times: count });
  }

  /** Malformed entries inside the next `count` listing pages (see `malformed`). */
  injectMalformed(
    entries: readonly unknown[],
    options: { readonly count?: number; readonly position?: 'start' | 'middle' | 'end' } = {},
  ): FaultHandle {
    return this.inject({
      route: 'list',
      kind: 'malformed',
      entries,
      times: options.count ?? 1,
      ...(options.position ? { position: options.position } : {}),
    });
  }

  /** `count` 429s in a row, each with `Retry-After: retryAfterSeconds`. */
  rateLimitBurst(count: number, retryAfterSeconds = 1, match: FaultMatch = {}): FaultHandle {
    return this.inject({ ...match, kind: 'rate-limit', retryAfterSeconds, times: count });
  }

  clearFaults(): void {
    this.faults = [];
  }

  // --- observation -----------------------------------------------------------------------------

  get log(): readonly RequestLogEntry[] {
    return this.entries;
  }

  /** Logged requests whose pathname equals `path` (or whose path + query matches a pattern). */
  requestsTo(path: string | RegExp): RequestLogEntry[] {
    return this.entries.filter((entry) => (typeof path === 'string' ? entry.path === path : path.test(entry.url)));
  }

  counters(): FakeHubCounters {
    const byPath = new Map<string, number>();
    const byStatus = new Map<number, number>();
    const byRoute: Record<Route, number> = { list: 0, info: 0, resolve: 0, other: 0 };
    for (const entry of this.entries) {
      byPath.set(entry.path, (byPath.get(entry.path) ?? 0) + 1);
      byRoute[entry.route]++;
      if (entry.status !== undefined) byStatus.set(entry.status, (byStatus.get(entry.status) ?? 0) + 1);
    }
    return {
      requests: this.entries.length,
      byPath,
      byRoute,
      byStatus,
      throttled: this.throttled,
      faults: this.faultsServed,
      inFlight: this.inFlight,
      maxConcurrent: this.maxConcurrent,
    };
  }

  /** Forget the log and counters (not the rate-limit windows). */
  resetCounters(): void {
    this.entries.length = 0;
    this.throttled = 0;
    this.faultsServed = 0;
    this.maxConcurrent = this.inFlight;
  }

  // --- request handling ------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(url.pathname);
    const entry: MutableLogEntry = {
      seq: ++this.seq,
      method: request.method ?? 'GET',
      path: url.pathname,
      url: `${url.pathname}${url.search}`,
      route,
      headers: request.headers,
      startedAt: Date.now(),
      status: undefined,
      fault: undefined,
      durationMs: undefined,
    };
    this.entries.push(entry);
    this.inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    this.open.add(response);
    response.on('close', () => {
      this.inFlight--;
      this.open.delete(response);
      entry.durationMs = Date.now() - entry.startedAt;
    });

    try {
      if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: this.stopping.signal });

      const bucket: Bucket | undefined =
        route === 'resolve' ? 'resolvers' : url.pathname.startsWith('/api/') ? 'api' : undefined;
      let rateHeaders: Record<string, string> = {};
      if (bucket) {
        const window = this.buckets[bucket];
        const { allowed, resetSeconds, headers } = window.consume();
        rateHeaders = headers;
        if (!allowed) {
          this.throttled++;
          this.send(response, entry, this.tooManyRequests(headers, resetSeconds));
          return;
        }
      }

      const fault = this.takeFault(route, url);
      if (fault) {
        entry.fault = fault.kind;
        this.faultsServed++;
      }
      switch (fault?.kind) {
        case 'status': {
          const reply =
            fault.body === undefined
              ? errorReply(fault.status, `fake hub: injected ${fault.status}`)
              : { status: fault.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: fault.body };
          reply.headers = { ...rateHeaders, ...reply.headers };
          this.send(response, entry, reply);
          return;
        }
        case 'hang':
          return;
        case 'reset':
          response.socket?.destroy();
          return;
        case 'rate-limit': {
          const seconds = fault.retryAfterSeconds ?? 1;
          this.throttled++;
          const headers = bucket ? this.buckets[bucket].headers(0, seconds) : {};
          this.send(response, entry, this.tooManyRequests(headers, seconds));
          return;
        }
        case 'delay':
          await sleep(fault.ms, undefined, { signal: this.stopping.signal });
          break;
        case 'truncate':
        case 'malformed':
        case 'body':
        case undefined:
          break;
      }

      let reply = this.route(request, url, route, fault?.kind === 'malformed' ? fault : undefined);
      reply.headers = { ...rateHeaders, ...reply.headers };
      if (fault?.kind === 'body') {
        const { Link: _link, ...headers } = reply.headers;
        reply = jsonReply(200, fault.body, headers);
      }
      if (fault?.kind === 'truncate') {
        this.sendTruncated(response, entry, reply, fault.keepBytes, fault.abort ?? false);
        return;
      }
      this.send(response, entry, reply);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      if (!response.headersSent) this.send(response, entry, errorReply(500, `fake hub: ${(error as Error).message}`));
    }
  }

  private tooManyRequests(rateHeaders: Record<string, string>, retryAfterSeconds: number): Reply {
    return errorReply(429, 'You have been rate-limited; retry after the number of seconds in Retry-After.', {
      ...rateHeaders,
      'Retry-After': String(retryAfterSeconds),
    });
  }

  private takeFault(route: Route, url: URL): FaultAction | undefined {
    for (const active of this.faults) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.route !== undefined && rule.route !== route) continue;
      if (rule.path !== undefined) {
        const matches =
          typeof rule.path === 'string' ? url.pathname === rule.path : rule.path.test(`${url.pathname}${url.search}`);
        if (!matches) continue;
      }
      if (active.skip > 0) {
        active.skip--;
        continue;
      }
      active.remaining--;
      active.served++;
      if (active.remaining <= 0) this.faults = this.faults.filter((fault) => fault !== active);
      return rule;
    }
    return undefined;
  }

  private send(response: ServerResponse, entry: MutableLogEntry, reply: Reply): void {
    if (response.destroyed) return;
    entry.status = reply.status;
    response.writeHead(reply.status, { ...COMMON_HEADERS, 'X-Request-Id': `fake-${entry.seq}`, ...reply.headers });
    response.end(reply.body);
  }

  private sendTruncated(
    response: ServerResponse,
    entry: MutableLogEntry,
    reply: Reply,
    keepBytes: number | undefined,
    abort: boolean,
  ): void {
    const body = Buffer.from(reply.body);
    const kept = body.subarray(0, Math.min(body.length - 1, keepBytes ?? Math.floor(body.length / 2)));
    entry.status = reply.status;
    const headers = { ...COMMON_HEADERS, 'X-Request-Id': `fake-${entry.seq}`, ...reply.headers };
    if (!abort) {
      response.writeHead(reply.status, headers);
      response.end(kept);
      return;
    }
    response.writeHead(reply.status, { ...headers, 'Content-Length': String(body.length) });
    response.write(kept, () => response.destroy());
  }

  private route(
    request: IncomingMessage,
    url: URL,
    route: Route,
    malformedFault: Extract<FaultAction, { kind: 'malformed' }> | undefined,
  ): Reply {
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorReply(405, 'Method not allowed');
    switch (route) {
      case 'list':
        return this.listModels(url, malformedFault);
      case 'info':
        return this.modelInfo(url);
      case 'resolve':
        return this.resolveFile(request, url);
      case 'other':
        return errorReply(404, "Sorry, we can't find the page you are looking for.");
    }
  }

  private listModels(url: URL, malformedFault: Extract<FaultAction, { kind: 'malformed' }> | undefined): Reply {
    const params = url.searchParams;
    const sort = (params.get('sort') ?? 'trendingScore') as SortKey;
    if (!SORT_KEYS.includes(sort)) return errorReply(400, `Invalid sort parameter: ${sort}`);
    // The Hub refuses nothing here: direction=1 is honoured for createdAt and ignored for the rest.
    const ascending = params.get('direction') === '1' && sort === 'createdAt';
    const limitParam = params.get('limit');
    const limit = limitParam === null ? MAX_LIMIT : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1) return errorReply(400, `Invalid limit: ${limitParam}`);
    const expand = expandOf(params);
    const unknown = expand.find((field) => !EXPANDABLE_FIELDS.has(field));
    if (unknown !== undefined) {
      return errorReply(400, `"expand" must be one of [${[...EXPANDABLE_FIELDS].join(', ')}], got "${unknown}"`);
    }
    const gated = params.get('gated');
    let after: Keyset | undefined;
    const cursor = params.get('cursor');
    if (cursor !== null) {
      const decoded = decodeCursor(cursor);
      if (!decoded || decoded.keyset.key !== this.store.cursorKey(sort) || decoded.ascending !== ascending) {
        return errorReply(400, 'Invalid cursor');
      }
      after = decoded.keyset;
    }
    const query: ListQuery = {
      sort,
      ascending,
      limit: Math.min(limit, MAX_LIMIT),
      after,
      search: params.getAll('search').filter((term) => term !== ''),
      author: params.get('author') ?? undefined,
      filters: params.getAll('filter').filter((tag) => tag !== ''),
      pipelineTag: params.get('pipeline_tag') ?? undefined,
      gated: gated === 'true' ? true : gated === 'false' ? false : undefined,
    };
    const { records, next } = this.store.list(query);
    const fields = expand.length > 0 ? ['_id', 'id', ...new Set(expand)] : DEFAULT_LIST_FIELDS;
    const page: unknown[] = records.map((record) => project(record, fields));
    if (malformedFault) {
      const at =
        malformedFault.position === 'start'
          ? 0
          : malformedFault.position === 'end'
            ? page.length
            : Math.floor(page.length / 2);
      page.splice(at, 0, ...malformedFault.entries);
    }
    const headers: Record<string, string> = {};
    if (next) {
      const nextParams = new URLSearchParams(params);
      nextParams.set('cursor', encodeCursor(next, ascending));
      headers['Link'] = `<${this.url}/api/models?${nextParams.toString()}>; rel="next"`;
    }
    return jsonReply(200, page, headers);
  }

  private modelInfo(url: URL): Reply {
    const parsed = parseRepoPath(url.pathname.slice('/api/models/'.length));
    if (!parsed) return errorReply(404, "Sorry, we can't find the page you are looking for.");
    const { repoId, revision } = parsed;
    const found = this.store.lookup(repoId);
    if (found.kind === 'missing') return repoNotFound();
    if (found.kind === 'renamed') {
      const suffix = revision === undefined ? '' : `/revision/${encodeURIComponent(revision)}`;
      return redirectReply(`/api/models/${found.to}${suffix}${url.search}`);
    }
    const change = this.infoChanges.get(found.record.id);
    const record =
      change === undefined
        ? found.record
        : typeof change === 'function'
          ? change(found.record)
          : { ...found.record, ...change };
    if (!revisionMatches(record, revision)) {
      return errorReply(404, `Invalid rev id: ${revision}`, {
        'X-Error-Code': 'RevisionNotFound',
        'X-Error-Message': `Invalid rev id: ${revision}`,
      });
    }
    const expand = expandOf(url.searchParams);
    const unknown = expand.find((field) => !EXPANDABLE_FIELDS.has(field));
    if (unknown !== undefined) {
      return errorReply(400, `"expand" must be one of [${[...EXPANDABLE_FIELDS].join(', ')}], got "${unknown}"`);
    }
    const body = expand.length > 0 ? project(record, ['_id', 'id', ...new Set(expand)]) : modelInfoBody(record);
    return jsonReply(200, body, { 'X-Repo-Commit': record.sha });
  }

  private resolveFile(request: IncomingMessage, url: URL): Reply {
    const segments = url.pathname.slice(1).split('/');
    const at = segments.indexOf('resolve');
    const repoId = segments.slice(0, at).map(decodeURIComponent).join('/');
    const revision = decodeURIComponent(segments[at + 1] ?? '');
    const path = segments
      .slice(at + 2)
      .map(decodeURIComponent)
      .join('/');
    const found = this.store.lookup(repoId);
    if (found.kind === 'missing') return repoNotFound();
    if (found.kind === 'renamed') {
      return redirectReply(`/${found.to}/resolve/${segments.slice(at + 1).join('/')}${url.search}`);
    }
    const { record } = found;
    if (!revisionMatches(record, revision)) {
      return errorReply(404, `Invalid rev id: ${revision}`, {
        'X-Error-Code': 'RevisionNotFound',
        'X-Error-Message': `Invalid rev id: ${revision}`,
      });
    }
    const configured = this.files.get(`${record.id}\u0000${path}`);
    const listed = record.siblings.some((sibling) => sibling.rfilename === path);
    const generated =
      listed && path === 'README.md'
        ? defaultReadme(record)
        : listed && /^LICEN[CS]E(\.md|\.txt)?$/i.test(path)
          ? defaultLicense(record)
          : undefined;
    const content = configured ?? generated;
    if (content === undefined) {
      return errorReply(404, 'Entry not found', {
        'X-Error-Code': 'EntryNotFound',
        'X-Error-Message': 'Entry not found',
      });
    }
    const authorization = request.headers.authorization ?? '';
    if (this.gatedFilesNeedToken && record.gated !== false && !/^Bearer hf_\w+/.test(authorization)) {
      const message = `Access to model ${record.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`;
      return errorReply(401, message, { 'X-Error-Code': 'GatedRepo', 'X-Error-Message': message });
    }
    const bytes = Buffer.from(content);
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      'Accept-Ranges': 'bytes',
      ETag: `"${createHash('sha1').update(bytes).digest('hex')}"`,
      'X-Repo-Commit': record.sha,
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(bytes.length - 1, range[2] ? Number(range[2]) : bytes.length - 1);
      if (start >= bytes.length || start > end) {
        return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${bytes.length}` }, body: '' };
      }
      return {
        status: 206,
        headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${bytes.length}` },
        body: bytes.subarray(start, end + 1),
      };
    }
    return { status: 200, headers, body: bytes };
  }
}

/** `expand` and `expand[]` values, in query order (the JS lib sends the first, other clients the second). */
function expandOf(params: URLSearchParams): string[] {
  return [...params].filter(([name]) => name === 'expand' || name === 'expand[]').map(([, value]) => value);
}

function routeOf(pathname: string): Route {
  if (pathname === '/api/models' || pathname === '/api/models/') return 'list';
  if (pathname.startsWith('/api/models/')) return 'info';
  const segments = pathname.slice(1).split('/');
  const at = segments.indexOf('resolve');
  if ((at === 1 || at === 2) && segments.length > at + 2) return 'resolve';
  return 'other';
}

/** `{repo}` or `{repo}/revision/{rev}` where repo is `name` or `owner/name`. */
function parseRepoPath(rest: string): { repoId: string; revision: string | undefined } | undefined {
  const segments = rest.split('/').map(decodeURIComponent);
  let revision: string | undefined;
  if (segments.length >= 3 && segments[segments.length - 2] === 'revision') {
    revision = segments.pop();
    segments.pop();
  }
  if (segments.length < 1 || segments.length > 2 || segments.some((segment) => segment === '')) return undefined;
  return { repoId: segments.join('/'), revision };
}
