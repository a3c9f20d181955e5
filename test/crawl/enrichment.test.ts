/**
 * Enrichment failures are one model's, never the crawl's: in the foreground crawl (`crawlOnce`)
 * and in the workers' jobs (a page job queues enrichment jobs and never waits on them; a failing
 * enrichment job ends as `failed`, counted on its run, instead of failing and being retried).
 * The harness's hub client retries with millisecond backoff, so persistent faults end fast.
 */
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { crawlJobs } from '../../jobs/crawl.jobs.js';
import { startWorkers } from '../../jobs/registry.js';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { CRAWL_JOBS } from '../../src/queue/contracts.js';

import { QueueProducer } from '../../src/queue/producer.js';
import { FakeHub, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { useCrawlTests, type CrawlHarness } from '../helpers/crawl.js';
import { silentLogger } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';

const crawlStartJob = CRAWL_JOBS.huggingface.start;

const t = useCrawlTests();

const INFO_FAILS = 'CompVis/stable-diffusion-v1-4';
const README_RESETS = 'HuggingFaceH4/zephyr-7b-beta';
const LICENSE_404 = 'google-bert/bert-base-uncased';
const FAILING = [INFO_FAILS, README_RESETS, LICENSE_404];

/** The fixtures, every one enriched, three of them failing: info 500, README reset, LICENSE 404. */
async function failingHub(): Promise<{ hub: FakeHub; harness: CrawlHarness }> {
  const hub = t.started(await FakeHub.start({ store: MemoryModelStore.fromFixtures() }));
  hub.failModel(INFO_FAILS);
  hub.failModel(README_RESETS, { file: 'README.md', status: 'reset' });
  hub.failModel(LICENSE_404, { file: 'LICENSE', status: 404 });
  return { hub, harness: await t.harnessAt(hub.url, { enrich: true, minDownloads: 0 }) };
}

const details = async () =>
  (
    await t.db.pool.query<{ repo_id: string; enriched: boolean }>(
      `SELECT m.repo_id, r.detail IS NOT NULL AS enriched FROM models m JOIN raw_records r ON r.model_id = m.id
       ORDER BY m.repo_id`,
    )
  ).rows;

describe('enrichment failures', () => {
  it('in the foreground crawl: counted per model, the models kept as listed, the run completed', async () => {
    const { hub, harness } = await failingHub();
    const total = hub.models.size;

    const summary = await crawlOnce(harness.crawl, t.full);

    expect(summary).toMatch(/: COMPLETED$/m);
    expect(summary).toContain(`enriched ${total - 3}, enrichment failed 3 (kept as listed)`);
    const run = await t.db.prisma.crawlRun.findFirstOrThrow();
    expect(run).toMatchObject({ status: 'COMPLETED', modelsSeen: total, modelsEnriched: total - 3, enrichFailed: 3 });
    const rows = await details();
    expect(rows).toHaveLength(total);
    expect(rows.filter((row) => !row.enriched).map((row) => row.repo_id)).toEqual([...FAILING].sort());
    // Retried before giving up: the reset README more than once.
    expect(hub.requestsTo(new RegExp(`^/${README_RESETS}/resolve/`)).length).toBeGreaterThan(1);
  });

  it('in the workers: page jobs complete, failing enrichment jobs end as `failed` and are counted', async () => {
    const { harness } = await failingHub();
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const producerConnection = new Redis(inject('redisUrl'));
    const workerConnection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const producer = new QueueProducer(producerConnection, prefix);
    let workers: Worker[] = [];
    t.cleanup(async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      await producer.queue('crawl-huggingface').obliterate({ force: true });
      await producer.close();
      await Promise.all([producerConnection.quit(), workerConnection.quit()]);
    });
    workers = startWorkers({
      bound: crawlJobs({ crawl: harness.crawl, producer, logger: silentLogger }),
      connection: workerConnection,
      prefix,
      concurrency: 4,
      logger: silentLogger,
    });

    await producer.enqueue(crawlStartJob, { hubId: 'huggingface', mode: 'FULL', trigger: 'API' });

    const run = await expectEventually(async () => {
      const current = await t.db.prisma.crawlRun.findFirstOrThrow();
      expect(current.status).toBe('COMPLETED');
      expect(current.modelsEnriched + current.enrichFailed).toBe(current.modelsSeen);
      return current;
    }, 20_000);
    expect(run).toMatchObject({ enrichFailed: 3, modelsEnriched: run.modelsSeen - 3 });
    const queue = producer.queue('crawl-huggingface');
    expect(await queue.getFailedCount()).toBe(0);
    const enrichJobs = (await queue.getCompleted()).filter((job) => job.name === 'enrich');
    const failed = enrichJobs.filter((job) => (job.returnvalue as { outcome: string }).outcome === 'failed');
    expect(failed.map((job) => (job.data as { repoId: string }).repoId).sort()).toEqual([...FAILING].sort());
    expect(failed.every((job) => job.attemptsMade <= 1)).toBe(true);
    expect((await details()).filter((row) => !row.enriched).map((row) => row.repo_id)).toEqual([...FAILING].sort());
  });
});
