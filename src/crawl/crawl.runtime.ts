/** Wiring of the crawl for a process (worker or CLI): adapters, the shared budget, the service. */
import type { Redis } from 'ioredis';
import { IngestRepository } from '../catalog/ingest.repository.js';
import { ReclassifyService } from '../catalog/reclassify.service.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { ChangePublisher } from '../catalog/change-publisher.js';
import { RedisChangePublisher } from '../events/redis-change-publisher.js';
import type { Logger } from '../lib/logger.js';
import { CrawlRunRepository } from './crawl-run.repository.js';
import { CrawlService } from './crawl.service.js';
import { HubClient } from '../outbound/hub-client.js';
import { RedisRequestBudget } from '../outbound/request-budget.js';
import type { HubAdapter } from './hub-adapter.js';
import { HuggingFaceAdapter } from './huggingface/huggingface.adapter.js';

export interface CrawlRuntime {
  readonly crawl: CrawlService;
  readonly reclassify: ReclassifyService;
  readonly publisher: ChangePublisher;
}

export function createCrawlRuntime(deps: {
  config: Pick<Config, 'huggingFace' | 'redis' | 'crawl'>;
  db: Database;
  /** A non-blocking connection (producer/client role) for the rate limiter and pub/sub. */
  redis: Redis;
  logger: Logger;
  enrich?: boolean;
}): CrawlRuntime {
  const { config, db, redis, logger } = deps;
  const limiter = new RedisRequestBudget(redis, {
    prefix: config.redis.queuePrefix,
    hubId: 'huggingface',
    reserve: config.crawl.rateLimitReserve,
  });
  const huggingFace = new HuggingFaceAdapter({
    endpoint: config.huggingFace.endpoint,
    pageSize: config.crawl.pageSize,
    createClient: () =>
      new HubClient({
        limiter,
        logger,
        token: config.huggingFace.token,
        timeoutMs: config.crawl.timeoutMs,
        maxRetries: config.crawl.maxRetries,
        backoffBaseMs: config.crawl.retryBaseMs,
      }),
  });
  const adapters = new Map<string, HubAdapter>([[huggingFace.hubId, huggingFace]]);
  const publisher = new RedisChangePublisher(redis, config.redis.queuePrefix, logger);
  const ingest = new IngestRepository(db.pool);
  const crawl = new CrawlService({
    prisma: db.prisma,
    pool: db.pool,
    ingest,
    runs: new CrawlRunRepository(db.prisma),
    adapters,
    publisher,
    enrichment: { ...config.crawl.enrich, enabled: (deps.enrich ?? true) && config.crawl.enrich.enabled },
    logger,
  });
  const reclassify = new ReclassifyService({ pool: db.pool, ingest, adapters, publisher, logger });
  return { crawl, reclassify, publisher };
}
