/**
 * The API's metrics (README: "Operations: metrics and queues"): the latency of every HTTP answer
 * by route, of every GraphQL operation by name, the GraphQL errors sent by code, the Postgres
 * pool and the depth of every queue; the process's own metrics come from src/lib/metrics.ts.
 * Served at `/metrics` by src/api/server.ts. Every label value is from a closed set (labels.ts).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.js';
import {
  metricsHandler,
  processMetrics,
  registerPoolGauges,
  type MetricsSettings,
  type PoolStats,
} from '../../lib/metrics.js';
import { CLIENT_OPERATIONS, errorCodeLabel, methodLabel, operationLabel, RouteLabels } from './labels.js';
import { registerQueueDepth, type CountedQueue } from './queue-depth.js';

/** From a cached answer (1 ms) to a slow export or a deep page (tens of seconds). */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ApiMetricsOptions {
  readonly settings: MetricsSettings;
  /** Operation names that get a series of their own besides the project's clients' (METRICS_OPERATIONS). */
  readonly operations: readonly string[];
  /** The Postgres pools, by name (`primary`, `replica`). */
  readonly pools: readonly { name: string; stats: PoolStats }[];
  /** The queues whose job counts are read at each scrape. */
  readonly queues: () => readonly CountedQueue[];
  readonly logger: Logger;
}

export interface ApiMetrics {
  /** First middleware: times every answer by route. */
  readonly http: RequestHandler;
  /** Times every GraphQL operation and counts the errors of its answer. */
  readonly plugin: ApolloServerPlugin;
  /** `GET /metrics`. */
  readonly scrape: RequestHandler;
}

export function createApiMetrics(options: ApiMetricsOptions): ApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  const httpDuration = new Histogram({
    name: 'catalog_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern (not path), method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const operationDuration = new Histogram({
    name: 'catalog_graphql_operation_duration_seconds',
    help: 'Time to answer a GraphQL request over HTTP, by operation name: the known names, else other, anonymous or invalid.',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new Counter({
    name: 'catalog_graphql_errors_total',
    help: 'Errors in GraphQL answers over HTTP, by extensions.code.',
    labelNames: ['code'],
    registers,
  });
  registerPoolGauges(registry, options.pools);
  registerQueueDepth(registry, options.queues, options.logger);

  const routes = new RouteLabels();
  const http: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpDuration.observe(
        { route: routes.of(req), method: methodLabel(req.method), status: String(res.statusCode) },
        seconds,
      );
    });
    next();
  };

  const known = new Set<string>([...CLIENT_OPERATIONS, ...options.operations]);
  const countErrors = (list: readonly GraphQLFormattedError[] | undefined) => {
    for (const error of list ?? []) errors.inc({ code: errorCodeLabel(error.extensions?.['code']) });
  };
  const plugin: ApolloServerPlugin = {
    requestDidStart() {
      const started = process.hrtime.bigint();
      return Promise.resolve({
        // Errors as the client gets them: formatted, codes final.
        willSendResponse({ operation, response }) {
          operationDuration.observe(
            { operation: operationLabel(operation, known) },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
          if (response.body.kind === 'single') countErrors(response.body.singleResult.errors);
          else countErrors(response.body.initialResult.errors);
          return Promise.resolve();
        },
      });
    },
  };

  // The process's metrics first, then this server's.
  const scrape = metricsHandler([processMetrics(), registry], options.settings, options.logger);
  return { http, plugin, scrape: (req, res) => scrape(req, res) };
}
