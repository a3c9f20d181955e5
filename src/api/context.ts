/** Per-request GraphQL context: repositories plus request-scoped caches. */
import type { Logger } from '../lib/logger.js';
import type { HubRepository } from '../catalog/hub.repository.js';
import type { ApiKeyPrincipal } from '../auth/authenticator.js';
import type { AdminService } from './admin/admin.service.js';
import type { CatalogReadRepository } from './catalog/catalog-read.repository.js';
import { createCatalogLoaders } from './catalog/catalog.loaders.js';
import type { CatalogReader } from './catalog/catalog.service.js';

export interface ApiContext {
  readonly requestId: string;
  readonly logger: Logger;
  readonly hubs: HubRepository;
  /** Model counts per hub, read once per request however many hubs ask. */
  readonly hubModelCounts: () => Promise<Map<string, number>>;
  /** The API key the request authenticated with; null for an anonymous request. */
  readonly principal: ApiKeyPrincipal | null;
  /** The mutations' service (crawl requests, reclassification). */
  readonly admin: AdminService;
  /** The catalog read side with this request's DataLoaders (one batched statement per table and page). */
  readonly catalog: CatalogReader;
}

export function createContext(base: {
  requestId: string;
  logger: Logger;
  hubs: HubRepository;
  principal: ApiKeyPrincipal | null;
  admin: AdminService;
  catalog: CatalogReadRepository;
}): ApiContext {
  let counts: Promise<Map<string, number>> | undefined;
  return {
    ...base,
    hubModelCounts: () => (counts ??= base.hubs.modelCounts()),
    catalog: { repository: base.catalog, loaders: createCatalogLoaders(base.catalog) },
  };
}
