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
 *   `nextLinkKeepsFilters`. `paging: 'none'` ignores both, as the hub once did. A `links.next`
 *   that does not advance (`nextLink`, or `setNextLink`): `same-offset` names the request's own
 *   offset again; `reordered` is the request itself, its parameters in reverse order.
 * - Order: newest `created` first, as the hub lists.
 * - Rate limit (optional `rateLimit`): a fixed window; over it a 429 with `Retry-After`.
 * - Fault injection (`inject` and the shortcuts): 5xx, a hung request, a truncated JSON body, a
 *   429 with `Retry-After`, a reset connection, malformed entries inside a valid `data` array, a
 *   replaced body.
 * - A request log and counters.
 *
 * The server, the log, the faults and the rate limit are ../fake-server.ts's; this file is
 * OpenRouter's listing and `{"error": {code, message}}` bodies.
 *
 *   const hub = await FakeOpenRouter.start({ records: generateOpenRouterRecords(120) });
 *   hub.failNext(2, 503);
 *   … point the crawler at hub.url …
 *   await hub.stop();
 */
import type { IncomingMessage } from 'node:http';
import { FakeServer, jsonReply, withMalformed } from '../fake-server.js';
import type { MalformedFault, RateLimitPolicy, Reply } from '../fake-server.js';

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
  /** Where `links.next` points (default `advance`: the next page). */
  readonly nextLink?: NextLink;
  readonly rateLimit?: RateLimitPolicy;
  readonly latencyMs?: number;
}

/** `list` is the listing, the hub's one route. */
export type Route = 'list' | 'other';

/**
 * Where `links.next` points: `advance`, the next page; `same-offset`, the request's own offset
 * again (a hub whose cursor does not move); `reordered`, the request itself with its parameters in
 * reverse order (the same page, though not the same text).
 */
export type NextLink = 'advance' | 'same-offset' | 'reordered';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function outputsOf(record: unknown): readonly string[] | null {
  if (!isObject(record) || !isObject(record['architecture'])) return null;
  const outputs = record['architecture']['output_modalities'];
  return Array.isArray(outputs) ? outputs.filter((item): item is string => typeof item === 'string') : null;
}

const JSON_TYPE = 'application/json';

function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return jsonReply(status, value, headers, JSON_TYPE);
}

function errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error: { code: status, message } }, headers);
}

export class FakeOpenRouter extends FakeServer<Route> {
  private records: unknown[];
  private nextLink: NextLink;

  constructor(private readonly options: FakeOpenRouterOptions = {}) {
    super({
      name: 'fake openrouter',
      routes: ['list', 'other'],
      listRoute: 'list',
      jsonContentType: JSON_TYPE,
      rateLimitMessage: 'Rate limit exceeded',
      rateLimit: options.rateLimit,
      latencyMs: options.latencyMs,
    });
    this.records = [...(options.records ?? [])];
    this.nextLink = options.nextLink ?? 'advance';
  }

  /** From now on, `links.next` points as `nextLink` says. */
  setNextLink(nextLink: NextLink): void {
    this.nextLink = nextLink;
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

  // --- what OpenRouter answers -------------------------------------------------------------------

  protected routeOf(pathname: string): Route {
    return pathname === LISTING_PATH || pathname === `${LISTING_PATH}/` ? 'list' : 'other';
  }

  protected errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
    return errorReply(status, message, headers);
  }

  protected answer(request: IncomingMessage, url: URL, route: Route, malformed: MalformedFault | undefined): Reply {
    if (request.method !== 'GET') return errorReply(405, 'Method not allowed');
    if (route !== 'list') return errorReply(404, 'Not Found');
    return this.listing(url, malformed);
  }

  private listing(url: URL, malformed: MalformedFault | undefined): Reply {
    const params = url.searchParams;
    const filter = params.get('output_modalities') ?? 'text';
    const wanted = filter === 'all' ? null : filter.split(',').map((item) => item.trim());
    if (wanted?.some((modality) => !MODALITIES.has(modality))) {
      return errorReply(400, `Invalid output_modalities: ${filter}`);
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
    if (!paged) return json(200, { data: withMalformed(matching, malformed) });

    const limit = Number(params.get('limit'));
    const offset = Number(params.get('offset') ?? '0');
    if (!Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(offset) || offset < 0) {
      return errorReply(400, 'Invalid offset or limit');
    }
    const size = Math.min(limit, this.options.maxLimit ?? 500);
    const page = matching.slice(offset, offset + size);
    const body: Record<string, unknown> = { data: withMalformed(page, malformed) };
    if (this.options.totalCount ?? true) body['totalCount'] = matching.length;
    if ((this.options.nextLinks ?? true) && offset + size < matching.length) {
      body['links'] = { next: this.nextLinkOf(params, offset, size) };
    }
    return json(200, body);
  }

  private nextLinkOf(params: URLSearchParams, offset: number, size: number): string {
    if (this.nextLink === 'reordered')
      return `${LISTING_PATH}?${new URLSearchParams([...params].reverse()).toString()}`;
    const next = this.options.nextLinkKeepsFilters ? new URLSearchParams(params) : new URLSearchParams();
    next.set('offset', String(this.nextLink === 'same-offset' ? offset : offset + size));
    next.set('limit', String(size));
    return `${LISTING_PATH}?${next.toString()}`;
  }
}

function createdOf(record: unknown): number {
  return isObject(record) && typeof record['created'] === 'number' ? record['created'] : 0;
}
