/**
 * Crawl jobs: start/resume a run, one listing page per job, and enrichment. Each page job queues
 * the next one only after its own page committed, so one run's pages run in order; enrichment
 * jobs run beside them at lower priority, under the same per-hub request budget.
 */
import { type Queue } from 'bullmq';
import type { Logger } from '../src/lib/logger.js';
import type { CrawlService, EnrichTarget } from '../src/crawl/crawl.service.js';
import { HUB_IDS, isHubId, type HubId } from '../src/config/hubs.js';
import type { CrawlErrorStage, WorkerMetrics } from '../src/lib/metrics-worker.js';
import { CRAWL_JOBS, type CrawlContracts } from '../src/queue/contracts.js';
import type { QueueProducer } from '../src/queue/producer.js';
import { bindJob, type BoundJob } from './registry.js';

/**
 * Make sure the job for page `page` of a run exists: add it, or retry it if it had failed for good
 * (a job id that exists in any state blocks a new add).
 */
export async function ensurePageJob(
  producer: QueueProducer,
  jobs: CrawlContracts,
  runId: string,
  page: number,
): Promise<void> {
  const queue: Queue = producer.queue(jobs.page.queue);
  const id = jobs.page.jobId?.({ runId, page });
  const existing = id ? await queue.getJob(id) : undefined;
  if (existing && (await existing.isFailed())) {
    await existing.retry('failed');
    return;
  }
  if (!existing) await producer.enqueue(jobs.page, { runId, page });
}

export async function enqueueEnrichment(
  producer: QueueProducer,
  jobs: CrawlContracts,
  targets: readonly EnrichTarget[],
): Promise<void> {
  for (const target of targets) await producer.enqueue(jobs.enrich, target);
}

/** At worker start: every running run gets its current page job back (after a crash or restart). */
export async function resumeRunningCrawls(crawl: CrawlService, producer: QueueProducer, logger: Logger): Promise<void> {
  for (const run of await crawl.runningRuns()) {
    if (!isHubId(run.hubId)) {
      logger.warn(
        { runId: run.id.toString(), hub: run.hubId },
        'crawl run of a hub this build does not crawl: left as is',
      );
      continue;
    }
    if (run.cursor === null) await crawl.finishRun(run.id.toString());
    else await ensurePageJob(producer, CRAWL_JOBS[run.hubId], run.id.toString(), run.pages);
    logger.info({ runId: run.id.toString(), page: run.pages }, 'crawl run resumed');
  }
}

interface CrawlJobDeps {
  readonly crawl: CrawlService;
  readonly producer: QueueProducer;
  readonly logger: Logger;
  /** Counts pages, models and errors per hub (README: "Operations: metrics and queues"). */
  readonly metrics?: WorkerMetrics | undefined;
}

/** The crawl jobs of every hub: the same handlers, bound to each hub's queue. */
export function crawlJobs(deps: CrawlJobDeps) {
  return HUB_IDS.flatMap((hubId) => hubCrawlJobs(hubId, CRAWL_JOBS[hubId], deps));
}

function hubCrawlJobs(hubId: HubId, jobs: CrawlContracts, deps: CrawlJobDeps) {
  const { crawl, producer, logger, metrics } = deps;
  const stage = (entry: BoundJob): CrawlErrorStage =>
    entry.contract === jobs.start ? 'start' : entry.contract === jobs.page ? 'page' : 'enrich';
  const bound = [
    bindJob(jobs.start, async (payload) => {
      const { run, resumed } = await crawl.startRun({
        hubId: payload.hubId,
        mode: payload.mode,
        trigger: payload.trigger,
      });
      await ensurePageJob(producer, jobs, run.id.toString(), run.pages);
      return { runId: run.id.toString(), resumed };
    }),

    bindJob(jobs.page, async (payload, job) => {
      const outcome = await crawl.processPage(payload.runId, payload.page);
      switch (outcome.kind) {
        case 'finished':
          return { outcome: 'finished' };
        case 'stale': {
          // Someone else committed this page: make sure the run goes on from where it is.
          const run = await crawl.runState(payload.runId);
          if (run?.status === 'RUNNING') {
            if (run.cursor === null) await crawl.finishRun(payload.runId);
            else await ensurePageJob(producer, jobs, payload.runId, run.pages);
          }
          return { outcome: 'stale' };
        }
        case 'page': {
          metrics?.crawlPage(hubId, { ...outcome.counts, quarantined: outcome.quarantined });
          await enqueueEnrichment(producer, jobs, outcome.enrich);
          if (outcome.nextCursor === null) await crawl.finishRun(payload.runId);
          else await ensurePageJob(producer, jobs, payload.runId, payload.page + 1);
          logger.debug(
            { runId: payload.runId, page: payload.page, jobId: job.id, seen: outcome.seen },
            'crawl page done',
          );
          return { outcome: 'page', seen: outcome.seen, changes: outcome.changes };
        }
      }
    }),

    // A model whose details cannot be fetched ends its job with outcome `failed` (counted on its
    // run), not as a failed job: the hub client has retried already and page jobs never wait on
    // it. The model is a target again when a page sees it after this job has aged out of Redis
    // (the contract's removeOnComplete). Database errors still fail the job, which is retried.
    bindJob(jobs.enrich, async (payload) => {
      const outcome = await crawl.enrichModel(payload);
      if (outcome === 'failed') metrics?.crawlError(hubId, 'enrich');
      return { outcome };
    }),
  ];
  return metrics ? bound.map((entry) => countingFailures(entry, () => metrics.crawlError(hubId, stage(entry)))) : bound;
}

/** A job that throws (BullMQ retries it) is counted as its hub's crawl error, then fails as before. */
function countingFailures(entry: BoundJob, count: () => void): BoundJob {
  return {
    contract: entry.contract,
    handler: (payload, job) =>
      entry.handler(payload, job).catch((error: unknown) => {
        count();
        throw error;
      }),
  };
}
