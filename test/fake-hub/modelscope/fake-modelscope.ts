/**
 * A fake ModelScope for integration tests: an HTTP server on 127.0.0.1 speaking the OpenAPI the
 * adapter reads (docs/hubs.md, "ModelScope"; no real captured answer exists, so this is built from
 * the documented shapes, as the adapter is):
 *
 * - `GET /openapi/v1/models?page_number=&page_size=&sort=`: `{success, message, request_id,
 *   data: {models, total_count, page_number, page_size}}`; pages numbered from 1; `page_size`
 *   silently capped at `maxPageSize`; `sort` one of `default` (created, newest first),
 *   `last_modified` (newest first), `downloads`, `likes` (most first), ties by id; a bad page
 *   number is a 400 with `success: false`.
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
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHubTime, repoIdOf } from '../../../src/catalog/modelscope/modelscope-record.js';
import { SEED_DIR } from '../../../src/lib/project-root.js';

/** A ModelScope listing record as the fake serves it (any documented shape: see generateModelScopeRecord). */
export type MsRecord = Record<string, unknown>;

export interface MsFile {
  readonly Path: string;
  readonly Size: number;
  readonly Type?: 'blob' | 'tree';
}

export type Route = 'list' | 'detail' | 'files' | 'file' | 'other';

export type FaultAction =
  | { readonly kind: 'status'; readonly status: number }
  /** HTTP 200 with `{success: false, message}`. */
  | { readonly kind: 'unsuccessful'; readonly message?: string }
  | { readonly kind: 'hang' }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'malformed'; readonly entries: readonly unknown[] }
  | { readonly kind: 'body'; readonly body: unknown };

export type FaultRule = FaultAction & {
  readonly route?: Route;
  readonly times?: number;
  readonly skip?: number;
};

export interface LogEntry {
  readonly route: Route;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  status: number | undefined;
  fault: FaultAction['kind'] | undefined;
}

export interface FakeModelScopeOptions {
  readonly records?: readonly MsRecord[];
  readonly maxPageSize?: number;
  readonly rateLimit?: { readonly quota: number; readonly windowMs: number };
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
  const dir = join(SEED_DIR, 'modelscope');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as MsRecord);
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

interface ActiveFault {
  readonly rule: FaultRule;
  remaining: number;
  skip: number;
}

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

let requestIds = 0;
function envelope(data: unknown): Reply {
  return json(200, { code: 200, success: true, message: 'success', request_id: `fake-${++requestIds}`, data });
}

function failure(status: number, message: string): Reply {
  return json(status, { code: status, success: false, message, request_id: `fake-${++requestIds}`, data: null });
}

export class FakeModelScope {
  private readonly entries = new Map<string, Entry>();
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private faults: ActiveFault[] = [];
  private readonly open = new Set<ServerResponse>();
  private hooks: { run: (listRequest: number) => void; seen: number }[] = [];
  private window: { start: number; used: number } = { start: 0, used: 0 };
  readonly log: LogEntry[] = [];
  readonly maxPageSize: number;
  private readonly rateLimit: FakeModelScopeOptions['rateLimit'];

  constructor(options: FakeModelScopeOptions = {}) {
    this.maxPageSize = options.maxPageSize ?? 100;
    this.rateLimit = options.rateLimit;
    for (const record of options.records ?? []) this.add(record);
  }

  static async start(options: FakeModelScopeOptions = {}): Promise<FakeModelScope> {
    const hub = new FakeModelScope(options);
    const server = createServer((request, response) => hub.handle(request, response));
    hub.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hub.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return hub;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('fake modelscope: not started');
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = [...this.open].map((response) => once(response, 'close'));
    for (const response of this.open) response.destroy();
    server.closeAllConnections();
    await Promise.all([...closed, new Promise<void>((resolve) => server.close(() => resolve()))]);
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

  /**
   * Run `hook` before each listing request is answered, with that request's number (1-based,
   * counted from this call: a hook added between two crawls counts the second crawl's requests).
   */
  beforeListing(hook: (listRequest: number) => void): void {
    this.hooks.push({ run: hook, seen: 0 });
  }

  // --- faults and observation ------------------------------------------------------------------

  inject(rule: FaultRule): void {
    this.faults.push({ rule, remaining: rule.times ?? 1, skip: rule.skip ?? 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  requests(route?: Route): LogEntry[] {
    return route === undefined ? this.log : this.log.filter((entry) => entry.route === route);
  }

  resetLog(): void {
    this.log.length = 0;
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

  private takeFault(route: Route): FaultAction | undefined {
    for (const active of this.faults) {
      if (active.remaining <= 0 || (active.rule.route !== undefined && active.rule.route !== route)) continue;
      if (active.skip > 0) {
        active.skip--;
        continue;
      }
      active.remaining--;
      if (active.remaining <= 0) this.faults = this.faults.filter((fault) => fault !== active);
      return active.rule;
    }
    return undefined;
  }

  private throttled(): boolean {
    if (!this.rateLimit) return false;
    const now = Date.now();
    if (now >= this.window.start + this.rateLimit.windowMs) this.window = { start: now, used: 0 };
    if (this.window.used >= this.rateLimit.quota) return true;
    this.window.used++;
    return false;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(url.pathname);
    const entry: LogEntry = {
      route,
      url: `${url.pathname}${url.search}`,
      headers: request.headers,
      status: undefined,
      fault: undefined,
    };
    this.log.push(entry);
    this.open.add(response);
    response.on('close', () => this.open.delete(response));

    if (this.throttled()) {
      const retryAfter = Math.max(
        1,
        Math.ceil((this.window.start + (this.rateLimit?.windowMs ?? 0) - Date.now()) / 1000),
      );
      this.send(response, entry, failure(429, 'Too many requests'), { 'Retry-After': String(retryAfter) });
      return;
    }
    const fault = this.takeFault(route);
    entry.fault = fault?.kind;
    switch (fault?.kind) {
      case 'status':
        this.send(response, entry, failure(fault.status, `fake modelscope: injected ${fault.status}`));
        return;
      case 'unsuccessful':
        this.send(response, entry, failure(200, fault.message ?? 'system busy, please retry later'));
        return;
      case 'hang':
        return;
      case 'rate-limit':
        this.send(response, entry, failure(429, 'Too many requests'), {
          'Retry-After': String(fault.retryAfterSeconds ?? 1),
        });
        return;
      case 'body':
        this.send(response, entry, json(200, fault.body));
        return;
      case 'truncate':
      case 'malformed':
      case undefined:
        break;
    }

    if (route === 'list') for (const hook of this.hooks) hook.run(++hook.seen);
    const reply = this.route(request, url, route, fault?.kind === 'malformed' ? fault.entries : undefined);
    if (fault?.kind === 'truncate') {
      entry.status = reply.status;
      response.writeHead(reply.status, reply.headers);
      response.end(reply.body.slice(0, Math.floor(reply.body.length / 2)));
      return;
    }
    this.send(response, entry, reply);
  }

  private send(response: ServerResponse, entry: LogEntry, reply: Reply, headers: Record<string, string> = {}): void {
    if (response.destroyed) return;
    entry.status = reply.status;
    response.writeHead(reply.status, { ...reply.headers, ...headers });
    response.end(reply.body);
  }

  private route(request: IncomingMessage, url: URL, route: Route, malformed: readonly unknown[] | undefined): Reply {
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

  private listing(url: URL, malformed: readonly unknown[] | undefined): Reply {
    const params = url.searchParams;
    const page = Number(params.get('page_number') ?? '1');
    const requested = Number(params.get('page_size') ?? '10');
    const sort = (params.get('sort') ?? 'default') as Sort;
    if (!Number.isInteger(page) || page < 1) return failure(400, `invalid page_number ${params.get('page_number')}`);
    if (!Number.isInteger(requested) || requested < 1) {
      return failure(400, `invalid page_size ${params.get('page_size')}`);
    }
    if (!SORTS.includes(sort)) return failure(400, `invalid sort ${sort}`);
    const size = Math.min(requested, this.maxPageSize);
    const all = this.sorted(sort);
    const models: unknown[] = all.slice((page - 1) * size, page * size).map(([, record]) => record);
    if (malformed) models.splice(Math.floor(models.length / 2), 0, ...malformed);
    return envelope({ models, total_count: all.length, page_number: page, page_size: size });
  }
}

function routeOf(pathname: string): Route {
  if (pathname === '/openapi/v1/models' || pathname === '/openapi/v1/models/') return 'list';
  if (/^\/openapi\/v1\/models\/[^/]+\/[^/]+$/.test(pathname)) return 'detail';
  if (/^\/api\/v1\/models\/[^/]+\/[^/]+\/repo\/files$/.test(pathname)) return 'files';
  if (/^\/api\/v1\/models\/[^/]+\/[^/]+\/repo$/.test(pathname)) return 'file';
  return 'other';
}

function repoOf(pathname: string): string | null {
  const match = /^\/(?:openapi|api)\/v1\/models\/([^/]+)\/([^/]+)/.exec(pathname);
  return match ? `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}` : null;
}
