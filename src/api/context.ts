/** Per-request GraphQL context: repositories plus request-scoped caches. */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
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
  /**
   * Read the catalog and stats from the primary for the rest of this context, not from the read
   * replica (docs/replicas.md): for an operation that must not see older data than the primary
   * has (readsFromPrimary). Called before the operation runs; a no-op without a replica.
   */
  readFromPrimary(): void;
}

/** The catalog's and stats' readers on one server. */
export interface CatalogReaders {
  readonly catalog: CatalogReadRepository;
  readonly stats: StatsRepository;
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
  /**
   * The same readers on the primary. `catalog` and `stats` read the replica when one is configured
   * (the same objects as these otherwise); readFromPrimary() switches to these.
   */
  primary: CatalogReaders;
  /** Start on the primary (a WebSocket connection: subscriptions follow the change log). */
  readFromPrimary?: boolean;
}): ApiContext {
  const {
    changeLog,
    changeStream,
    crawlRuns: runs,
    catalog: replicaCatalog,
    stats: replicaStats,
    primary,
    readFromPrimary: startOnPrimary,
    ...rest
  } = base;
  let readers: CatalogReaders = startOnPrimary ? primary : { catalog: replicaCatalog, stats: replicaStats };
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
  // The lazy readers live on a prototype of this context's own: Apollo runs each operation on a
  // shallow copy of the context (Object.assign onto the same prototype), which would read own
  // getters once, at copy time, and keep their values. Inherited, they stay lazy on the copy and
  // share this state, so readFromPrimary() called on the copy before execution takes effect.
  const readersOfThisContext: Pick<ApiContext, 'catalog' | 'stats' | 'renewLoaders' | 'readFromPrimary'> = {
    get catalog() {
      return (catalog ??= { repository: readers.catalog, loaders: createCatalogLoaders(readers.catalog) });
    },
    get stats() {
      return (stats ??= { repository: readers.stats, loaders: createStatsLoaders(readers.stats) });
    },
    renewLoaders() {
      catalog = null;
      stats = null;
      crawlRunById = null;
    },
    readFromPrimary() {
      if (readers.catalog === primary.catalog && readers.stats === primary.stats) return;
      readers = primary;
      catalog = null;
      stats = null;
    },
  };
  const own: Omit<ApiContext, keyof typeof readersOfThisContext> = { ...rest, changes };
  return Object.assign(Object.create(readersOfThisContext) as typeof readersOfThisContext, own);
}

/** Query fields that read the change log: their ids are the primary's, and so must be the models they name. */
const CHANGE_LOG_FIELDS = new Set(['changes']);

function selectsChangeLog(
  selections: readonly SelectionNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): boolean {
  return selections.some((selection) => {
    switch (selection.kind) {
      case Kind.FIELD:
        return CHANGE_LOG_FIELDS.has(selection.name.value);
      case Kind.INLINE_FRAGMENT:
        return selectsChangeLog(selection.selectionSet.selections, fragments, seen);
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        if (seen.has(name)) return false;
        seen.add(name);
        const fragment = fragments.get(name);
        return fragment !== undefined && selectsChangeLog(fragment.selectionSet.selections, fragments, seen);
      }
    }
  });
}

/**
 * Whether an operation reads the primary for everything (docs/replicas.md): a mutation (it reads
 * its own writes), a subscription, or a query of the change log (`changes`: a client's `after` is
 * an id the primary handed out, and the change's model must be there). Other queries read the
 * replica, which may lag the primary by a moment.
 */
function readsFromPrimary(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== OperationTypeNode.QUERY) return true;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return selectsChangeLog(operation.selectionSet.selections, fragments, new Set());
}

/** Points an operation's reads at the primary, before it runs, when readsFromPrimary says so. */
export function primaryReadsPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ document, operation, contextValue }) {
          if (operation && readsFromPrimary(document, operation)) contextValue.readFromPrimary();
          return Promise.resolve();
        },
      });
    },
  };
}
