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
 * The server, the log, the fault queue and the latency are ./fake-server.ts's, shared with the
 * other fake hubs; this file is the Hub's routes, answers, error bodies and RateLimit headers.
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
import type { IncomingMessage } from 'node:http';
import { stringify as toYaml } from 'yaml';
import type { HfGeneratedRecord } from '../../src/catalog/seed/demo/record-generator.js';
import { FakeServer, FixedWindow, JSON_UTF8, jsonReply, withMalformed } from './fake-server.js';
import type { FaultHandle, MalformedFault, RateLimitPolicy, Reply, RequestLogEntry } from './fake-server.js';
import {
  MemoryModelStore,
  SORT_KEYS,
  type Keyset,
  type ListQuery,
  type ModelStore,
  type SortKey,
} from './model-store.js';

export { GeneratedModelStore, MemoryModelStore, loadFixtureRecords, type ModelStore } from './model-store.js';
export type { RateLimitPolicy } from './fake-server.js';

// ---------------------------------------------------------------------------------------------
// Public types.

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
// The server.

const COMMON_HEADERS = {
  'X-Powered-By': 'huggingface-moon',
  'Access-Control-Expose-Headers':
    'X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash',
};

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

export class FakeHub extends FakeServer<Route> {
  readonly store: ModelStore;
  private readonly gatedFilesNeedToken: boolean;
  private readonly buckets: Record<Bucket, FixedWindow>;
  private readonly files = new Map<string, string | Buffer>();
  private readonly infoChanges = new Map<string, InfoChange>();

  constructor(options: FakeHubOptions = {}) {
    super({
      name: 'fake hub',
      routes: ['list', 'info', 'resolve', 'other'],
      listRoute: 'list',
      jsonContentType: JSON_UTF8,
      rateLimitMessage: 'You have been rate-limited; retry after the number of seconds in Retry-After.',
      latencyMs: options.latencyMs,
    });
    this.store = options.store ?? new MemoryModelStore();
    this.gatedFilesNeedToken = options.gatedFilesNeedToken ?? false;
    const now = options.now ?? Date.now;
    this.buckets = {
      api: new FixedWindow(options.rateLimit ?? DEFAULT_API_POLICY, now),
      resolvers: new FixedWindow(options.resolverRateLimit ?? DEFAULT_RESOLVER_POLICY, now),
    };
  }

  /** The store as a `MemoryModelStore` (throws for a generated store). */
  get models(): MemoryModelStore {
    if (!(this.store instanceof MemoryModelStore)) throw new Error('fake hub: the store is not a MemoryModelStore');
    return this.store;
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

  // --- what the Hub answers ----------------------------------------------------------------------

  protected routeOf(pathname: string): Route {
    if (pathname === '/api/models' || pathname === '/api/models/') return 'list';
    if (pathname.startsWith('/api/models/')) return 'info';
    const segments = pathname.slice(1).split('/');
    const at = segments.indexOf('resolve');
    if ((at === 1 || at === 2) && segments.length > at + 2) return 'resolve';
    return 'other';
  }

  protected errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
    return errorReply(status, message, headers);
  }

  /** Resolve requests count in the "resolvers" bucket, other `/api/…` requests in "api". */
  protected override windowFor(route: Route, url: URL): FixedWindow | undefined {
    if (route === 'resolve') return this.buckets.resolvers;
    return url.pathname.startsWith('/api/') ? this.buckets.api : undefined;
  }

  protected override rateHeaders(window: FixedWindow, remaining: number, resetSeconds: number): Record<string, string> {
    const name: Bucket = window === this.buckets.resolvers ? 'resolvers' : 'api';
    return {
      RateLimit: `"${name}";r=${remaining};t=${resetSeconds}`,
      'RateLimit-Policy': `"fixed window";"${name}";q=${window.policy.quota};w=${Math.ceil(window.policy.windowMs / 1000)}`,
    };
  }

  protected override headersFor(entry: RequestLogEntry<Route>): Record<string, string> {
    return { ...COMMON_HEADERS, 'X-Request-Id': `fake-${entry.seq}` };
  }

  protected answer(
    request: IncomingMessage,
    url: URL,
    route: Route,
    malformedFault: MalformedFault | undefined,
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

  private listModels(url: URL, malformedFault: MalformedFault | undefined): Reply {
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
    const page = withMalformed(
      records.map((record) => project(record, fields)),
      malformedFault,
    );
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
