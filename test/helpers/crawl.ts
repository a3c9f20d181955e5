/** A crawl wired like the worker's (real Postgres, real Redis budget) against a fake hub. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { CrawlRunRepository } from '../../src/crawl/crawl-run.repository.js';
import { CrawlService } from '../../src/crawl/crawl.service.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { loadConfig } from '../../src/config/config.js';
import { HUBS, type HubId } from '../../src/config/hubs.js';
import { ADAPTERS } from '../../src/crawl/adapters.js';
import { FixedWindowRequestBudget, RedisRequestBudget } from '../../src/outbound/request-budget.js';
import type { Database } from '../../src/db/database.js';
import { silentPublisher } from '../../src/catalog/change-publisher.js';
import { silentLogger } from './database.js';

export interface CrawlHarness {
  readonly crawl: CrawlService;
  close(): Promise<void>;
}

/**
 * `hub` (default huggingface) is any hub of src/config/hubs.ts, its adapter built as the worker
 * builds it (src/crawl/adapters.ts) against `hubUrl`; its request budget is its own (the hub's
 * headers, or `requestsPerMinute`, default unlimited in effect).
 */
export async function crawlHarness(
  db: Database,
  hubUrl: string,
  options: {
    hub?: HubId;
    pageSize?: number;
    enrich?: boolean;
    timeoutMs?: number;
    minDownloads?: number;
    requestsPerMinute?: number;
  } = {},
): Promise<CrawlHarness> {
  const hubId = options.hub ?? 'huggingface';
  const spec = HUBS[hubId];
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ($1, $2, $3::"HubKind", $4) ON CONFLICT (id) DO NOTHING`,
    [hubId, spec.name, spec.kind, `${hubUrl}${spec.modelPagesPath}`],
  );
  const redis = new Redis(inject('redisUrl'));
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const limiter =
    spec.requestsPerMinute === 'headers' && options.requestsPerMinute === undefined
      ? new RedisRequestBudget(redis, { prefix, hubId })
      : new FixedWindowRequestBudget(redis, {
          prefix,
          hubId,
          requestsPerMinute: options.requestsPerMinute ?? 1_000_000,
        });
  const settings = { ...loadConfig({}).hubs[hubId], endpoint: hubUrl, pageSize: options.pageSize ?? 100 };
  const adapter = ADAPTERS[hubId]({
    settings,
    logger: silentLogger,
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
    adapters: new Map([[hubId, adapter]]),
    publisher: silentPublisher,
    enrichment: { enabled: options.enrich ?? false, minDownloads: options.minDownloads ?? 1_000, minLikes: 1_000_000 },
    logger: silentLogger,
  });
  return { crawl, close: () => redis.quit().then(() => undefined) };
}
