/** Per-request GraphQL context: repositories plus request-scoped caches. */
import type { Logger } from '../lib/logger.js';
import type { HubRepository } from '../catalog/hub.repository.js';
import type { ApiKeyPrincipal } from '../auth/authenticator.js';
import type { AdminService } from './admin/admin.service.js';
import type { CatalogReadRepository } from '../read-model/catalog-read.repository.js';
import { createCatalogLoaders } from '../read-model/catalog.loaders.js';
import type { CatalogReader } from '../read-model/catalog.service.js';
import { createStatsLoaders } from '../read-model/stats.loaders.js';
import type { StatsReader } from '../read-model/stats.service.js';
import type { StatsRepository } from '../read-model/stats.repository.js';
import type { ChangeLog } from '../events/change-log.repository.js';
import type { ChangeStream } from '../events/change-stream.js';
import DataLoader from 'dataloader';
import type { CrawlRunRepository } from '../crawl/crawl-run.repository.js';
import type { CrawlRun } from '../generated/prisma/client.js';
import type { WebhookService } from '../webhooks/webhook.service.js';

/** The change feed's readers: the log, this instance's live stream (WebSocket only), crawl runs by id. */
export interface ChangesContext {
  readonly log: ChangeLog;
  /** Null where subscriptions are not served (an HTTP request, a test's executeOperation). */
  readonly stream: ChangeStream | null;
  readonly crawlRunById: DataLoader<string, CrawlRun | null>;
}

export interface ApiContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly hubs: HubRepository;
  /** The API key the request authenticated with; null for an anonymous request. */
  readonly principal: ApiKeyPrincipal | null;
  /** The mutations' service (crawl requests, reclassification). */
  readonly admin: AdminService;
  /** The catalog read side with this request's DataLoaders (one batched statement per table and page). */
  readonly catalog: CatalogReader;
  /** Facets and counts (`stats`, `licenses`, `Hub` and `License` counts) with this request's loaders. */
  readonly stats: StatsReader;
  readonly changes: ChangesContext;
  /** The caller's webhooks (schema/webhooks.graphql). */
  readonly webhooks: WebhookService;
  /**
   * Start over with empty loaders. A subscription's context lives as long as the subscription;
   * each event it delivers renews them, so no event is resolved from an earlier event's cache.
   */
  renewLoaders(): void;
}

export function createContext(base: {
  requestId: string;
  logger: Logger;
  hubs: HubRepository;
  principal: ApiKeyPrincipal | null;
  admin: AdminService;
  catalog: CatalogReadRepository;
  changeLog: ChangeLog;
  changeStream?: ChangeStream | null;
  crawlRuns: CrawlRunRepository;
  webhooks: WebhookService;
  stats: StatsRepository;
}): ApiContext {
  const { changeLog, changeStream, crawlRuns: runs, stats: statsRepository, ...rest } = base;
  const crawlRuns = () => new DataLoader<string, CrawlRun | null>((ids) => runs.findByIds(ids));
  // Loaders are made on first use: renewLoaders() (once per subscription event) only drops them,
  // so an event whose selection needs none costs nothing.
  let catalog: CatalogReader | null = null;
  let stats: StatsReader | null = null;
  let crawlRunById: DataLoader<string, CrawlRun | null> | null = null;
  const changes: ChangesContext = {
    log: changeLog,
    stream: changeStream ?? null,
    get crawlRunById() {
      return (crawlRunById ??= crawlRuns());
    },
  };
  return {
    ...rest,
    get catalog() {
      return (catalog ??= { repository: base.catalog, loaders: createCatalogLoaders(base.catalog) });
    },
    get stats() {
      return (stats ??= { repository: statsRepository, loaders: createStatsLoaders(statsRepository) });
    },
    changes,
    renewLoaders() {
      catalog = null;
      stats = null;
      crawlRunById = null;
    },
  };
}
