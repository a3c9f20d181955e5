/**
 * HTTP for the reference sources: the crawler's HubClient (deadline per attempt, retries with
 * backoff on 408/429/5xx/timeouts/network errors, 429 `Retry-After`) without the shared hub
 * budget, which is for the model hubs. A final non-2xx answer is a ReferenceSourceError.
 */
import { HubClient, HubRequestError } from '../outbound/hub-client.js';
import { unlimited } from '../outbound/request-budget.js';
import type { Logger } from '../lib/logger.js';

export class ReferenceSourceError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReferenceSourceError';
  }
}

export interface ReferenceHttpOptions {
  readonly logger: Logger;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export interface ReferenceResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

export class ReferenceHttp {
  private readonly client: HubClient;

  constructor(options: ReferenceHttpOptions) {
    this.client = new HubClient({
      limiter: unlimited,
      logger: options.logger,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 3,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 10_000,
      userAgent: 'open-model-catalog/0.1 (openness references)',
    });
  }

  /** Requests sent so far, retries included. */
  get requests(): number {
    return this.client.counters.requests;
  }

  /** GET with retries; resolves with any final status (the caller decides what a 404 means). */
  async get(url: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<ReferenceResponse> {
    let response: Response;
    try {
      response = await this.client.request(url, { headers, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (error instanceof HubRequestError) {
        throw new ReferenceSourceError(error.message, url, error.status, { cause: error });
      }
      throw error;
    }
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  }

  /** GET a 2xx body as text. */
  async getText(url: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<ReferenceResponse> {
    const response = await this.get(url, headers, signal);
    if (response.status < 200 || response.status > 299) {
      throw new ReferenceSourceError(`${response.status} from ${url}`, url, response.status);
    }
    return response;
  }

  /** GET a 2xx JSON body. */
  async getJson(url: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<unknown> {
    const response = await this.getText(url, { accept: 'application/json', ...headers }, signal);
    try {
      return JSON.parse(response.body) as unknown;
    } catch (error) {
      throw new ReferenceSourceError(
        `malformed JSON from ${url} (${response.body.length} bytes)`,
        url,
        response.status,
        {
          cause: error,
        },
      );
    }
  }
}

/** Run `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      for (let index = next++; index < items.length; index = next++) results[index] = await task(items[index] as T);
    }),
  );
  return results;
}
