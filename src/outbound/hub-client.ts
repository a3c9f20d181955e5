/**
 * The one fetch wrapper for every request to a hub (listing, model info, file downloads, and the
 * requests @huggingface/hub makes, through its `fetch` parameter). The library has no retry, no
 * 429 handling and no timeouts, so this wrapper:
 * - waits for the shared per-hub budget before each request (RequestBudget) and feeds back the
 *   `RateLimit` headers of every response;
 * - retries 429 (after `Retry-After`, or the window reset) and 408/5xx/network errors/timeouts with
 *   capped exponential backoff and full jitter;
 * - times out a request whose headers *or body* do not arrive in time (the body is read here, so a
 *   stalled or truncated body is a retryable error, not a hang or a half-parsed page).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../lib/logger.js';
import { backoffDelay } from '../lib/retry.js';
import { parseRateLimit, parseRetryAfter } from './rate-limit-headers.js';
import type { RequestBudget } from './request-budget.js';

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export interface HubClientCounters {
  requests: number;
  throttled: number;
  rateLimitWaitMs: number;
  errors: number;
}

export const emptyCounters = (): HubClientCounters => ({ requests: 0, throttled: 0, rateLimitWaitMs: 0, errors: 0 });

export interface HubClientOptions {
  readonly limiter: RequestBudget;
  readonly logger: Logger;
  readonly token?: string | undefined;
  /** Whole-request deadline (headers and body), per attempt. */
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly userAgent?: string;
}

export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null,
    /** True when trying again later may succeed (5xx, 429, timeouts, network). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HubRequestError';
  }
}

export class HubClient {
  readonly counters: HubClientCounters = emptyCounters();
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;

  constructor(private readonly options: HubClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 30_000;
  }

  /** A `fetch` for libraries (`@huggingface/hub`'s `fetch` parameter): same behaviour as `request`. */
  readonly fetch: typeof fetch = (input, init) =>
    this.request(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init);

  /**
   * Fetch with budget, retries and a deadline. Resolves with a fully buffered Response for any
   * final status (2xx, 3xx, 4xx other than 408/429); rejects with HubRequestError when retries are
   * exhausted.
   */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    let lastError: HubRequestError | undefined;
    for (let attempt = 1; attempt <= this.maxRetries + 1; attempt++) {
      const signal = init.signal ?? undefined;
      this.counters.rateLimitWaitMs += await this.options.limiter.acquire(signal);
      this.counters.requests++;
      let retryAfterMs: number | null = null;
      try {
        const response = await this.attempt(url, init);
        const observation = parseRateLimit(response.headers);
        if (observation) await this.options.limiter.observe(observation);
        if (!RETRYABLE_STATUS.has(response.status)) return response;
        if (response.status === 429) {
          this.counters.throttled++;
          const seconds = parseRetryAfter(response.headers) ?? observation?.resetSeconds ?? null;
          if (seconds !== null) {
            await this.options.limiter.throttled(seconds);
            retryAfterMs = seconds * 1000;
          }
        }
        lastError = new HubRequestError(`${response.status} from ${url}`, url, response.status, true);
      } catch (error) {
        if (error instanceof HubRequestError && !error.retryable) throw error;
        if (signal?.aborted) throw error;
        lastError =
          error instanceof HubRequestError
            ? error
            : new HubRequestError(`request to ${url} failed: ${(error as Error).message}`, url, null, true, {
                cause: error,
              });
      }
      this.counters.errors++;
      if (attempt > this.maxRetries) break;
      // 429 waits are handled by the limiter on the next acquire; others back off here.
      const delay = retryAfterMs ?? backoffDelay(attempt, this.backoffBaseMs, this.backoffMaxMs);
      this.options.logger.warn(
        { url, attempt, status: lastError.status, retryInMs: delay, err: lastError.message },
        'hub request failed; retrying',
      );
      if (retryAfterMs === null) await sleep(delay, undefined, signal ? { signal } : undefined);
    }
    throw lastError ?? new HubRequestError(`request to ${url} failed`, url, null, true);
  }

  /**
   * `request`, then parse a 2xx body as JSON; a truncated or malformed body is retried like a 5xx.
   * Non-2xx answers are returned with a null body for the caller to judge.
   */
  async requestJson(url: string, init: RequestInit = {}): Promise<{ response: Response; body: unknown }> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.request(url, init);
      if (!response.ok) return { response, body: null };
      try {
        return { response, body: await readJson(response, url) };
      } catch (error) {
        this.counters.errors++;
        if (attempt > this.maxRetries) throw error;
        const delay = backoffDelay(attempt, this.backoffBaseMs, this.backoffMaxMs);
        this.options.logger.warn(
          { url, attempt, retryInMs: delay, err: (error as Error).message },
          'malformed hub answer; retrying',
        );
        await sleep(delay, undefined, init.signal ? { signal: init.signal } : undefined);
      }
    }
  }

  private async attempt(url: string, init: RequestInit): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const headers = new Headers(init.headers);
    if (this.options.token && !headers.has('authorization'))
      headers.set('authorization', `Bearer ${this.options.token}`);
    if (!headers.has('user-agent')) headers.set('user-agent', this.options.userAgent ?? 'open-model-catalog/0.1');
    try {
      const response = await fetch(url, { ...init, headers, signal, redirect: init.redirect ?? 'follow' });
      // Buffer the body under the same deadline: a stalled body is a timeout, not a hang.
      const body = await response.arrayBuffer();
      return new Response(isNullBodyStatus(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (timeout.aborted && !init.signal?.aborted) {
        throw new HubRequestError(`no complete answer from ${url} within ${this.timeoutMs} ms`, url, null, true, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

function isNullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304;
}

/** Parse a buffered response as JSON; a truncated or malformed body is a retryable error. */
export async function readJson(response: Response, url: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HubRequestError(`malformed JSON from ${url} (${text.length} bytes)`, url, response.status, true, {
      cause: error,
    });
  }
}
