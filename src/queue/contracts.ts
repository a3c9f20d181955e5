/**
 * Queues as contracts: each job names its queue, a zod payload (parsed when queued and again when
 * run), its default options and its job-id rule. Job ids come from natural keys so a retried or
 * duplicated enqueue is a no-op; BullMQ reserves `:` in keys, so ids never contain it.
 */
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { HUB_IDS, type HubId } from '../config/hubs.js';

/**
 * `system` for housekeeping; one queue per hub for every request to that hub (listing pages and
 * enrichment, by priority), so a hub's work is visible and can be paused in one place; `webhooks`
 * for deliveries, with its own concurrency, so slow endpoints never hold up crawls.
 */
export type CrawlQueueName = `crawl-${HubId}`;
export type QueueName = 'system' | CrawlQueueName | 'webhooks';
export const crawlQueueName = (hubId: HubId): CrawlQueueName => `crawl-${hubId}`;
export const QUEUE_NAMES: readonly QueueName[] = ['system', ...HUB_IDS.map(crawlQueueName), 'webhooks'];

export interface JobContract<Name extends string = string, Payload extends z.ZodType = z.ZodType> {
  readonly queue: QueueName;
  readonly name: Name;
  readonly payload: Payload;
  /** Natural-key job id; omitted means BullMQ assigns one (the job is not deduplicated). */
  readonly jobId?: (payload: z.infer<Payload>) => string;
  readonly options?: JobsOptions;
}

export function defineJob<Name extends string, Payload extends z.ZodType>(
  contract: JobContract<Name, Payload>,
): JobContract<Name, Payload> {
  return contract;
}

/** Make a natural key safe as a BullMQ job id. */
export function jobIdFrom(...parts: readonly (string | number)[]): string {
  return parts.map((part) => String(part).replace(/[:\s]+/g, '_')).join('__');
}

/**
 * The worker heartbeat: every worker process runs it on a schedule and records that it is alive,
 * so operators (and `/readyz`) can see whether any worker is consuming the queues.
 */
export const heartbeatJob = defineJob({
  queue: 'system',
  name: 'heartbeat',
  payload: z.object({}).strict(),
  options: { removeOnComplete: 10, removeOnFail: 50 },
});

const CRAWL_MODE = z.enum(['FULL', 'INCREMENTAL']);

/** BullMQ priorities: lower runs first. Listing pages go before enrichment. */
export const PRIORITY = { listing: 1, enrichment: 10 } as const;

/** One hub's crawl jobs, on that hub's queue. */
function crawlContracts(hubId: HubId) {
  const queue = crawlQueueName(hubId);
  return {
    /** Start (or resume) a crawl run; queued by the schedulers, the API and operators. */
    start: defineJob({
      queue,
      name: 'crawl-start',
      payload: z.object({ hubId: z.literal(hubId), mode: CRAWL_MODE, trigger: z.enum(['SCHEDULE', 'CLI', 'API']) }),
      options: {
        priority: PRIORITY.listing,
        attempts: 5,
        backoff: { type: 'exponential', delay: 5_000 },
        removeOnComplete: 100,
        removeOnFail: 500,
      },
    }),

    /** One listing page of a run: the job id is the run and page, so a duplicate is a no-op. */
    page: defineJob({
      queue,
      name: 'crawl-page',
      payload: z.object({ runId: z.string().regex(/^\d+$/), page: z.number().int().nonnegative() }),
      jobId: (payload) => jobIdFrom('page', payload.runId, payload.page),
      options: {
        priority: PRIORITY.listing,
        attempts: 10,
        backoff: { type: 'exponential', delay: 5_000 },
        removeOnComplete: { age: 86_400, count: 5_000 },
        removeOnFail: { age: 7 * 86_400 },
      },
    }),

    /** Per-model details for a model that matters, at one sha: re-enriched only when the sha moves. */
    enrich: defineJob({
      queue,
      name: 'enrich',
      payload: z.object({
        modelId: z.string().min(1),
        repoId: z.string().min(1),
        sha: z.string().nullable(),
        /** The run that counts the outcome (crawl_runs.models_enriched / enrich_failed). */
        runId: z.string().regex(/^\d+$/).optional(),
      }),
      jobId: (payload) => jobIdFrom('enrich', payload.modelId, payload.sha ?? 'none'),
      options: {
        priority: PRIORITY.enrichment,
        attempts: 5,
        backoff: { type: 'exponential', delay: 10_000 },
        removeOnComplete: { age: 86_400, count: 10_000 },
        removeOnFail: { age: 7 * 86_400 },
      },
    }),
  };
}

export type CrawlContracts = ReturnType<typeof crawlContracts>;

/** Each hub's crawl jobs (start, page, enrich), on its own queue `crawl-<hub>`. */
export const CRAWL_JOBS = Object.fromEntries(HUB_IDS.map((hubId) => [hubId, crawlContracts(hubId)])) as Readonly<
  Record<HubId, CrawlContracts>
>;

/**
 * One batch of the reclassification of the catalog under a rules version; each batch queues the
 * next. The id names the version and the position, so a re-queued batch is a no-op.
 */
export const reclassifyJob = defineJob({
  queue: 'system',
  name: 'reclassify',
  payload: z.object({ rulesVersion: z.string().min(1), after: z.string() }),
  jobId: (payload) => jobIdFrom('reclassify', payload.rulesVersion, payload.after || 'start'),
  options: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 100, removeOnFail: 500 },
});

/**
 * One webhook delivery (a row of `webhook_deliveries`), by id: the job id is the delivery's, so
 * enqueuing a pending delivery again while its job exists is a no-op. Attempts and backoff come
 * from the configuration (src/webhooks/webhook-queue.ts); jobs leave Redis when they end, because
 * the delivery row and its attempts are the record, and an ended job must not block a re-enqueue.
 */
export const webhookDeliveryJob = defineJob({
  queue: 'webhooks',
  name: 'webhook-delivery',
  payload: z.object({ deliveryId: z.string().regex(/^\d+$/) }).strict(),
  jobId: (payload) => jobIdFrom('delivery', payload.deliveryId),
  options: { removeOnComplete: true, removeOnFail: true },
});

/**
 * Change-log maintenance (src/events/change-retention.ts): the monthly partitions ahead, and
 * retention. Recurring, and queued once at every worker start; runs are idempotent and take turns
 * on a database lock, so a duplicate is harmless.
 */
export const changeLogMaintenanceJob = defineJob({
  queue: 'system',
  name: 'change-log-maintenance',
  payload: z.object({}).strict(),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 24, removeOnFail: 50 },
});

export const JOB_CONTRACTS: readonly JobContract[] = [
  heartbeatJob,
  ...HUB_IDS.flatMap((hubId) => Object.values(CRAWL_JOBS[hubId])),
  reclassifyJob,
  webhookDeliveryJob,
  changeLogMaintenanceJob,
];

export const crawlSchedulerId = (hubId: string, mode: 'FULL' | 'INCREMENTAL') =>
  `${hubId}-${mode === 'FULL' ? 'full-sweep' : 'incremental'}`;

export const HEARTBEAT_SCHEDULER_ID = 'worker-heartbeat';
export const HEARTBEAT_EVERY_MS = 15_000;
export const heartbeatKey = (prefix: string) => `${prefix}:worker-heartbeat`;
