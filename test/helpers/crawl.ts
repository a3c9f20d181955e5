/** A crawl wired like the worker's (real Postgres, real Redis budget) against a fake hub. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { CrawlRunRepository } from '../../src/crawl/crawl-run.repository.js';
import { CrawlService } from '../../src/crawl/crawl.service.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { RedisRequestBudget } from '../../src/outbound/request-budget.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import type { Database } from '../../src/db/database.js';
import { silentPublisher } from '../../src/catalog/change-publisher.js';
import { silentLogger } from './database.js';

export interface CrawlHarness {
  readonly crawl: CrawlService;
  close(): Promise<void>;
}

export async function crawlHarness(
  db: Database,
  hubUrl: string,
  options: { pageSize?: number; enrich?: boolean; timeoutMs?: number; minDownloads?: number } = {},
): Promise<CrawlHarness> {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', $1) ON CONFLICT (id) DO NOTHING`,
    [hubUrl],
  );
  const redis = new Redis(inject('redisUrl'));
  const limiter = new RedisRequestBudget(redis, {
    prefix: `test-${randomBytes(4).toString('hex')}`,
    hubId: 'huggingface',
  });
  const adapter = new HuggingFaceAdapter({
    endpoint: hubUrl,
    pageSize: options.pageSize ?? 100,
    createClient: () =>
      new HubClient({
        limiter,
        logger: silentLogger,
        timeoutMs: options.timeoutMs ?? 5_000,
        backoffBaseMs: 20,
        backoffMaxMs: 200,
        maxRetries: 4,
      }),
  });
  const crawl = new CrawlService({
    prisma: db.prisma,
    pool: db.pool,
    ingest: new IngestRepository(db.pool),
    runs: new CrawlRunRepository(db.prisma),
    adapters: new Map([['huggingface', adapter]]),
    publisher: silentPublisher,
    enrichment: { enabled: options.enrich ?? false, minDownloads: options.minDownloads ?? 1_000, minLikes: 1_000_000 },
    logger: silentLogger,
  });
  return { crawl, close: () => redis.quit().then(() => undefined) };
}
