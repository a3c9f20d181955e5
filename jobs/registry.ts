/**
 * Binds every job contract to its handler and runs one BullMQ Worker per queue. Boot fails when a
 * contract has no handler (or a handler no contract), and every payload is parsed again on the way
 * in, so a job queued by an older or foreign producer fails loudly instead of running on bad data.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { dependencyOutage } from '../src/lib/dependencies.js';
import type { Logger } from '../src/lib/logger.js';
import type { JobContract, QueueName } from '../src/queue/contracts.js';

export type JobHandler<P extends z.ZodType = z.ZodType> = (payload: z.infer<P>, job: Job) => Promise<unknown>;

export interface BoundJob {
  readonly contract: JobContract;
  readonly handler: JobHandler;
}

export function bindJob<P extends z.ZodType>(contract: JobContract<string, P>, handler: JobHandler<P>): BoundJob {
  return { contract, handler: handler as JobHandler };
}

export function checkRegistry(contracts: readonly JobContract[], bound: readonly BoundJob[]): void {
  const key = (c: JobContract) => `${c.queue}/${c.name}`;
  const handled = new Set(bound.map((b) => key(b.contract)));
  const declared = new Set(contracts.map(key));
  const missing = [...declared].filter((k) => !handled.has(k));
  const unknown = [...handled].filter((k) => !declared.has(k));
  if (missing.length || unknown.length) {
    throw new Error(
      `job registry mismatch: ${missing.length ? `no handler for ${missing.join(', ')}` : ''}` +
        `${missing.length && unknown.length ? '; ' : ''}${unknown.length ? `no contract for ${unknown.join(', ')}` : ''}`,
    );
  }
}

/** How soon a worker fetches again after a Redis connection error. */
export const RUN_RETRY_DELAY_MS = 1_000;
const OUTAGE_LOG_EVERY_MS = 10_000;

export interface StartWorkersOptions {
  readonly bound: readonly BoundJob[];
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  readonly logger: Logger;
  /** How long a job's lock lives without renewal, and how often stalled jobs are looked for. */
  readonly lockMs?: number;
  readonly stalledCheckMs?: number;
}

export function startWorkers(options: StartWorkersOptions): Worker[] {
  const { bound, connection, prefix, concurrency, logger, lockMs = 30_000, stalledCheckMs = 15_000 } = options;
  const byQueue = new Map<QueueName, Map<string, BoundJob>>();
  for (const entry of bound) {
    const jobs = byQueue.get(entry.contract.queue) ?? new Map<string, BoundJob>();
    jobs.set(entry.contract.name, entry);
    byQueue.set(entry.contract.queue, jobs);
  }
  return [...byQueue].map(([queue, jobs]) => {
    const worker = new Worker(
      queue,
      async (job) => {
        const entry = jobs.get(job.name);
        if (!entry) throw new UnrecoverableError(`queue ${queue} has no handler for job ${job.name}`);
        const parsed = entry.contract.payload.safeParse(job.data);
        if (!parsed.success) {
          throw new UnrecoverableError(`invalid ${job.name} payload: ${parsed.error.message}`);
        }
        return entry.handler(parsed.data, job);
      },
      {
        connection,
        prefix,
        concurrency,
        lockDuration: lockMs,
        stalledInterval: stalledCheckMs,
        // A job whose worker was killed is retried, however often that happens: pages are idempotent.
        maxStalledCount: 100,
        // After a Redis connection error, fetch again this soon (BullMQ's default waits 15 s, which
        // a worker would spend idle after Redis is back).
        runRetryDelay: RUN_RETRY_DELAY_MS,
      },
    );
    worker.on('failed', (job, error) =>
      logger.warn({ queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed'),
    );
    // Redis down: every command of each of the worker's connections fails; one line per queue
    // every 10 s says so (the connection logs its own loss and return). Other errors: each one.
    let lastOutageLogged = 0;
    worker.on('error', (error) => {
      const outage = dependencyOutage(error);
      if (outage) {
        if (Date.now() - lastOutageLogged < OUTAGE_LOG_EVERY_MS) return;
        lastOutageLogged = Date.now();
        logger.warn({ queue, err: error, outage }, 'worker cannot reach a dependency (retrying)');
        return;
      }
      logger.error({ queue, err: error }, 'worker error');
    });
    return worker;
  });
}
