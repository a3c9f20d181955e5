/**
 * The worker's metrics (README: "Operations: metrics and queues"): how long jobs wait and run per
 * queue, what crawls fetch and fail per hub, and how webhook deliveries end. jobs/worker.ts
 * observes the BullMQ workers; the crawl and webhook jobs count what they did.
 *
 * Every label value comes from the caller's closed sets (queue, job and hub names of the
 * contracts, outcomes of the code), never from a job's data. A job's name is `job_name`: Prometheus
 * gives every series the `job` of its scrape configuration.
 */
import type { Job, Worker } from 'bullmq';
import { Counter, Histogram, Registry } from 'prom-client';
import { processMetrics, registerPoolGauges, type PoolStats } from './metrics.js';

/** What the latency histograms read of a BullMQ job (creation, delay, when it started and ended). */
export interface JobTimes {
  readonly timestamp: number;
  readonly delay: number;
  readonly attemptsStarted: number;
  readonly processedOn?: number | undefined;
  readonly finishedOn?: number | undefined;
}

/** A crawl page's models by what ingest did with them (quarantined: refused, kept aside). */
export interface CrawlPageCounts {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly restored: number;
  readonly quarantined: number;
}

export type CrawlErrorStage = 'start' | 'page' | 'enrich';

// Waits run from milliseconds (an idle worker) to hours (a backlog); runs from a heartbeat to a
// crawl page of 1,000 models that waits on a hub's rate limit.
const WAIT_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 15, 30, 60, 300, 900, 3600];
const RUN_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export class WorkerMetrics {
  private readonly registry = new Registry();
  private readonly jobWait: Histogram<'queue' | 'job_name'>;
  private readonly jobRun: Histogram<'queue' | 'job_name' | 'outcome'>;
  private readonly crawlPages: Counter<'hub'>;
  private readonly crawlModels: Counter<'hub' | 'result'>;
  private readonly crawlErrors: Counter<'hub' | 'stage'>;
  private readonly webhookDeliveries: Counter<'outcome'>;

  /** `pools`: the process's Postgres pools, by name. */
  constructor(pools: readonly { name: string; stats: PoolStats }[]) {
    const registers = [this.registry];
    registerPoolGauges(this.registry, pools);
    this.jobWait = new Histogram({
      name: 'catalog_job_wait_seconds',
      help: 'Time a job waited in its queue, from when it was ready (created, plus its delay) to its first start.',
      labelNames: ['queue', 'job_name'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.jobRun = new Histogram({
      name: 'catalog_job_duration_seconds',
      help: 'Time a worker spent on one attempt of a job, by how the attempt ended (completed or failed).',
      labelNames: ['queue', 'job_name', 'outcome'],
      buckets: RUN_BUCKETS,
      registers,
    });
    this.crawlPages = new Counter({
      name: 'catalog_crawl_pages_total',
      help: 'Listing pages a crawl fetched and committed, per hub.',
      labelNames: ['hub'],
      registers,
    });
    this.crawlModels = new Counter({
      name: 'catalog_crawl_models_total',
      help: 'Models of committed listing pages, per hub, by what ingest did (created, updated, unchanged, restored, quarantined).',
      labelNames: ['hub', 'result'],
      registers,
    });
    this.crawlErrors = new Counter({
      name: 'catalog_crawl_errors_total',
      help: 'Failed crawl jobs per hub and stage (start, page: retried by BullMQ; enrich: a model whose details could not be fetched).',
      labelNames: ['hub', 'stage'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'catalog_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (for good), held, skipped, deferred, unavailable.',
      labelNames: ['outcome'],
      registers,
    });
  }

  /** What the worker's metrics server answers: the process's metrics, then these. */
  get registries(): readonly Registry[] {
    return [processMetrics(), this.registry];
  }

  /**
   * Time the jobs of a BullMQ worker. `jobs`: the job names its queue's contracts declare; any
   * other name (a foreign producer's, refused by the worker) is counted as `other`.
   */
  observe(worker: Worker, jobs: ReadonlySet<string>): void {
    const queue = worker.name;
    const name = (job: Job) => (jobs.has(job.name) ? job.name : 'other');
    worker.on('active', (job) => this.jobStarted(queue, name(job), job));
    worker.on('completed', (job) => this.jobEnded(queue, name(job), 'completed', job));
    worker.on('failed', (job) => {
      if (job) this.jobEnded(queue, name(job), 'failed', job);
    });
  }

  /** A job started: its wait, on its first start only (a retry's wait is its backoff). */
  private jobStarted(queue: string, job: string, times: JobTimes): void {
    if (times.attemptsStarted > 1 || times.processedOn === undefined) return;
    const readyAt = times.timestamp + Math.max(0, times.delay);
    this.jobWait.observe({ queue, job_name: job }, Math.max(0, times.processedOn - readyAt) / 1000);
  }

  /** An attempt ended. A failed attempt that BullMQ retries has no `finishedOn` yet: now is its end. */
  private jobEnded(queue: string, job: string, outcome: 'completed' | 'failed', times: JobTimes): void {
    if (times.processedOn === undefined) return;
    const end = times.finishedOn ?? Date.now();
    this.jobRun.observe({ queue, job_name: job, outcome }, Math.max(0, end - times.processedOn) / 1000);
  }

  crawlPage(hub: string, counts: CrawlPageCounts): void {
    this.crawlPages.inc({ hub });
    for (const result of ['created', 'updated', 'unchanged', 'restored', 'quarantined'] as const) {
      this.crawlModels.inc({ hub, result }, counts[result]);
    }
  }

  crawlError(hub: string, stage: CrawlErrorStage): void {
    this.crawlErrors.inc({ hub, stage });
  }

  webhookDelivery(outcome: string): void {
    this.webhookDeliveries.inc({ outcome: outcome.toLowerCase() });
  }
}
