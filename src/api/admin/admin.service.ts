/**
 * What the API's mutations do: queue a crawl of a hub (joining the run already under way), and
 * queue the reclassification of the catalog under the current rules. Input problems come back as
 * `UserError`s in the payload; authorization is the resolvers' business, not this service's.
 */
import type { Job } from 'bullmq';
import type pg from 'pg';
import type { HubRepository } from '../../catalog/hub.repository.js';
import type { ReclassifyService } from '../../catalog/reclassify.service.js';
import type { CrawlService } from '../../crawl/crawl.service.js';
import { withTryAdvisoryLock } from '../../db/advisory-lock.js';
import type { CrawlRun } from '../../generated/prisma/client.js';
import type { Logger } from '../../lib/logger.js';
import { RULES_VERSION } from '../../openness/rules-version.js';
import { isHubId } from '../../config/hubs.js';
import { CRAWL_JOBS, reclassifyJob } from '../../queue/contracts.js';
import type { QueueProducer } from '../../queue/producer.js';

export type UserErrorCode = 'UNKNOWN_HUB' | 'HUB_NOT_CRAWLABLE';

export interface UserError {
  readonly code: UserErrorCode;
  /** Path to the input field at fault (`["input", "hub"]`), or null for the request as a whole. */
  readonly field: string[] | null;
  readonly message: string;
}

export type JobState = Awaited<ReturnType<Job['getState']>>;

export interface QueuedJob {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  readonly state: JobState;
}

export interface RequestCrawlResult {
  readonly run: CrawlRun | null;
  readonly joined: boolean;
  readonly job: QueuedJob | null;
  readonly errors: UserError[];
}

export interface ReclassifyResult {
  readonly rulesVersion: string;
  readonly pendingModels: number;
  readonly job: QueuedJob;
  readonly errors: UserError[];
}

/** Advisory-lock namespace (first key) for "start a run of hub H in mode M" from the API. */
const CRAWL_REQUEST_LOCK = 0x63726177; // 'craw'

export interface AdminServiceDeps {
  readonly pool: pg.Pool;
  readonly hubs: HubRepository;
  readonly crawl: CrawlService;
  readonly reclassify: ReclassifyService;
  readonly producer: QueueProducer;
  readonly logger: Logger;
}

export class AdminService {
  constructor(private readonly deps: AdminServiceDeps) {}

  /**
   * Start a run of the hub (or join the one running in the same mode) and queue its start job;
   * the worker's start job finds the run and queues its first page. The run row is written here,
   * so the caller gets its id at once; concurrent requests for the same hub and mode take turns
   * (an advisory lock) so they share one run.
   */
  async requestCrawl(input: { hub: string; full: boolean }): Promise<RequestCrawlResult> {
    const field = ['input', 'hub'];
    const hub = await this.deps.hubs.find(input.hub);
    if (!hub) {
      const known = (await this.deps.hubs.list()).map((h) => h.id).join(', ') || 'none yet: run `catalog seed`';
      return failed({ code: 'UNKNOWN_HUB', field, message: `No hub "${input.hub}" in the catalog (known: ${known}).` });
    }
    const mode = input.full ? 'FULL' : 'INCREMENTAL';
    if (!isHubId(hub.id))
      return failed({ code: 'HUB_NOT_CRAWLABLE', field, message: `The catalog does not crawl hub "${hub.id}".` });
    const start = CRAWL_JOBS[hub.id].start;
    const payload = start.payload.parse({ hubId: hub.id, mode, trigger: 'API' });

    const { run, resumed } = await withTryAdvisoryLock(this.deps.pool, CRAWL_REQUEST_LOCK, `${hub.id}:${mode}`, () =>
      this.deps.crawl.startRun({ hubId: hub.id, mode, trigger: 'API' }),
    );
    const job = await this.deps.producer.enqueue(start, payload);
    this.deps.logger.info(
      { runId: run.id.toString(), hub: hub.id, mode, joined: resumed, jobId: job.id },
      'crawl requested',
    );
    return { run, joined: resumed, job: await describe(job), errors: [] };
  }

  /**
   * Queue the reclassification under RULES_VERSION. Its first job's id names the version, so a
   * request while one is queued or running joins it; a first job that failed for good is retried,
   * and one that completed is queued afresh when models are still classified under other rules.
   */
  async reclassify(): Promise<ReclassifyResult> {
    const pendingModels = await this.deps.reclassify.pending(RULES_VERSION);
    const payload = { rulesVersion: RULES_VERSION, after: '' };
    let job = await this.deps.producer.enqueue(reclassifyJob, payload);
    const state = await job.getState();
    if (state === 'failed') await job.retry('failed');
    else if (state === 'completed' && pendingModels > 0) {
      await job.remove();
      job = await this.deps.producer.enqueue(reclassifyJob, payload);
    }
    this.deps.logger.info({ rulesVersion: RULES_VERSION, pendingModels, jobId: job.id }, 'reclassification requested');
    return { rulesVersion: RULES_VERSION, pendingModels, job: await describe(job), errors: [] };
  }
}

const failed = (error: UserError): RequestCrawlResult => ({ run: null, joined: false, job: null, errors: [error] });

async function describe(job: Job): Promise<QueuedJob> {
  return { id: String(job.id), queue: job.queueName, name: job.name, state: await job.getState() };
}
