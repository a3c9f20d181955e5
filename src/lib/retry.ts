/** Retry an async operation with capped exponential backoff and full jitter, logging each failure. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.js';

export interface RetryOptions {
  readonly what: string;
  readonly logger: Logger;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Give up after this many attempts; unlimited when omitted. */
  readonly maxAttempts?: number;
  readonly signal?: AbortSignal;
}

export function backoffDelay(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function retryWithBackoff<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { what, logger, initialDelayMs = 250, maxDelayMs = 10_000, maxAttempts = Infinity, signal } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= maxAttempts || signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, initialDelayMs, maxDelayMs);
      logger.warn({ err: error, attempt, retryInMs: delayMs }, `${what} failed; retrying`);
      await sleep(delayMs, undefined, signal ? { signal } : undefined);
    }
  }
}
