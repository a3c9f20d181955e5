/** Wiring of the crawl for a process (worker or CLI): adapters, the shared budget, the service. */
import type { Redis } from 'ioredis';
import { IngestRepository } from '../catalog/ingest.repository.js';
import { ReclassifyService } from '../catalog/reclassify.service.js';
import type { Config, HubSettings } from '../config/config.js';
import { HUB_IDS, type HubId } from '../config/hubs.js';
import type { Database } from '../db/database.js';
import type { ChangePublisher } from '../catalog/change-publisher.js';
import { RedisChangePublisher } from '../events/redis-change-publisher.js';
import type { Logger } from '../lib/logger.js';
import { CrawlRunRepository } from './crawl-run.repository.js';
import { CrawlService } from './crawl.service.js';
import { HubClient } from '../outbound/hub-client.js';
import { FixedWindowRequestBudget, RedisRequestBudget, type RequestBudget } from '../outbound/request-budget.js';
import { ADAPTERS } from './adapters.js';
import type { HubAdapter } from './hub-adapter.js';

export interface CrawlRuntime {
  readonly crawl: CrawlService;
  readonly reclassify: ReclassifyService;
  readonly publisher: ChangePublisher;
}

export function createCrawlRuntime(deps: {
  config: Pick<Config, 'hubs' | 'redis' | 'crawl'>;
  db: Database;
  /** A non-blocking connection (producer/client role) for the request budgets and pub/sub. */
  redis: Redis;
  logger: Logger;
  enrich?: boolean;
}): CrawlRuntime {
  const { config, db, redis, logger } = deps;
  const adapters = new Map<string, HubAdapter>(
    HUB_IDS.map((hubId) => {
      const settings = config.hubs[hubId];
      const budget = requestBudget(redis, config.redis.queuePrefix, hubId, settings);
      const createClient = () =>
        new HubClient({
          limiter: budget,
          logger,
          token: settings.token,
          timeoutMs: config.crawl.timeoutMs,
          maxRetries: config.crawl.maxRetries,
          backoffBaseMs: config.crawl.retryBaseMs,
        });
      return [hubId, ADAPTERS[hubId]({ settings, createClient, logger })];
    }),
  );
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
    enrichmentByHub: new Map(
      HUB_IDS.map((hubId) => {
        const { enrich } = config.hubs[hubId];
        return [hubId, { ...enrich, enabled: (deps.enrich ?? true) && enrich.enabled }];
      }),
    ),
    logger,
  });
  const reclassify = new ReclassifyService({ pool: db.pool, ingest, adapters, publisher, logger });
  return { crawl, reclassify, publisher };
}

/** A hub's request budget, shared through Redis: its own headers, or its configured rate. */
function requestBudget(redis: Redis, prefix: string, hubId: HubId, settings: HubSettings): RequestBudget {
  return settings.budget.kind === 'headers'
    ? new RedisRequestBudget(redis, { prefix, hubId, reserve: settings.budget.reserve })
    : new FixedWindowRequestBudget(redis, { prefix, hubId, requestsPerMinute: settings.budget.requestsPerMinute });
}
