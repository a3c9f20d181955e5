/**
 * What every fake hub shares (./fake-hub.ts, ./civitai/, ./modelscope/, ./openrouter/): an HTTP
 * server on 127.0.0.1 and an ephemeral port, a request log and counters, a queue of injected
 * faults, an optional fixed-window rate limit and an optional latency. A hub extends `FakeServer`
 * and brings only what is its own: how it names its routes (`routeOf`), how it answers them
 * (`answer`), and the shape of its error bodies (`errorReply`, used for injected statuses, its
 * 429s and its own failures), each as the real hub speaks them.
 *
 * A request goes: logged → latency → rate limit (`windowFor`; over quota a 429 with `Retry-After`)
 * → the first matching fault, if any (status, hang, delay, reset, 429; a hub's own kinds through
 * `customFault`) → `answer` (given the `malformed` fault to splice into its page) → a replaced
 * body or a truncated one, as the fault says → sent, with `headersFor` and the rate-limit headers
 * (`rateHeaders`) the hub adds to every answer.
 *
 *   class FakeThing extends FakeServer<'list' | 'other'> { … }
 *   const hub = await FakeThing.start({ … });
 *   hub.failNext(2, 503, { route: 'list' });
 *   … point the crawler at hub.url …
 *   expect(hub.counters().throttled).toBe(0);
 *   await hub.stop();
 */
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

// ---------------------------------------------------------------------------------------------
// Public types.

export interface RateLimitPolicy {
  readonly quota: number;
  readonly windowMs: number;
}

export interface FaultMatch<R extends string = string> {
  readonly route?: R;
  /** A pathname (exact) or a pattern tested against pathname + query. */
  readonly path?: string | RegExp;
}

export type MalformedPosition = 'start' | 'middle' | 'end';

/** Faults every fake hub knows. */
export type FaultAction =
  /** Answer with this status (and the hub's JSON error body unless `body` is given, sent as text). */
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
  /** Insert these raw entries into the next listing page(s), around its valid records (default: middle). */
  | { readonly kind: 'malformed'; readonly entries: readonly unknown[]; readonly position?: MalformedPosition }
  /** Answer 200 with this JSON body instead of the real one. */
  | { readonly kind: 'body'; readonly body: unknown }
  /** A 429 with `Retry-After` (and the hub's rate-limit headers), whatever the quota says. */
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number };

export type MalformedFault = Extract<FaultAction, { kind: 'malformed' }>;

/** A fault of the shared kinds or of the hub's own (`X`), the requests it matches, and how many. */
export type FaultRule<R extends string = string, X extends { readonly kind: string } = never> = (FaultAction | X) &
  FaultMatch<R> & {
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

export interface RequestLogEntry<R extends string = string> {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  /** Path and query string, as received. */
  readonly url: string;
  readonly route: R;
  readonly headers: IncomingHttpHeaders;
  readonly startedAt: number;
  readonly status: number | undefined;
  readonly fault: string | undefined;
  readonly durationMs: number | undefined;
}

export interface FakeServerCounters<R extends string = string> {
  readonly requests: number;
  readonly byPath: ReadonlyMap<string, number>;
  readonly byRoute: Readonly<Record<R, number>>;
  readonly byStatus: ReadonlyMap<number, number>;
  /** 429s served, from the quota or injected. */
  readonly throttled: number;
  /** Injected faults applied. */
  readonly faults: number;
  readonly inFlight: number;
  readonly maxConcurrent: number;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface FakeServerConfig<R extends string> {
  /** How messages name the hub (`fake civitai: not started`, `fake civitai: injected 503`). */
  readonly name: string;
  /** Every route, so that `counters().byRoute` names each one. */
  readonly routes: readonly R[];
  /** The Content-Type of JSON answers (a replaced body's too). */
  readonly jsonContentType: string;
  /** The route `injectMalformed` aims at (the listing); without it, any request. */
  readonly listRoute?: R;
  /** The error message of the hub's 429s. */
  readonly rateLimitMessage: string;
  /** One fixed window for every request `windowFor` does not exempt; none by default. */
  readonly rateLimit?: RateLimitPolicy | undefined;
  /** Added before every answer. */
  readonly latencyMs?: number | undefined;
}

// ---------------------------------------------------------------------------------------------
// Helpers for the hubs.

export const JSON_UTF8 = 'application/json; charset=utf-8';

/** `value` as a JSON answer (the hub's `headers` first, then its Content-Type). */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
  contentType = JSON_UTF8,
): Reply {
  return { status, headers: { ...headers, 'Content-Type': contentType }, body: JSON.stringify(value) };
}

/** A fixed rate-limit window: it opens at the first request after the previous one ended. */
export class FixedWindow {
  private windowStart: number | undefined;
  private used = 0;

  constructor(
    public policy: RateLimitPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  reset(): void {
    this.windowStart = undefined;
    this.used = 0;
  }

  /** Count one request: whether it is allowed, what is left, and the whole seconds (≥ 1) until the window ends. */
  consume(): { allowed: boolean; remaining: number; resetSeconds: number } {
    const now = this.now();
    if (this.windowStart === undefined || now >= this.windowStart + this.policy.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const allowed = this.used < this.policy.quota;
    if (allowed) this.used++;
    const resetSeconds = Math.max(1, Math.ceil((this.windowStart + this.policy.windowMs - now) / 1000));
    return { allowed, remaining: this.policy.quota - this.used, resetSeconds };
  }
}

/** `items` with a malformed fault's entries spliced in at its position (the middle by default). */
export function withMalformed(items: readonly unknown[], fault: MalformedFault | undefined): unknown[] {
  const out = [...items];
  if (!fault) return out;
  const at = fault.position === 'start' ? 0 : fault.position === 'end' ? out.length : Math.floor(out.length / 2);
  out.splice(at, 0, ...fault.entries);
  return out;
}

const SHARED_KINDS: ReadonlySet<string> = new Set<FaultAction['kind']>([
  'status',
  'hang',
  'delay',
  'truncate',
  'reset',
  'malformed',
  'body',
  'rate-limit',
]);

function isShared(fault: { readonly kind: string }): fault is FaultAction {
  return SHARED_KINDS.has(fault.kind);
}

// ---------------------------------------------------------------------------------------------
// The server.

interface ActiveFault<R extends string, X extends { readonly kind: string }> {
  readonly rule: FaultRule<R, X>;
  remaining: number;
  skip: number;
  served: number;
}

type MutableLogEntry<R extends string> = { -readonly [K in keyof RequestLogEntry<R>]: RequestLogEntry<R>[K] };

export abstract class FakeServer<R extends string, X extends { readonly kind: string } = never> {
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private stopping = new AbortController();
  private latencyMs: number;
  private readonly window: FixedWindow | undefined;
  private faults: ActiveFault<R, X>[] = [];
  private readonly logged: MutableLogEntry<R>[] = [];
  private readonly open = new Set<ServerResponse>();
  private seq = 0;
  private inFlight = 0;
  private maxConcurrent = 0;
  private throttled = 0;
  private faultsServed = 0;

  protected constructor(private readonly config: FakeServerConfig<R>) {
    this.latencyMs = config.latencyMs ?? 0;
    this.window = config.rateLimit ? new FixedWindow(config.rateLimit) : undefined;
  }

  /** Construct a hub and start it in one call. */
  static async start<T extends { listen(): Promise<unknown> }, O>(
    this: new (options?: O) => T,
    options?: O,
  ): Promise<T> {
    const hub = new this(options);
    await hub.listen();
    return hub;
  }

  /** `http://127.0.0.1:PORT`, once started. */
  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.config.name}: not started`);
    return this.baseUrl;
  }

  async listen(): Promise<{ url: string }> {
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

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  // --- faults ----------------------------------------------------------------------------------

  inject(rule: FaultRule<R, X>): FaultHandle {
    const active: ActiveFault<R, X> = { rule, remaining: rule.times ?? 1, skip: rule.skip ?? 0, served: 0 };
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
  failNext(count: number, status = 503, match: FaultMatch<R> = {}): FaultHandle {
    return this.inject({ ...match, kind: 'status', status, times: count });
  }

  hangNext(count = 1, match: FaultMatch<R> = {}): FaultHandle {
    return this.inject({ ...match, kind: 'hang', times: count });
  }

  delayNext(ms: number, count = 1, match: FaultMatch<R> = {}): FaultHandle {
    return this.inject({ ...match, kind: 'delay', ms, times: count });
  }

  truncateNext(
    count = 1,
    options: FaultMatch<R> & { readonly keepBytes?: number; readonly abort?: boolean } = {},
  ): FaultHandle {
    return this.inject({ ...options, kind: 'truncate', times: count });
  }

  resetNext(count = 1, match: FaultMatch<R> = {}): FaultHandle {
    return this.inject({ ...match, kind: 'reset', times: count });
  }

  /** `count` 429s in a row, each with `Retry-After: retryAfterSeconds`. */
  rateLimitBurst(count: number, retryAfterSeconds = 1, match: FaultMatch<R> = {}): FaultHandle {
    return this.inject({ ...match, kind: 'rate-limit', retryAfterSeconds, times: count });
  }

  /** Malformed entries inside the next `count` pages of the `listRoute`. */
  injectMalformed(
    entries: readonly unknown[],
    options: { readonly count?: number; readonly position?: MalformedPosition } = {},
  ): FaultHandle {
    return this.inject({
      ...(this.config.listRoute === undefined ? {} : { route: this.config.listRoute }),
      kind: 'malformed',
      entries,
      times: options.count ?? 1,
      ...(options.position ? { position: options.position } : {}),
    });
  }

  clearFaults(): void {
    this.faults = [];
  }

  // --- observation -----------------------------------------------------------------------------

  get log(): readonly RequestLogEntry<R>[] {
    return this.logged;
  }

  /** Logged requests, of one route or all. */
  requests(route?: R): RequestLogEntry<R>[] {
    return this.logged.filter((entry) => route === undefined || entry.route === route);
  }

  /** Logged requests whose pathname equals `path` (or whose path + query matches a pattern). */
  requestsTo(path: string | RegExp): RequestLogEntry<R>[] {
    return this.logged.filter((entry) => (typeof path === 'string' ? entry.path === path : path.test(entry.url)));
  }

  counters(): FakeServerCounters<R> {
    const byPath = new Map<string, number>();
    const byStatus = new Map<number, number>();
    const byRoute = Object.fromEntries(this.config.routes.map((route) => [route, 0])) as Record<R, number>;
    for (const entry of this.logged) {
      byPath.set(entry.path, (byPath.get(entry.path) ?? 0) + 1);
      byRoute[entry.route] = (byRoute[entry.route] ?? 0) + 1;
      if (entry.status !== undefined) byStatus.set(entry.status, (byStatus.get(entry.status) ?? 0) + 1);
    }
    return {
      requests: this.logged.length,
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
  resetLog(): void {
    this.logged.length = 0;
    this.throttled = 0;
    this.faultsServed = 0;
    this.maxConcurrent = this.inFlight;
  }

  // --- what a hub brings -----------------------------------------------------------------------

  protected abstract routeOf(pathname: string): R;

  /** The hub's answer to a request no fault stopped; `malformed` entries go into its page. */
  protected abstract answer(
    request: IncomingMessage,
    url: URL,
    route: R,
    malformed: MalformedFault | undefined,
  ): Reply | Promise<Reply>;

  /** An error answer in the hub's own shape. */
  protected abstract errorReply(status: number, message: string, headers?: Record<string, string>): Reply;

  /** The answer to a fault of the hub's own kinds. */
  protected customFault(fault: X): Reply {
    throw new Error(`${this.config.name}: unknown fault ${fault.kind}`);
  }

  /** The rate-limit window a request counts in: by default the configured one, for every request. */
  protected windowFor(_route: R, _url: URL): FixedWindow | undefined {
    return this.window;
  }

  /** Headers every answer counted in `window` carries (none by default). */
  protected rateHeaders(_window: FixedWindow, _remaining: number, _resetSeconds: number): Record<string, string> {
    return {};
  }

  /** Headers on every answer (the hub's own answers' headers win). */
  protected headersFor(_entry: RequestLogEntry<R>): Record<string, string> {
    return {};
  }

  // --- serving ---------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = this.routeOf(url.pathname);
    const entry: MutableLogEntry<R> = {
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
    this.logged.push(entry);
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

      const window = this.windowFor(route, url);
      let rateHeaders: Record<string, string> = {};
      if (window) {
        const { allowed, remaining, resetSeconds } = window.consume();
        rateHeaders = this.rateHeaders(window, remaining, resetSeconds);
        if (!allowed) {
          this.send(response, entry, this.tooManyRequests(rateHeaders, resetSeconds));
          return;
        }
      }

      const rule = this.takeFault(route, url);
      let fault: FaultAction | undefined;
      if (rule) {
        entry.fault = rule.kind;
        this.faultsServed++;
        if (!isShared(rule)) {
          this.send(response, entry, this.customFault(rule));
          return;
        }
        fault = rule;
      }
      switch (fault?.kind) {
        case 'status': {
          const reply =
            fault.body === undefined
              ? this.errorReply(fault.status, `${this.config.name}: injected ${fault.status}`)
              : { status: fault.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: fault.body };
          this.send(response, entry, { ...reply, headers: { ...rateHeaders, ...reply.headers } });
          return;
        }
        case 'hang':
          return;
        case 'reset':
          response.socket?.destroy();
          return;
        case 'rate-limit': {
          const seconds = fault.retryAfterSeconds ?? 1;
          this.send(response, entry, this.tooManyRequests(window ? this.rateHeaders(window, 0, seconds) : {}, seconds));
          return;
        }
        case 'delay':
          await sleep(fault.ms, undefined, { signal: this.stopping.signal });
          break;
        default:
          break;
      }

      let reply = await this.answer(request, url, route, fault?.kind === 'malformed' ? fault : undefined);
      reply = { ...reply, headers: { ...rateHeaders, ...reply.headers } };
      if (fault?.kind === 'body') {
        const { Link: _link, ...headers } = reply.headers;
        reply = jsonReply(200, fault.body, headers, this.config.jsonContentType);
      }
      if (fault?.kind === 'truncate') {
        this.sendTruncated(response, entry, reply, fault.keepBytes, fault.abort ?? false);
        return;
      }
      this.send(response, entry, reply);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      if (!response.headersSent) {
        this.send(response, entry, this.errorReply(500, `${this.config.name}: ${(error as Error).message}`));
      }
    }
  }

  private tooManyRequests(rateHeaders: Record<string, string>, retryAfterSeconds: number): Reply {
    this.throttled++;
    return this.errorReply(429, this.config.rateLimitMessage, {
      ...rateHeaders,
      'Retry-After': String(retryAfterSeconds),
    });
  }

  private takeFault(route: R, url: URL): FaultRule<R, X> | undefined {
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

  private send(response: ServerResponse, entry: MutableLogEntry<R>, reply: Reply): void {
    if (response.destroyed) return;
    entry.status = reply.status;
    response.writeHead(reply.status, { ...this.headersFor(entry), ...reply.headers });
    response.end(reply.body);
  }

  private sendTruncated(
    response: ServerResponse,
    entry: MutableLogEntry<R>,
    reply: Reply,
    keepBytes: number | undefined,
    abort: boolean,
  ): void {
    if (response.destroyed) return;
    const body = Buffer.from(reply.body);
    const kept = body.subarray(0, Math.min(body.length - 1, keepBytes ?? Math.floor(body.length / 2)));
    entry.status = reply.status;
    const headers = { ...this.headersFor(entry), ...reply.headers };
    if (!abort) {
      response.writeHead(reply.status, headers);
      response.end(kept);
      return;
    }
    response.writeHead(reply.status, { ...headers, 'Content-Length': String(body.length) });
    response.write(kept, () => response.destroy());
  }
}
