/**
 * The job counts of every queue, read from Redis when Prometheus scrapes (BullMQ's
 * `getJobCounts`), each bounded by a deadline: a slow or unreachable Redis leaves that queue's
 * counts out of the answer and `catalog_queue_counts_ok` at 0, and never holds the scrape.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.js';

/** What a BullMQ Queue offers here. */
export interface CountedQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/**
 * BullMQ's states: `wait` (ready), `prioritized` (ready, with a priority: the crawl queues),
 * `delayed` (backoff, deferral), `active`, `waiting-children`, `paused`, and the kept `completed`
 * and `failed` jobs.
 */
export const QUEUE_STATES = [
  'wait',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'paused',
  'failed',
  'completed',
] as const;

/** Well inside Prometheus's default scrape timeout (10 s). */
export const QUEUE_COUNTS_TIMEOUT_MS = 2_000;

type QueueCounts = { readonly queue: string; readonly counts: Record<string, number> | null };

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export function registerQueueDepth(
  registry: Registry,
  queues: () => readonly CountedQueue[],
  logger: Logger,
  timeoutMs = QUEUE_COUNTS_TIMEOUT_MS,
): void {
  let lastWarned = 0;
  // Both gauges of one scrape share one read of the counts.
  let reading: Promise<QueueCounts[]> | null = null;
  const read = () => {
    reading ??= Promise.all(
      queues().map((queue) =>
        withDeadline(queue.getJobCounts(...QUEUE_STATES), timeoutMs, `job counts of queue ${queue.name}`).then(
          (counts): QueueCounts => ({ queue: queue.name, counts }),
          (error: unknown): QueueCounts => {
            if (Date.now() - lastWarned > 60_000) {
              lastWarned = Date.now();
              logger.warn({ err: error, queue: queue.name }, 'queue counts unavailable for metrics');
            }
            return { queue: queue.name, counts: null };
          },
        ),
      ),
    ).finally(() => (reading = null));
    return reading;
  };

  new Gauge({
    name: 'catalog_queue_jobs',
    help: 'Jobs in each queue by BullMQ state, read at scrape time; depth is wait + prioritized + delayed.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const results = await read();
      // Only what was read now: a queue whose counts failed has no series rather than stale ones.
      this.reset();
      for (const { queue, counts } of results) {
        if (!counts) continue;
        for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'catalog_queue_counts_ok',
    help: 'Whether the job counts of each queue could be read from Redis in time at this scrape (1) or not (0).',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const { queue, counts } of await read()) this.set({ queue }, counts ? 1 : 0);
    },
  });
}
