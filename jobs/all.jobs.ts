/** Every job handler the worker runs; checkRegistry compares this list with JOB_CONTRACTS at boot. */
import type { Redis } from 'ioredis';
import type { ReclassifyService } from '../src/catalog/reclassify.service.js';
import type { CrawlService } from '../src/crawl/crawl.service.js';
import type { ChangeLogMaintenance } from '../src/events/change-retention.js';
import type { Logger } from '../src/lib/logger.js';
import type { WorkerMetrics } from '../src/lib/metrics-worker.js';
import type { QueueProducer } from '../src/queue/producer.js';
import type { WebhookDeliveryService } from '../src/webhooks/webhook-delivery.service.js';
import { changeLogJobs } from './change-log.jobs.js';
import { crawlJobs } from './crawl.jobs.js';
import { reclassifyJobs } from './reclassify.jobs.js';
import type { BoundJob } from './registry.js';
import { systemJobs } from './system.jobs.js';
import { webhookJobs } from './webhook.jobs.js';

export interface WorkerJobDeps {
  readonly redis: Redis;
  readonly prefix: string;
  readonly crawl: CrawlService;
  readonly reclassify: ReclassifyService;
  readonly producer: QueueProducer;
  readonly logger: Logger;
  readonly webhookDeliveries: WebhookDeliveryService;
  readonly changeLogMaintenance: ChangeLogMaintenance;
  /** Crawl and webhook counters, when the worker serves metrics (WORKER_METRICS_PORT). */
  readonly metrics?: WorkerMetrics | undefined;
}

export function workerJobs(deps: WorkerJobDeps): BoundJob[] {
  return [
    ...systemJobs({ redis: deps.redis, prefix: deps.prefix }),
    ...crawlJobs(deps),
    ...reclassifyJobs(deps),
    ...webhookJobs(deps),
    ...changeLogJobs(deps),
  ];
}
