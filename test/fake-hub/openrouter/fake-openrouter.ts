/**
 * A fake OpenRouter for integration tests: an HTTP server on 127.0.0.1 speaking
 * `GET /api/v1/models` as docs/hubs.md ("OpenRouter") describes the real one.
 *
 * - `output_modalities`: absent means `text` (only models whose `architecture.output_modalities`
 *   include text, as the hub lists by default); `all` lists everything; otherwise a comma list
 *   (`image,audio`) of outputs of which a model must have one. An unknown modality is a 400. A
 *   record without `architecture` is listed with `all` only.
 * - Paging (`paging: 'offset'`, the default): without `limit` the whole listing in one answer (the
 *   historical behaviour); with `limit` (at most `maxLimit`) and `offset`, one page, `totalCount`, and
 *   `links.next` while more follow — a path like the hub's own example
 *   (`/api/v1/models?offset=500&limit=500`), which drops the other parameters unless
 *   `nextLinkKeepsFilters`. `paging: 'none'` ignores both, as the hub once did.
 * - Order: newest `created` first, as the hub lists.
 * - Rate limit (optional `rateLimit`): a fixed window; over it a 429 with `Retry-After`.
 * - Fault injection (`inject` and the shortcuts): 5xx, a hung request, a truncated JSON body, a
 *   429 with `Retry-After`, a reset connection, malformed entries inside a valid `data` array, a
 *   replaced body.
 * - A request log and counters.
 *
 *   const hub = await FakeOpenRouter.start({ records: generateOpenRouterRecords(120) });
 *   hub.failNext(2, 503);
 *   … point the crawler at hub.url …
 *   await hub.stop();
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const LISTING_PATH = '/api/v1/models';
/** Output modalities the fake knows; any other value of the filter is refused. */
const MODALITIES = new Set(['text', 'image', 'audio', 'video', 'embeddings', 'file']);

export interface FakeOpenRouterOptions {
  readonly records?: readonly unknown[];
  readonly paging?: 'offset' | 'none';
  readonly maxLimit?: number;
  /** Whether `links.next` repeats the request's other parameters (the hub's example does not). */
  readonly nextLinkKeepsFilters?: boolean;
  /** Whether paged answers carry `totalCount` (default true). */
  readonly totalCount?: boolean;
  /** Whether paged answers carry `links.next` (default true): without it, clients page by `totalCount`. */
  readonly nextLinks?: boolean;
  readonly rateLimit?: { readonly quota: number; readonly windowMs: number };
  readonly latencyMs?: number;
}

export type FaultAction =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'truncate'; readonly keepBytes?: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'malformed'; readonly entries: readonly unknown[] }
  | { readonly kind: 'body'; readonly body: unknown };

export type FaultRule = FaultAction & {
  /** Matching requests to affect (default 1). */
  readonly times?: number;
  /** Matching requests to let through first. */
  readonly skip?: number;
  /** Only requests whose path and query match. */
  readonly path?: RegExp;
};

export interface RequestLogEntry {
  readonly seq: number;
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly status: number | undefined;
  readonly fault: FaultAction['kind'] | undefined;
}

interface ActiveFault {
  readonly rule: FaultRule;
  remaining: number;
  skip: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function outputsOf(record: unknown): readonly string[] | null {
  if (!isObject(record) || !isObject(record['architecture'])) return null;
  const outputs = record['architecture']['output_modalities'];
  return Array.isArray(outputs) ? outputs.filter((item): item is string => typeof item === 'string') : null;
}

function errorBody(status: number, message: string): string {
  return JSON.stringify({ error: { code: status, message } });
}

export class FakeOpenRouter {
  private records: unknown[];
  private faults: ActiveFault[] = [];
  private readonly entries: { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] }[] = [];
  private readonly sockets = new Set<Socket>();
  private window = { start: 0, used: 0 };
  private throttled = 0;

  private readonly server: Server;
  private listeningAt = '';

  private constructor(private readonly options: FakeOpenRouterOptions) {
    this.records = [...(options.records ?? [])];
    this.server = createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The origin (`http://127.0.0.1:PORT`) to point the crawler at. */
  get url(): string {
    return this.listeningAt;
  }

  static async start(options: FakeOpenRouterOptions = {}): Promise<FakeOpenRouter> {
    const hub = new FakeOpenRouter(options);
    hub.server.listen(0, '127.0.0.1');
    await once(hub.server, 'listening');
    hub.listeningAt = `http://127.0.0.1:${(hub.server.address() as AddressInfo).port}`;
    return hub;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  // --- the listing ---------------------------------------------------------------------------------

  /** Every record, listed or not, in the order given. */
  all(): unknown[] {
    return [...this.records];
  }

  /** The ids of the records an `output_modalities=all` listing shows. */
  ids(): string[] {
    return this.records.flatMap((record) =>
      isObject(record) && typeof record['id'] === 'string' ? [record['id']] : [],
    );
  }

  add(...records: unknown[]): void {
    this.records.push(...records);
  }

  remove(id: string): void {
    this.records = this.records.filter((record) => !(isObject(record) && record['id'] === id));
  }

  /** Replace fields of one record (a price change, a rename). */
  update(id: string, change: (record: Record<string, unknown>) => Record<string, unknown>): void {
    this.records = this.records.map((record) => (isObject(record) && record['id'] === id ? change(record) : record));
  }

  /** Replace fields of every record. */
  updateAll(change: (record: Record<string, unknown>) => Record<string, unknown>): void {
    this.records = this.records.map((record) => (isObject(record) ? change(record) : record));
  }

  // --- faults --------------------------------------------------------------------------------------

  inject(rule: FaultRule): { cancel(): void } {
    const active: ActiveFault = { rule, remaining: rule.times ?? 1, skip: rule.skip ?? 0 };
    this.faults.push(active);
    return { cancel: () => (this.faults = this.faults.filter((fault) => fault !== active)) };
  }

  failNext(times: number, status = 503): void {
    this.inject({ kind: 'status', status, times });
  }

  hangNext(times = 1): void {
    this.inject({ kind: 'hang', times });
  }

  truncateNext(times = 1): void {
    this.inject({ kind: 'truncate', times });
  }

  rateLimitNext(times = 1, retryAfterSeconds = 1): void {
    this.inject({ kind: 'rate-limit', times, retryAfterSeconds });
  }

  injectMalformed(entries: readonly unknown[]): void {
    this.inject({ kind: 'malformed', entries });
  }

  // --- log -----------------------------------------------------------------------------------------

  log(): readonly RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  counters(): { requests: number; throttled: number; byStatus: ReadonlyMap<number, number> } {
    const byStatus = new Map<number, number>();
    for (const entry of this.entries) {
      if (entry.status !== undefined) byStatus.set(entry.status, (byStatus.get(entry.status) ?? 0) + 1);
    }
    return { requests: this.entries.length, throttled: this.throttled, byStatus };
  }

  resetCounters(): void {
    this.entries.length = 0;
    this.throttled = 0;
  }

  // --- serving -------------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const entry = {
      seq: this.entries.length + 1,
      method: request.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      status: undefined as number | undefined,
      fault: undefined as FaultAction['kind'] | undefined,
    };
    this.entries.push(entry);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      if (response.destroyed) return;
      entry.status = status;
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(body);
    };
    if (this.options.latencyMs) await sleep(this.options.latencyMs);

    if (this.options.rateLimit) {
      const { quota, windowMs } = this.options.rateLimit;
      const now = Date.now();
      if (now >= this.window.start + windowMs) this.window = { start: now, used: 0 };
      if (this.window.used >= quota) {
        this.throttled++;
        const seconds = Math.max(1, Math.ceil((this.window.start + windowMs - now) / 1000));
        send(429, errorBody(429, 'Rate limit exceeded'), { 'Retry-After': String(seconds) });
        return;
      }
      this.window.used++;
    }

    const fault = this.takeFault(entry.url);
    entry.fault = fault?.kind;
    switch (fault?.kind) {
      case 'status':
        send(fault.status, errorBody(fault.status, `fake openrouter: injected ${fault.status}`));
        return;
      case 'hang':
        return;
      case 'reset':
        response.socket?.destroy();
        return;
      case 'rate-limit':
        this.throttled++;
        send(429, errorBody(429, 'Rate limit exceeded'), { 'Retry-After': String(fault.retryAfterSeconds ?? 1) });
        return;
      case 'truncate':
      case 'malformed':
      case 'body':
      case undefined:
        break;
    }

    if (request.method !== 'GET') {
      send(405, errorBody(405, 'Method not allowed'));
      return;
    }
    if (url.pathname !== LISTING_PATH && url.pathname !== `${LISTING_PATH}/`) {
      send(404, errorBody(404, 'Not Found'));
      return;
    }
    const answer = this.listing(url, fault?.kind === 'malformed' ? fault.entries : []);
    if (fault?.kind === 'body') {
      send(200, JSON.stringify(fault.body));
      return;
    }
    if (fault?.kind === 'truncate' && answer.status === 200) {
      const keep = fault.keepBytes ?? Math.floor(answer.body.length / 2);
      send(200, answer.body.slice(0, Math.min(keep, answer.body.length - 1)));
      return;
    }
    send(answer.status, answer.body);
  }

  private listing(url: URL, malformed: readonly unknown[]): { status: number; body: string } {
    const params = url.searchParams;
    const filter = params.get('output_modalities') ?? 'text';
    const wanted = filter === 'all' ? null : filter.split(',').map((item) => item.trim());
    if (wanted?.some((modality) => !MODALITIES.has(modality))) {
      return { status: 400, body: errorBody(400, `Invalid output_modalities: ${filter}`) };
    }
    const matching = this.records
      .map((record, index) => ({ record, index }))
      .filter(({ record }) => {
        if (wanted === null) return true;
        const outputs = outputsOf(record);
        return outputs !== null && outputs.some((output) => wanted.includes(output));
      })
      .sort((a, b) => createdOf(b.record) - createdOf(a.record) || a.index - b.index)
      .map(({ record }) => record);

    const paged = (this.options.paging ?? 'offset') === 'offset' && params.has('limit');
    if (!paged) return { status: 200, body: JSON.stringify({ data: withMalformed(matching, malformed) }) };

    const limit = Number(params.get('limit'));
    const offset = Number(params.get('offset') ?? '0');
    if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(offset) || offset < 0) {
      return { status: 400, body: errorBody(400, 'Invalid offset or limit') };
    }
    const size = Math.min(limit, this.options.maxLimit ?? 500);
    const page = matching.slice(offset, offset + size);
    const body: Record<string, unknown> = { data: withMalformed(page, malformed) };
    if (this.options.totalCount ?? true) body['totalCount'] = matching.length;
    if ((this.options.nextLinks ?? true) && offset + size < matching.length) {
      const next = this.options.nextLinkKeepsFilters ? new URLSearchParams(params) : new URLSearchParams();
      next.set('offset', String(offset + size));
      next.set('limit', String(size));
      body['links'] = { next: `${LISTING_PATH}?${next.toString()}` };
    }
    return { status: 200, body: JSON.stringify(body) };
  }

  private takeFault(path: string): FaultAction | undefined {
    for (const active of this.faults) {
      if (active.remaining <= 0) continue;
      if (active.rule.path && !active.rule.path.test(path)) continue;
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
}

function createdOf(record: unknown): number {
  return isObject(record) && typeof record['created'] === 'number' ? record['created'] : 0;
}

function withMalformed(records: readonly unknown[], malformed: readonly unknown[]): unknown[] {
  if (malformed.length === 0) return [...records];
  const at = Math.floor(records.length / 2);
  return [...records.slice(0, at), ...malformed, ...records.slice(at)];
}
