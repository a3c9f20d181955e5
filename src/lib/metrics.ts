/**
 * Prometheus metrics, the parts every process shares (README: "Operations: metrics and queues"):
 * the process's own metrics (CPU, memory, event loop, GC), collected once per process; gauges of
 * a Postgres pool; and the scrape answer, in the text exposition format, optionally behind a
 * bearer token. The API serves it at `/metrics`; the worker on a port of its own.
 *
 * Label values never come from a request: callers pass values from closed sets (queue and hub
 * names, outcomes, known operation names), so a client cannot grow the series.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { clientErrorBody } from './errors.js';
import type { Logger } from './logger.js';

/** `METRICS`, `METRICS_TOKEN`: whether metrics are served, and the bearer token a scrape must send. */
export interface MetricsSettings {
  readonly enabled: boolean;
  readonly token: string | null;
}

let processRegistry: Registry | null = null;

/**
 * The registry of the process's own metrics (`process_*`, `nodejs_*`). One per process: the
 * default collectors watch the process, not a server, and must not be started twice.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** What the pool gauges read of a `pg.Pool`. */
export interface PoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { readonly max?: number | undefined };
}

/** Gauges of Postgres pools, read at scrape time, each pool by name (`primary`, `replica`). */
export function registerPoolGauges(registry: Registry, pools: readonly { name: string; stats: PoolStats }[]): void {
  const gauge = (name: string, help: string, read: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        for (const { name: pool, stats } of pools) this.set({ pool }, read(stats));
      },
    });
  gauge('catalog_db_pool_connections', 'Connections a Postgres pool holds (idle and in use).', (s) => s.totalCount);
  gauge('catalog_db_pool_idle_connections', 'Connections of a Postgres pool that are idle.', (s) => s.idleCount);
  gauge(
    'catalog_db_pool_waiting_requests',
    'Queries waiting for a connection of a Postgres pool (all of them in use).',
    (s) => s.waitingCount,
  );
  gauge(
    'catalog_db_pool_max_connections',
    'The size of a Postgres pool (DATABASE_POOL_SIZE).',
    (s) => s.options.max ?? 0,
  );
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The scrape answer for `registries`, concatenated. Concurrent scrapes share one collection, so
 * many scrapers (or a client hammering the endpoint) cost one round of queue counts, not one each.
 * With a token, a request without `Authorization: Bearer <token>` gets 401 and no metrics.
 */
export function metricsHandler(
  registries: readonly Registry[],
  settings: Pick<MetricsSettings, 'token'>,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = settings.token === null ? null : digest(settings.token);
  let collecting: Promise<string> | null = null;
  const collect = () => {
    collecting ??= Promise.all(registries.map((registry) => registry.metrics()))
      .then((parts) => parts.join(''))
      .finally(() => (collecting = null));
    return collecting;
  };
  return (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (expected !== null) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      // Compared as fixed-length digests: in constant time, whatever the length sent.
      if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
        res.statusCode = 401;
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(
          JSON.stringify(clientErrorBody('UNAUTHENTICATED', 'Metrics need "Authorization: Bearer <METRICS_TOKEN>".')),
        );
        return;
      }
    }
    collect().then(
      (text) => {
        res.setHeader('Content-Type', registries[0]?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8');
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'could not collect metrics');
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(clientErrorBody('INTERNAL_SERVER_ERROR', 'Metrics could not be collected.')));
      },
    );
  };
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A process's own metrics endpoint (the worker's `WORKER_METRICS_PORT`): `GET /metrics` and
 * nothing else, for Prometheus to scrape each process.
 */
export async function startMetricsServer(options: {
  readonly registries: readonly Registry[];
  readonly settings: Pick<MetricsSettings, 'token'>;
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
}): Promise<MetricsServer> {
  const handle = metricsHandler(options.registries, options.settings, options.logger);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      handle(req, res);
      return;
    }
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(clientErrorBody('NOT_FOUND', 'Only GET /metrics is served here.')));
  });
  // A scrape is small and quick: no slow client holds a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
