/**
 * A fake ModelScope for integration tests: an HTTP server on 127.0.0.1 speaking the OpenAPI the
 * adapter reads (docs/hubs.md, "ModelScope"; no real captured answer exists, so this is built from
 * the documented shapes, as the adapter is):
 *
 * - `GET /openapi/v1/models?page_number=&page_size=&sort=`: `{success, message, request_id,
 *   data: {models, total_count, page_number, page_size}}`; pages numbered from 1; `page_size`
 *   silently capped at `maxPageSize`; `sort` one of `default` (created, newest first),
 *   `last_modified` (newest first), `downloads`, `likes` (most first), ties by id; a bad page
 *   number is a 400 with `success: false`. With `ignoresPageNumber` (or `ignorePageNumber()`), the
 *   hub reads no `page_number`: every request is answered page 1 (and says so), `total_count` the
 *   whole listing's.
 * - `GET /openapi/v1/models/{owner}/{name}`: `{success, data: {…}}`, 404 `{success: false}` when
 *   the model does not exist.
 * - `GET /api/v1/models/{owner}/{name}/repo/files?Revision=&Recursive=`: `{Code, Success, Data:
 *   {Files: [{Name, Path, Size, Type}]}}` (directories as `Type: "tree"`).
 * - `GET /api/v1/models/{owner}/{name}/repo?Revision=&FilePath=`: the file's text (README.md and
 *   LICENSE as set, generated otherwise), 404 when the repository has no such file.
 * - A fixed-window quota (off unless set): 429 with `Retry-After` once spent.
 * - Fault injection per test (`inject` and shortcuts): a status (5xx), an answer with
 *   `success: false`, a hung request, a truncated body, a 429 with `Retry-After`, malformed records
 *   inside a valid page, a replaced body.
 * - Changes during a crawl (`beforeListing`): a hook run before each listing request is answered,
 *   to insert a model at the head, delete one or change one between two pages.
 * - A request log.
 *
 * The server, the log, the faults and the rate limit are ../fake-server.ts's; this file is
 * ModelScope's routes, answers and `{success: false}` envelopes.
 */
import type { IncomingMessage } from 'node:http';
import { parseHubTime, repoIdOf } from '../../../src/catalog/modelscope/modelscope-record.js';
import { FakeServer, jsonReply, withMalformed } from '../fake-server.js';
import type { MalformedFault, RateLimitPolicy, Reply } from '../fake-server.js';
import { readSeedDir } from '../seed-records.js';

/** A ModelScope listing record as the fake serves it (any documented shape: see generateModelScopeRecord). */
export type MsRecord = Record<string, unknown>;

export interface MsFile {
  readonly Path: string;
  readonly Size: number;
  readonly Type?: 'blob' | 'tree';
}

export type Route = 'list' | 'detail' | 'files' | 'file' | 'other';

/** ModelScope's own fault: HTTP 200 with `{success: false, message}`. */
export interface UnsuccessfulFault {
  readonly kind: 'unsuccessful';
  readonly message?: string;
}

export interface FakeModelScopeOptions {
  readonly records?: readonly MsRecord[];
  readonly maxPageSize?: number;
  readonly rateLimit?: RateLimitPolicy;
  /** Whether the listing ignores `page_number` and answers page 1 to every request (default false). */
  readonly ignoresPageNumber?: boolean;
}

interface Entry {
  record: MsRecord;
  files: MsFile[];
  texts: Map<string, string>;
}

const SORTS = ['default', 'last_modified', 'downloads', 'likes'] as const;
type Sort = (typeof SORTS)[number];

// ---------------------------------------------------------------------------------------------
// Records

const OWNERS = ['Qwen', 'iic', 'damo', 'AI-ModelScope', 'LLM-Research', 'ZhipuAI', 'deepseek-ai', 'OpenBMB'];
/** Free-text licenses as ModelScope records carry them; `undefined` leaves the field out. */
export const GENERATED_LICENSES: readonly (string | null | undefined)[] = [
  'Apache License 2.0',
  'apache-2.0',
  'MIT',
  'GPL-3.0',
  'LGPL-3.0',
  'AFL-3.0',
  'ECL-2.0',
  'cc-by-nc-4.0',
  'other',
  '',
  'Llama 3 Community License',
  '通义千问许可协议',
  null,
  undefined,
];
const TASKS = ['text-generation', 'image-classification', 'auto-speech-recognition', 'text-to-image-synthesis'];
/** 2025-06-01T00:00:00Z: generated models were last changed before it, one hour apart. */
const BASE_TIME_S = 1_748_736_000;

/**
 * A generated record, deterministic for `index`, covering the documented shapes: the id as
 * `owner/name` or as `owner` + `name` beside a numeric id; times in unix seconds or ISO text;
 * `tasks` as a list or one string; `params` present or not; every license of GENERATED_LICENSES.
 */
export function generateModelScopeRecord(index: number): MsRecord {
  const owner = OWNERS[index % OWNERS.length]!;
  const name = `model-${String(index).padStart(5, '0')}`;
  const lastModified = BASE_TIME_S - index * 3_600;
  const created = lastModified - 86_400 * 30;
  const iso = index % 2 === 1;
  const record: MsRecord = {
    ...(index % 3 === 2 ? { id: 1_000_000 + index, owner, name } : { id: `${owner}/${name}` }),
    tasks: index % 4 === 1 ? TASKS[index % TASKS.length] : [TASKS[index % TASKS.length]],
    tags: ['pytorch', index % 5 === 0 ? 'transformers' : 'custom'],
    downloads: (index * 7_919) % 100_000,
    likes: index % 97,
    created_at: iso ? new Date(created * 1000).toISOString() : created,
    last_modified: iso ? new Date(lastModified * 1000).toISOString() : lastModified,
    file_size: 1_000_000 + index,
  };
  const license = GENERATED_LICENSES[index % GENERATED_LICENSES.length];
  if (license !== undefined) record['license'] = license;
  if (index % 2 === 0) record['params'] = 100_000_000 + index;
  return record;
}

export function generateModelScopeRecords(count: number, start = 0): MsRecord[] {
  return Array.from({ length: count }, (_, i) => generateModelScopeRecord(start + i));
}

/** The hand-written records of prisma/seed/modelscope/. */
export function loadSeedRecords(): MsRecord[] {
  return readSeedDir<MsRecord>('modelscope');
}

/** The `owner/name` of a record (however it spells it); throws for one without. */
export function repoIdOfRecord(record: MsRecord): string {
  const id = repoIdOf(record);
  if ('reason' in id) throw new Error(`fake modelscope: record without owner/name: ${JSON.stringify(record)}`);
  return id.repoId;
}

function timeOf(value: unknown): number {
  return parseHubTime(value)?.getTime() ?? 0;
}

function defaultFiles(record: MsRecord): MsFile[] {
  return [
    { Path: 'README.md', Size: 2_048 },
    { Path: 'configuration.json', Size: 120 },
    { Path: 'onnx', Size: 0, Type: 'tree' },
    { Path: 'model.safetensors', Size: typeof record['file_size'] === 'number' ? record['file_size'] : 1_000 },
  ];
}

// ---------------------------------------------------------------------------------------------
// The server

const JSON_TYPE = 'application/json';

function json(status: number, body: unknown): Reply {
  return jsonReply(status, body, {}, JSON_TYPE);
}

let requestIds = 0;
function envelope(data: unknown): Reply {
  return json(200, { code: 200, success: true, message: 'success', request_id: `fake-${++requestIds}`, data });
}

function failure(status: number, message: string, headers: Record<string, string> = {}): Reply {
  const body = { code: status, success: false, message, request_id: `fake-${++requestIds}`, data: null };
  return jsonReply(status, body, headers, JSON_TYPE);
}

export class FakeModelScope extends FakeServer<Route, UnsuccessfulFault> {
  private readonly entries = new Map<string, Entry>();
  private hooks: { run: (listRequest: number) => void; seen: number }[] = [];
  private ignoresPageNumber: boolean;
  readonly maxPageSize: number;

  constructor(options: FakeModelScopeOptions = {}) {
    super({
      name: 'fake modelscope',
      routes: ['list', 'detail', 'files', 'file', 'other'],
      listRoute: 'list',
      jsonContentType: JSON_TYPE,
      rateLimitMessage: 'Too many requests',
      rateLimit: options.rateLimit,
    });
    this.maxPageSize = options.maxPageSize ?? 100;
    this.ignoresPageNumber = options.ignoresPageNumber ?? false;
    for (const record of options.records ?? []) this.add(record);
  }

  // --- the models --------------------------------------------------------------------------------

  /** Add (or replace) models, with their repository files (default: README, config, safetensors). */
  add(record: MsRecord, files?: MsFile[]): string {
    const id = repoIdOfRecord(record);
    this.entries.set(id, { record, files: files ?? defaultFiles(record), texts: new Map() });
    return id;
  }

  remove(repoId: string): void {
    this.entries.delete(repoId);
  }

  get(repoId: string): MsRecord {
    const entry = this.entries.get(repoId);
    if (!entry) throw new Error(`fake modelscope: no model ${repoId}`);
    return entry.record;
  }

  /** Change a model's fields (a commit moves `last_modified` only when the change says so). */
  update(repoId: string, change: MsRecord): void {
    const entry = this.entries.get(repoId);
    if (!entry) throw new Error(`fake modelscope: no model ${repoId}`);
    entry.record = { ...entry.record, ...change };
  }

  /** Every model's id, in the order `last_modified` lists them (newest first). */
  ids(sort: Sort = 'last_modified'): string[] {
    return this.sorted(sort).map(([id]) => id);
  }

  get size(): number {
    return this.entries.size;
  }

  setFiles(repoId: string, files: MsFile[]): void {
    const entry = this.entries.get(repoId);
    if (!entry) throw new Error(`fake modelscope: no model ${repoId}`);
    entry.files = files;
  }

  setText(repoId: string, path: string, text: string): void {
    const entry = this.entries.get(repoId);
    if (!entry) throw new Error(`fake modelscope: no model ${repoId}`);
    entry.texts.set(path, text);
  }

  /** From now on, the listing ignores `page_number` (answers page 1 to every request), or reads it again. */
  ignorePageNumber(ignore = true): void {
    this.ignoresPageNumber = ignore;
  }

  /**
   * Run `hook` before each listing request is answered, with that request's number (1-based,
   * counted from this call: a hook added between two crawls counts the second crawl's requests).
   */
  beforeListing(hook: (listRequest: number) => void): void {
    this.hooks.push({ run: hook, seen: 0 });
  }

  // --- handling ----------------------------------------------------------------------------------

  private sorted(sort: Sort): [string, MsRecord][] {
    const key = (record: MsRecord): number => {
      switch (sort) {
        case 'default':
          return timeOf(record['created_at']);
        case 'last_modified':
          return timeOf(record['last_modified']);
        case 'downloads':
        case 'likes':
          return typeof record[sort] === 'number' ? record[sort] : 0;
      }
    };
    return [...this.entries]
      .map(([id, entry]) => [id, entry.record] as [string, MsRecord])
      .sort(([a, x], [b, y]) => key(y) - key(x) || (a < b ? -1 : a > b ? 1 : 0));
  }

  protected routeOf(pathname: string): Route {
    if (pathname === '/openapi/v1/models' || pathname === '/openapi/v1/models/') return 'list';
    if (/^\/openapi\/v1\/models\/[^/]+\/[^/]+$/.test(pathname)) return 'detail';
    if (/^\/api\/v1\/models\/[^/]+\/[^/]+\/repo\/files$/.test(pathname)) return 'files';
    if (/^\/api\/v1\/models\/[^/]+\/[^/]+\/repo$/.test(pathname)) return 'file';
    return 'other';
  }

  protected errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
    return failure(status, message, headers);
  }

  protected override customFault(fault: UnsuccessfulFault): Reply {
    return failure(200, fault.message ?? 'system busy, please retry later');
  }

  protected answer(request: IncomingMessage, url: URL, route: Route, malformed: MalformedFault | undefined): Reply {
    if (route === 'list') for (const hook of this.hooks) hook.run(++hook.seen);
    if (request.method !== 'GET') return failure(405, 'method not allowed');
    const repo = repoOf(url.pathname);
    switch (route) {
      case 'list':
        return this.listing(url, malformed);
      case 'detail': {
        const entry = repo === null ? undefined : this.entries.get(repo);
        if (!entry) return failure(404, `model ${repo ?? url.pathname} not found`);
        return envelope({ ...entry.record, id: repo });
      }
      case 'files': {
        const entry = repo === null ? undefined : this.entries.get(repo);
        if (!entry) return failure(404, `model ${repo ?? url.pathname} not found`);
        return json(200, {
          Code: 200,
          Success: true,
          Message: 'success',
          Data: {
            Files: entry.files.map((file) => ({
              Name: file.Path.split('/').pop(),
              Path: file.Path,
              Size: file.Size,
              Type: file.Type ?? 'blob',
            })),
          },
        });
      }
      case 'file': {
        const entry = repo === null ? undefined : this.entries.get(repo);
        const path = url.searchParams.get('FilePath') ?? '';
        if (!entry || !entry.files.some((file) => file.Path === path && file.Type !== 'tree')) {
          return failure(404, `file ${path} not found`);
        }
        const text =
          entry.texts.get(path) ??
          (path === 'README.md' ? `# ${repo}\n\nModel card served by the fake ModelScope.\n` : `${path} of ${repo}\n`);
        return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: text };
      }
      case 'other':
        return failure(404, 'not found');
    }
  }

  private listing(url: URL, malformed: MalformedFault | undefined): Reply {
    const params = url.searchParams;
    const page = this.ignoresPageNumber ? 1 : Number(params.get('page_number') ?? '1');
    const requested = Number(params.get('page_size') ?? '10');
    const sort = (params.get('sort') ?? 'default') as Sort;
    if (!Number.isInteger(page) || page < 1) return failure(400, `invalid page_number ${params.get('page_number')}`);
    if (!Number.isInteger(requested) || requested < 1) {
      return failure(400, `invalid page_size ${params.get('page_size')}`);
    }
    if (!SORTS.includes(sort)) return failure(400, `invalid sort ${sort}`);
    const size = Math.min(requested, this.maxPageSize);
    const all = this.sorted(sort);
    const models = withMalformed(
      all.slice((page - 1) * size, page * size).map(([, record]) => record),
      malformed,
    );
    return envelope({ models, total_count: all.length, page_number: page, page_size: size });
  }
}

function repoOf(pathname: string): string | null {
  const match = /^\/(?:openapi|api)\/v1\/models\/([^/]+)\/([^/]+)/.exec(pathname);
  return match ? `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}` : null;
}
