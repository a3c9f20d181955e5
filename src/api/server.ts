/**
 * The HTTP server: `/healthz` (the process is up), `/readyz` (Postgres, Redis and migrations) and
 * the GraphQL endpoint at `/graphql` (Apollo Server 5 on Express 5, http/graphql-route.ts), behind
 * CORS, API-key authentication and the per-client rate limit; depth and cost are checked before
 * execution.
 */
import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { makeExecutableSchema } from '@graphql-tools/schema';
import cors from 'cors';
import express from 'express';
import { isInputObjectType } from 'graphql';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.js';
import { ApiKeyRepository } from '../auth/api-key.repository.js';
import { Authenticator } from '../auth/authenticator.js';
import { HubRepository } from '../catalog/hub.repository.js';
import { CatalogReadRepository } from '../read-model/catalog-read.repository.js';
import { ExportRepository } from '../read-model/export.repository.js';
import { changesExport } from './exports/changes-export.js';
import { EXPORT_FORMATS, exportHandler, type ExportFormat } from './exports/export-response.js';
import { modelsExport } from './exports/models-export.js';
import { statsJsonHandler } from './stats-json/stats-json.js';
import { createApiMetrics } from './metrics/api-metrics.js';
import { QUEUE_DASHBOARD_PATH, queueDashboardRoutes } from './metrics/queue-dashboard.js';
import { dashboardRoutes } from './dashboard/dashboard.js';
import { chartEmbedHandler, chartJsAsset } from './embeds/chart.js';
import { badgeRoutes } from './embeds/badge.js';
import { CrawlRunRepository } from '../crawl/crawl-run.repository.js';
import { createCrawlRuntime } from '../crawl/crawl.runtime.js';
import type { Database } from '../db/database.js';
import { ChangeLog } from '../events/change-log.repository.js';
import { ChangeStream } from '../events/change-stream.js';
import type { Logger } from '../lib/logger.js';
import { QUEUE_NAMES } from '../queue/contracts.js';
import { QueueProducer } from '../queue/producer.js';
import { WebhookQueue } from '../webhooks/webhook-queue.js';
import { WebhookService } from '../webhooks/webhook.service.js';
import { AdminService } from './admin/admin.service.js';
import { createContext, primaryReadsPlugin, type ApiContext } from './context.js';
import { apiErrorFormatter, apiErrorsPlugin, httpErrorHandler } from './errors.js';
import { atomFeedHandler } from './feeds/atom-feed.js';
import { corsOptions } from './limits/cors.js';
import { jsonBody } from './limits/json-body.js';
import { createDocumentStore } from './document-store.js';
import { compiledExecutionGateway, createCompiledExecutor } from './execution/compiled-executor.js';
import { BoundedQueryCache, persistedQueryErrorsPlugin } from './limits/persisted-query-cache.js';
import { MAX_QUERY_TOKENS, queryLimitsRule } from './limits/query-limits.js';
import { cacheHintPlugin, hideSuggestionsPlugin, queryLimitsPlugin } from './limits/query-limits.plugin.js';
import { FixedWindowRateLimiter } from './limits/client-rate-limit.js';
import {
  authenticateRequest,
  principalOf,
  rateLimitRequest,
  refuseRejectedCredentials,
} from './limits/request-guards.js';
import type { Readiness } from '../lib/dependencies.js';
import { resolvers, withArgumentChecks } from './resolvers/index.js';
import { apolloHandler, steps } from './http/graphql-route.js';
import { requestLog } from './http/request-log.js';
import { loadTypeDefs } from './schema.js';
import { startSubscriptionServer, subscriptionsOverWebSocketPlugin } from './subscriptions.js';
import { clientErrorBody } from '../lib/errors.js';

export interface ApiServerDeps {
  readonly config: Pick<Config, 'env' | 'api' | 'redis' | 'hubs' | 'crawl' | 'webhooks' | 'monitoring'>;
  readonly logger: Logger;
  readonly db: Database;
  readonly readiness: () => Promise<Readiness>;
  /** A fail-fast connection for the rate-limit counters. */
  readonly redis: Redis;
  /** The producer connection the mutations queue jobs on. */
  readonly producerRedis: Redis;
  /** A connection for the change stream alone (it enters subscriber mode; role `subscriber`). */
  readonly subscriberRedis: Redis;
}

export interface ApiServer {
  readonly httpServer: Server;
  /** This instance's follower of the change log (subscriptions). */
  readonly changeStream: ChangeStream;
  /** Stop accepting requests, let in-flight ones finish, then stop Apollo. */
  stop(): Promise<void>;
}

export async function createApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const { config, logger, db } = deps;
  const app = express();
  const httpServer = createServer(app);
  app.disable('x-powered-by');
  // The client IP (for the rate limit) from `X-Forwarded-For`, only through the configured proxies.
  app.set('trust proxy', config.api.trustProxyHops > 0 ? config.api.trustProxyHops : false);

  // Each request's id (X-Request-Id) and logger; each request logged at `info` (http/request-log.ts).
  app.use(requestLog(logger));

  // Prometheus metrics (README: "Operations: metrics and queues"): every answer is timed from here
  // on. /metrics is outside the client guards (a scrape is never rate-limited), behind
  // METRICS_TOKEN when one is set; the queues' counts are read (from `producer`, below) per scrape.
  const { monitoring } = config;
  const metrics = monitoring.metrics.enabled
    ? createApiMetrics({
        settings: monitoring.metrics,
        operations: monitoring.metrics.operations,
        pools: [{ name: 'primary', stats: db.pool }, ...(db.replica ? [{ name: 'replica', stats: db.replica }] : [])],
        queues: () => QUEUE_NAMES.map((name) => producer.queue(name)),
        logger,
      })
    : null;
  if (metrics) {
    app.use(metrics.http);
    app.get('/metrics', metrics.scrape);
  }

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await deps.readiness();
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'unready', ...readiness });
  });

  const { api } = config;
  // One executable schema for both transports: HTTP (Apollo) and WebSocket (graphql-ws).
  const schema = withArgumentChecks(makeExecutableSchema<ApiContext>({ typeDefs: loadTypeDefs(), resolvers }));
  const limits = { maxDepth: api.maxDepth, maxCost: api.maxCost };
  // Operations a client repeats run compiled (execution/compiled-executor.ts), through Apollo's
  // gateway interface, its one way to take an executor; Apollo validates with the same schema.
  // GRAPHQL_COMPILE_AFTER_RUNS=off gives Apollo the schema itself: its own execution, no executor.
  const execution =
    api.compileAfterRuns === null
      ? { schema }
      : {
          gateway: compiledExecutionGateway(
            createCompiledExecutor(schema, {
              compileAfterRuns: api.compileAfterRuns,
              onRefused: (error) =>
                logger.warn({ err: error }, 'graphql-jit could not compile a document; graphql-js runs it'),
            }),
            schema,
          ),
        };
  const apollo = new ApolloServer<ApiContext>({
    ...execution,
    includeStacktraceInErrorResponses: config.env === 'development',
    // Signals belong to the process's Lifecycle (ordered shutdown, then exit 0): Apollo's own
    // handler would stop it on its own and re-kill the process before the rest is closed.
    stopOnTerminationSignals: false,
    // Unexpected errors: a stable code, and in production no driver text (errors.ts).
    formatError: apiErrorFormatter({ production: config.env === 'production' }),
    introspection: api.introspection,
    // While the schema is not open to introspection, errors do not hint at it ("Did you mean …?").
    hideSchemaDetailsFromClientErrors: !api.introspection,
    // Size limits before any per-field work (query-limits.ts): tokens while parsing, then nodes
    // and depth in validation, each linear in the document; cost follows in queryLimitsPlugin.
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    validationRules: [queryLimitsRule(limits)],
    // Queries are served over GET with no special header, so that CDNs, dashboards and notebooks
    // can cache them (GraphQL over HTTP). Apollo's CSRF prevention would refuse such a GET; it is
    // not needed here: nothing authenticates by cookie (API keys travel in Authorization, which a
    // browser never adds cross-site), GET never runs a mutation (Apollo answers 405), and a POST is
    // read only as `application/json` (jsonBody), a type no cross-site form or simple request can send.
    csrfPrevention: false,
    // Parsed documents (and their compiled functions), bounded by the heap they hold
    // (document-store.ts; Apollo's default is not).
    documentStore: createDocumentStore({ compiled: api.compileAfterRuns !== null }),
    // Automatic persisted queries, from a bounded cache of this instance.
    persistedQueries:
      api.persistedQueryCacheBytes > 0
        ? { cache: new BoundedQueryCache(api.persistedQueryCacheBytes), ttl: null }
        : false,
    plugins: [
      // First: codes Apollo's persisted-query refusals before other plugins read error codes.
      persistedQueryErrorsPlugin(),
      ...(metrics ? [metrics.plugin] : []),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Logs unexpected errors with the request id, puts the id in them; 503 when a dependency is down.
      apiErrorsPlugin(),
      api.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
      // Catalog reads are public: a query's answer may be cached this long (query-limits.plugin.ts).
      ApolloServerPluginCacheControlDisabled(),
      cacheHintPlugin(api.cacheMaxAgeSeconds),
      subscriptionsOverWebSocketPlugin('/graphql'),
      // Mutations and change-log queries read the primary, not the replica (docs/replicas.md).
      primaryReadsPlugin(),
      queryLimitsPlugin(limits),
      ...(api.introspection ? [] : [hideSuggestionsPlugin()]),
    ],
  });
  await apollo.start();

  const hubs = new HubRepository(db.prisma);
  // Catalog reads go to the replica when there is one (DATABASE_READ_URL, docs/replicas.md); what
  // follows the change log, or must see its own writes, reads `primaryCatalog`.
  const catalog = new CatalogReadRepository(db.readPool, api.filterFirstMaxRows);
  const primaryCatalog = db.replica ? new CatalogReadRepository(db.pool, api.filterFirstMaxRows) : catalog;
  const producer = new QueueProducer(deps.producerRedis, config.redis.queuePrefix);
  const { crawl, reclassify } = createCrawlRuntime({ config, db, redis: deps.redis, logger });
  const admin = new AdminService({ pool: db.pool, hubs, crawl, reclassify, producer, logger });
  const authenticator = new Authenticator(new ApiKeyRepository(db.prisma), logger);
  const limiter = api.rateLimit && new FixedWindowRateLimiter(deps.redis, config.redis.queuePrefix, api.rateLimit);
  const changeLog = new ChangeLog(db.pool);
  const changeStream = new ChangeStream({
    log: changeLog,
    subscriber: deps.subscriberRedis,
    prefix: config.redis.queuePrefix,
    logger,
    ...api.changeStream,
    // The models of a batch, read once for every subscriber of this instance.
    enrich: async (changes) => {
      const ids = [...new Set(changes.map((change) => change.modelId))];
      const models = new Map((await primaryCatalog.modelsByIds(ids)).map((model) => [model.id, model]));
      for (const change of changes) change.model = models.get(change.modelId) ?? null;
    },
  });
  changeStream.start();
  const webhooks = new WebhookService({
    prisma: db.prisma,
    pool: db.pool,
    config: config.webhooks,
    queue: new WebhookQueue(producer, config.webhooks),
    logger,
  });
  const contextBase = {
    hubs,
    admin,
    catalog,
    changeLog,
    crawlRuns: new CrawlRunRepository(db.prisma),
    webhooks,
    stats: catalog.stats,
    primary: { catalog: primaryCatalog, stats: primaryCatalog.stats },
  };
  // What every client-facing route runs first: CORS from the allow-list, the API key (if any),
  // the per-client rate limit, and the refusal of rejected credentials.
  const clientGuards = [
    cors(corsOptions(api.corsOrigins)),
    authenticateRequest(authenticator, logger),
    ...(limiter ? [rateLimitRequest(limiter, logger)] : []),
    refuseRejectedCredentials(),
  ];
  // GraphQL first of the client routes: most requests are GraphQL, and Express tries each route in
  // turn; its handlers run as one (http/graphql-route.ts, docs/api-performance.md).
  app.use(
    '/graphql',
    steps([
      ...clientGuards,
      // A body that is not JSON, too large (413), … gets a JSON error, not Express's HTML page.
      jsonBody('1mb'),
      apolloHandler(apollo, ({ req, res }) =>
        Promise.resolve(
          createContext({
            ...contextBase,
            requestId: String(req.id as string),
            logger: req.log,
            principal: principalOf(res),
          }),
        ),
      ),
    ]),
  );
  // Browsers ask before a cross-origin GET that sends Authorization: the GET-only routes answer it too.
  app.options(['/feeds/changes.atom', '/export/*path', '/api/stats'], cors(corsOptions(api.corsOrigins)));
  // The schema's filter types: the HTTP endpoints take their fields as query parameters.
  const inputType = (name: string) => {
    const type = schema.getType(name);
    if (!isInputObjectType(type)) throw new Error(`the schema has no ${name} input type`);
    return type;
  };
  app.get(
    '/feeds/changes.atom',
    ...clientGuards,
    atomFeedHandler({
      log: changeLog,
      catalog: primaryCatalog,
      filterType: inputType('ChangeFilter'),
      publicUrl: api.publicUrl,
    }),
  );
  // Bulk exports (README: Exports): the catalog's filters as query parameters, rows streamed.
  // Models from the replica (versioned by its own newest change); the change log from the primary.
  for (const [definition, pool] of [
    [modelsExport(inputType('ModelFilter')), db.readPool],
    [changesExport(inputType('ChangeFilter'), changeLog), db.pool],
  ] as const) {
    const exportDeps = { exports: new ExportRepository(pool), logger };
    for (const format of Object.keys(EXPORT_FORMATS) as ExportFormat[]) {
      app.get(`/export/${definition.name}.${format}`, ...clientGuards, exportHandler(exportDeps, definition, format));
    }
  }
  // Stats as JSON for Grafana and spreadsheets (README): `stats` run on this schema, as /graphql runs it.
  app.get(
    '/api/stats',
    ...clientGuards,
    statsJsonHandler({
      schema,
      limits,
      context: (request) => createContext({ ...contextBase, ...request }),
    }),
  );
  const subscriptions = startSubscriptionServer({
    httpServer,
    path: '/graphql',
    schema,
    authenticator,
    limiter: limiter || null,
    limits,
    introspection: api.introspection,
    logger,
    production: config.env === 'production',
    context: (principal, requestId) =>
      createContext({
        ...contextBase,
        requestId,
        logger: logger.child({ requestId }),
        principal,
        changeStream,
        // Subscriptions follow the change log: every read of a WebSocket operation is the primary's.
        readFromPrimary: true,
      }),
  });
  // Embeddable charts (README: Embeddable charts): an HTML page for an iframe, Chart.js served from here.
  app.get('/assets/chart.umd.min.js', chartJsAsset());
  app.get(
    '/embed/chart',
    ...clientGuards,
    chartEmbedHandler({ filterType: inputType('ModelFilter'), frameAncestors: api.embedFrameAncestors }),
  );
  // The queue dashboard (bull-board), for API keys with the `admin` scope (metrics/queue-dashboard.ts).
  if (monitoring.queueDashboard !== 'off') {
    app.use(
      QUEUE_DASHBOARD_PATH,
      queueDashboardRoutes({
        queues: QUEUE_NAMES.map((name) => producer.queue(name)),
        mode: monitoring.queueDashboard,
        authenticator,
        limiter: limiter || null,
        production: config.env === 'production',
        logger,
      }),
    );
  }
  // README badges: always an SVG, even for an unknown model, a bad path or an outage (embeds/badge.ts).
  app.use('/badge', badgeRoutes({ catalog, limiter: limiter || null, corsOrigins: api.corsOrigins, logger }));
  // The dashboard (docs/dashboard.md): the Vite build of web/dashboard, on the public GraphQL API only.
  if (api.dashboardDir) {
    app.use(dashboardRoutes({ dir: api.dashboardDir, frameAncestors: api.embedFrameAncestors, logger }));
  }
  // A path no route serves: JSON like every other answer, never Express's HTML page.
  app.use((_req, res) => {
    res.status(404).set('Cache-Control', 'no-store').json(clientErrorBody('NOT_FOUND', 'No such endpoint.'));
  });
  // Last: any error no route answered gets GraphQL-style JSON, never Express's HTML page (errors.ts).
  app.use(httpErrorHandler({ production: config.env === 'production', logger }));

  return {
    httpServer,
    changeStream,
    async stop() {
      // WebSocket clients first (their sockets are not the HTTP server's to drain), then HTTP.
      await subscriptions.stop();
      await changeStream.stop();
      await apollo.stop();
      await producer.close();
    },
  };
}
