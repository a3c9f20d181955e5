/**
 * Waiting for Postgres and Redis at start: processes do not crash-loop when a dependency is down;
 * they retry with backoff and log which dependency is missing until it answers.
 */
import type { Readiness } from '../api/readiness.js';
import type { Logger } from './logger.js';
import { retryWithBackoff } from './retry.js';

export class DependencyDownError extends Error {
  constructor(readonly down: Readonly<Record<string, string>>) {
    super(
      `waiting for ${Object.entries(down)
        .map(([name, why]) => `${name} (${why})`)
        .join(', ')}`,
    );
    this.name = 'DependencyDownError';
  }
}

/** Resolve once `probe` reports nothing down; `probe` returns what is down, with reasons. */
export async function waitForDependencies(options: {
  probe: () => Promise<Record<string, string>>;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<void> {
  const { probe, logger, signal } = options;
  await retryWithBackoff(
    async () => {
      const down = await probe();
      if (Object.keys(down).length > 0) throw new DependencyDownError(down);
    },
    { what: 'dependency check', logger, initialDelayMs: 500, maxDelayMs: 15_000, ...(signal ? { signal } : {}) },
  );
  logger.info('dependencies reachable');
}

/** Probe built from the API's readiness check. */
export function readinessProbe(readiness: () => Promise<Readiness>) {
  return async () => {
    const { checks } = await readiness();
    return Object.fromEntries(
      Object.entries(checks)
        .filter(([, check]) => !check.ok)
        .map(([name, check]) => [name, check.error ?? 'down']),
    );
  };
}

/** The API serves health endpoints at once and reports in the background until all is reachable. */
export function watchDependencies(options: {
  readiness: () => Promise<Readiness>;
  logger: Logger;
  signal?: AbortSignal;
}): void {
  waitForDependencies({
    probe: readinessProbe(options.readiness),
    logger: options.logger,
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((error: unknown) => {
    if (!options.signal?.aborted) options.logger.error({ err: error }, 'dependency watch stopped');
  });
}
