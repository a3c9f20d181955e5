/**
 * The worker's metrics server (WORKER_METRICS_PORT) on the real worker process: a small crawl of
 * the fake hub, with one failed listing request (the page job fails once and is retried) and one
 * model whose details cannot be fetched, then a scrape: pages, models and errors per hub, job
 * wait and run times per queue, the pool and the process, behind METRICS_TOKEN.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { CRAWL_JOBS, JOB_CONTRACTS, QUEUE_NAMES } from '../../src/queue/contracts.js';
import { FakeHub, MemoryModelStore } from '../fake-hub/fake-hub.js';
import { useTestDatabase } from '../helpers/database.js';
import { obliterateQueues } from '../helpers/queues.js';
import { expectEventually } from '../helpers/eventually.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';
import { parseExposition, valueOf } from '../helpers/prometheus.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the worker metrics server', () => {
  it('counts crawl pages, models and errors per hub and times jobs per queue, behind METRICS_TOKEN', async () => {
    const hub = await FakeHub.start({ store: MemoryModelStore.fromFixtures() });
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const token = `tok-${randomBytes(16).toString('hex')}`;
    const port = await freePort();
    let worker: RunningProcess | undefined;
    try {
      await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: hub.url })));
      // The first listing request fails (the page job fails, and BullMQ retries it after its
      // backoff); one model's details never come (its enrichment fails).
      hub.failNext(1, 500, { route: 'list' });
      hub.failModel('openai-community/gpt2');
      worker = startProcess('jobs/worker.ts', {
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: prefix,
        HOST: '127.0.0.1',
        HF_ENDPOINT: hub.url,
        HF_PAGE_SIZE: '5',
        HF_MAX_RETRIES: '0',
        HF_RETRY_BASE_MS: '1',
        CRAWL_SCHEDULE: 'off',
        WORKER_METRICS_PORT: String(port),
        METRICS_TOKEN: token,
        LOG_LEVEL: 'info',
      });
      const listening = await worker.waitForLog((line) => line.msg === 'worker metrics listening');
      expect(listening['port']).toBe(port);
      await worker.waitForLog((line) => line.msg === 'worker ready');

      const url = `http://127.0.0.1:${port}/metrics`;
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain('catalog_');
      expect(
        (await fetch(`http://127.0.0.1:${port}/other`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(404);

      const start = CRAWL_JOBS.huggingface.start;
      const queue = new Queue(start.queue, { connection: redis, prefix });
      await queue.add(start.name, { hubId: 'huggingface', mode: 'FULL', trigger: 'CLI' });
      await queue.close();

      const scrape = async () => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
        return parseExposition(await response.text());
      };
      const run = await expectEventually(async () => {
        const found = await db.prisma.crawlRun.findFirst({ orderBy: { id: 'desc' } });
        expect(found?.status).toBe('COMPLETED');
        return found!;
      }, 60_000);
      // Enrichment jobs run beside the pages, at a lower priority: wait for the failed one; and the
      // last page's job ends (an event the worker observes) just after its run completed.
      const samples = await expectEventually(async () => {
        const now = await scrape();
        expect(valueOf(now, 'catalog_crawl_errors_total', { hub: 'huggingface', stage: 'enrich' })).toBe(1);
        expect(
          valueOf(now, 'catalog_job_duration_seconds_count', {
            queue: 'crawl-huggingface',
            job_name: 'crawl-page',
            outcome: 'completed',
          }),
        ).toBe(run.pages);
        expect(
          valueOf(now, 'catalog_job_duration_seconds_count', {
            queue: 'crawl-huggingface',
            job_name: 'enrich',
            outcome: 'completed',
          }),
        ).toBeGreaterThanOrEqual(1);
        return now;
      }, 30_000);

      const hubLabels = { hub: 'huggingface' };
      expect(run.pages).toBeGreaterThanOrEqual(3);
      expect(valueOf(samples, 'catalog_crawl_pages_total', hubLabels)).toBe(run.pages);
      expect(valueOf(samples, 'catalog_crawl_models_total', { ...hubLabels, result: 'created' })).toBe(
        run.modelsCreated,
      );
      expect(run.modelsCreated).toBe(13);
      expect(valueOf(samples, 'catalog_crawl_models_total', { ...hubLabels, result: 'quarantined' })).toBe(0);
      expect(valueOf(samples, 'catalog_crawl_errors_total', { ...hubLabels, stage: 'page' })).toBe(1);

      const crawlQueue = { queue: 'crawl-huggingface' };
      const runs = (job: string, outcome: string) =>
        valueOf(samples, 'catalog_job_duration_seconds_count', { ...crawlQueue, job_name: job, outcome });
      expect(runs('crawl-start', 'completed')).toBe(1);
      expect(runs('crawl-page', 'failed')).toBe(1);
      expect(runs('crawl-page', 'completed')).toBe(run.pages);
      expect(valueOf(samples, 'catalog_job_wait_seconds_count', { ...crawlQueue, job_name: 'crawl-start' })).toBe(1);
      // The retried page's second start is not a wait: its first start is.
      expect(valueOf(samples, 'catalog_job_wait_seconds_count', { ...crawlQueue, job_name: 'crawl-page' })).toBe(
        run.pages,
      );
      expect(
        valueOf(samples, 'catalog_job_duration_seconds_bucket', {
          ...crawlQueue,
          job_name: 'crawl-start',
          outcome: 'completed',
          le: '+Inf',
        }),
      ).toBe(1);

      // Labels only from the contracts: queues and job names.
      const names = new Set(JOB_CONTRACTS.map((contract) => contract.name));
      for (const sample of samples.filter((s) => s.name.startsWith('catalog_job_'))) {
        expect(QUEUE_NAMES).toContain(sample.labels['queue']);
        expect(names.has(sample.labels['job_name'] ?? '')).toBe(true);
      }
      expect(valueOf(samples, 'catalog_db_pool_max_connections', { pool: 'primary' })).toBe(10);
      expect(valueOf(samples, 'catalog_db_pool_connections', { pool: 'primary' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);

      const stopped = await worker.stop('SIGTERM');
      expect(stopped.code).toBe(0);
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      await worker?.stop('SIGKILL');
      await hub.stop();
      await obliterateQueues(redis, prefix);
    }
  }, 120_000);
});
