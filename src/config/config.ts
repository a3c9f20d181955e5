/**
 * The one reader of `process.env`. Everything else receives the typed `Config` it returns.
 *
 * Every variable has a default that works on a machine with local Postgres and Redis, in
 * production mode too. Problems are collected and reported together, never one at a time.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseNetworkEntry } from '../lib/network.js';
import { PROJECT_ROOT } from '../lib/project-root.js';
import { HUB_IDS, HUBS, type HubId, type HubSpec } from './hubs.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Containers and CI often pass a variable as an empty string to mean "unset".
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

function withDefault<T extends z.ZodType<unknown, string>>(schema: T, fallback: string) {
  return optionalString.transform((value) => value ?? fallback).pipe(schema);
}

const integer = (min: number, max: number) =>
  z.coerce
    .number<string>({ error: `must be an integer between ${min} and ${max}` })
    .int({ error: `must be an integer between ${min} and ${max}` })
    .min(min, { error: `must be an integer between ${min} and ${max}` })
    .max(max, { error: `must be an integer between ${min} and ${max}` });

const onOff = z.enum(['on', 'off'], { error: 'must be "on" or "off"' });

/** `CORS_ORIGINS`: `*`, or a comma list of origins (`scheme://host[:port]`, no path). */
const corsOrigins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
  )
  .refine(
    (origins) =>
      origins.every((origin) => {
        if (origin === '*') return origins.length === 1;
        try {
          const url = new URL(origin);
          return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
        } catch {
          return false;
        }
      }),
    { error: 'must be "*" or a comma list of origins such as https://dash.example.com,http://localhost:3000' },
  );

/** `WEBHOOK_ALLOW_PRIVATE_NETWORKS`: a comma list of `loopback`, `private`, `link-local`, `all`, CIDRs or addresses. */
const networkAllowList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== ''),
  )
  .refine((entries) => entries.every((entry) => parseNetworkEntry(entry) !== null), {
    error: 'must be a comma list of loopback, private, link-local, all, or CIDRs such as 10.1.0.0/16,fd00::/8',
  });

const urlWithProtocols = (protocols: readonly string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (e.g. ${example})` },
  );

/**
 * `PUBLIC_URL`: where clients reach the API (`https://catalog.example.com`, or under a path
 * prefix), for the absolute URLs it writes (the Atom feed's id and self link) instead of the
 * request's forgeable Host header. Stored without a trailing slash.
 */
const publicUrl = z
  .string()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (
          (url.protocol === 'https:' || url.protocol === 'http:') &&
          url.username === '' &&
          url.password === '' &&
          url.search === '' &&
          url.hash === '' &&
          !value.includes('?') &&
          !value.includes('#')
        );
      } catch {
        return false;
      }
    },
    {
      error:
        'must be an absolute http(s) URL without credentials, query or fragment (e.g. https://catalog.example.com)',
    },
  )
  .transform((value) => new URL(value).href.replace(/\/+$/, ''));

/** `METRICS_OPERATIONS`: a comma list of GraphQL operation names (each a GraphQL Name), at most 100. */
const operationNames = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  )
  .refine((names) => names.length <= 100 && names.every((name) => /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)), {
    error: 'must be a comma list of at most 100 GraphQL operation names such as Dashboard,ModelsByLicense',
  });

const cron = z.string().regex(/^(\S+\s+){4,5}\S+$/, { error: 'must be a cron pattern' });

/** One hub's variables (src/config/hubs.ts): `<PREFIX>_ENDPOINT` and the rest. */
function hubSchema(spec: HubSpec) {
  const name = (suffix: string) => `${spec.envPrefix}_${suffix}`;
  return z.object({
    [name('ENDPOINT')]: withDefault(
      urlWithProtocols(['https:', 'http:'], spec.defaultEndpoint),
      spec.defaultEndpoint,
    ).transform((url) => url.replace(/\/+$/, '')),
    [name('TOKEN')]: optionalString,
    [name('PAGE_SIZE')]: withDefault(integer(1, spec.pageSize.max), String(spec.pageSize.default)),
    [name('REQUESTS_PER_MINUTE')]: optionalString.pipe(integer(1, 1_000_000).optional()),
    [name('RATE_LIMIT_RESERVE')]: withDefault(integer(0, 100_000), '0'),
    [name('CRAWL_EVERY_MS')]: optionalString.pipe(integer(10_000, 86_400_000).optional()),
    [name('ENRICH')]: withDefault(onOff, spec.enrich ? 'on' : 'off'),
    [name('ENRICH_MIN_DOWNLOADS')]: optionalString.pipe(integer(0, 2_000_000_000).optional()),
    [name('ENRICH_MIN_LIKES')]: optionalString.pipe(integer(0, 2_000_000_000).optional()),
    [name('CRAWL_FULL_CRON')]: optionalString.pipe(cron.optional()),
  });
}

const envSchema = z.object({
  NODE_ENV: withDefault(z.enum(['development', 'test', 'production']), 'development'),
  DATABASE_URL: withDefault(
    urlWithProtocols(['postgresql:', 'postgres:'], 'postgresql://postgres@127.0.0.1:5432/catalog'),
    'postgresql://postgres@127.0.0.1:5432/catalog',
  ),
  DATABASE_POOL_SIZE: withDefault(integer(1, 500), '10'),
  // A streaming replica for the API's catalog reads (docs/replicas.md); its pool size defaults to DATABASE_POOL_SIZE.
  DATABASE_READ_URL: optionalString.pipe(
    urlWithProtocols(['postgresql:', 'postgres:'], 'postgresql://postgres@replica:5432/catalog').optional(),
  ),
  DATABASE_READ_POOL_SIZE: optionalString.pipe(integer(1, 500).optional()),
  REDIS_URL: withDefault(urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379'),
  QUEUE_PREFIX: withDefault(
    z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'must contain only letters, digits, "_" and "-"' }),
    'catalog',
  ),
  HOST: withDefault(z.string(), '0.0.0.0'),
  PORT: withDefault(integer(0, 65535), '4000'),
  PUBLIC_URL: optionalString.pipe(publicUrl.optional()),
  LOG_LEVEL: withDefault(z.enum(LOG_LEVELS), 'info'),
  SHUTDOWN_TIMEOUT_MS: withDefault(integer(100, 600_000), '8000'),
  WORKER_CONCURRENCY: withDefault(integer(1, 256), '4'),
  JOB_LOCK_MS: withDefault(integer(1_000, 3_600_000), '30000'),
  JOB_STALLED_CHECK_MS: withDefault(integer(500, 3_600_000), '15000'),
  HF_TIMEOUT_MS: withDefault(integer(100, 600_000), '30000'),
  HF_MAX_RETRIES: withDefault(integer(0, 20), '5'),
  HF_RETRY_BASE_MS: withDefault(integer(1, 60_000), '1000'),
  CRAWL_SCHEDULE: withDefault(z.enum(['on', 'off']), 'on'),
  CRAWL_INCREMENTAL_EVERY_MS: withDefault(integer(10_000, 86_400_000), '300000'),
  CRAWL_FULL_CRON: withDefault(cron, '0 3 * * *'),
  ENRICH: withDefault(z.enum(['on', 'off']), 'on'),
  ENRICH_MIN_DOWNLOADS: withDefault(integer(0, 2_000_000_000), '1000'),
  ENRICH_MIN_LIKES: withDefault(integer(0, 2_000_000_000), '25'),
  API_RATE_LIMIT: withDefault(integer(0, 100_000_000), '600'),
  API_RATE_LIMIT_WINDOW_MS: withDefault(integer(1_000, 86_400_000), '60000'),
  TRUST_PROXY: withDefault(integer(0, 10), '0'),
  GRAPHQL_MAX_DEPTH: withDefault(integer(1, 100), '12'),
  GRAPHQL_MAX_COST: withDefault(integer(1, 100_000_000), '10000'),
  GRAPHQL_COMPILE_AFTER_RUNS: withDefault(z.union([z.literal('off'), integer(0, 1_000_000)]), '1'),
  GRAPHQL_CACHE_MAX_AGE: withDefault(integer(0, 86_400), '60'),
  GRAPHQL_APQ_CACHE_MB: withDefault(integer(0, 4_096), '32'),
  GRAPHQL_INTROSPECTION: optionalString.pipe(onOff.optional()),
  GRAPHQL_LANDING_PAGE: optionalString.pipe(onOff.optional()),
  CORS_ORIGINS: withDefault(corsOrigins, ''),
  EMBED_FRAME_ANCESTORS: withDefault(corsOrigins, '*'),
  DASHBOARD: withDefault(onOff, 'on'),
  DASHBOARD_DIR: optionalString,
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: withDefault(networkAllowList, ''),
  WEBHOOK_TIMEOUT_MS: withDefault(integer(100, 120_000), '10000'),
  WEBHOOK_ATTEMPTS: withDefault(integer(1, 30), '10'),
  WEBHOOK_BACKOFF_MS: withDefault(integer(10, 3_600_000), '15000'),
  WEBHOOK_DISABLE_AFTER: withDefault(integer(1, 10_000), '5'),
  WEBHOOK_CONCURRENCY: withDefault(integer(1, 512), '16'),
  WEBHOOK_DISPATCH_EVERY_MS: withDefault(integer(50, 600_000), '5000'),
  MODELS_FILTER_FIRST_MAX_ROWS: withDefault(integer(0, 100_000_000), '5000'),
  CHANGE_STREAM_POLL_MS: withDefault(integer(100, 600_000), '5000'),
  CHANGE_STREAM_DEGRADED_POLL_MS: withDefault(integer(50, 60_000), '500'),
  CHANGE_RETENTION_MONTHS: withDefault(integer(0, 1_200), '12'),
  CHANGE_PARTITIONS_AHEAD: withDefault(integer(1, 24), '2'),
  METRICS: withDefault(onOff, 'on'),
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^\S{16,256}$/, { error: 'must be 16 to 256 characters without spaces' })
      .optional(),
  ),
  METRICS_OPERATIONS: withDefault(operationNames, ''),
  WORKER_METRICS_PORT: withDefault(integer(0, 65535), '0'),
  QUEUE_DASHBOARD: withDefault(
    z.enum(['on', 'read-only', 'off'], { error: 'must be "on", "read-only" or "off"' }),
    'on',
  ),
});

export type Env = Readonly<Record<string, string | undefined>>;

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly database: {
    readonly url: string;
    readonly poolSize: number;
    /** DATABASE_READ_URL: where the API's catalog reads go (docs/replicas.md); absent when unset. */
    readonly read?: { readonly url: string; readonly poolSize: number };
  };
  readonly redis: { readonly url: string; readonly queuePrefix: string };
  readonly http: { readonly host: string; readonly port: number };
  /** Each hub's endpoint, token, page size, request budget and schedule (src/config/hubs.ts). */
  readonly hubs: Readonly<Record<HubId, HubSettings>>;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly shutdownTimeoutMs: number;
  readonly worker: { readonly concurrency: number; readonly lockMs: number; readonly stalledCheckMs: number };
  readonly crawl: {
    readonly timeoutMs: number;
    /** Retries of one hub request (429, 408, 5xx, network errors, timeouts) and their backoff base. */
    readonly maxRetries: number;
    readonly retryBaseMs: number;
    /** CRAWL_SCHEDULE: whether the recurring crawls of every hub are registered. */
    readonly schedule: boolean;
    readonly enrich: { readonly enabled: boolean; readonly minDownloads: number; readonly minLikes: number };
  };
  readonly api: ApiConfig;
  readonly webhooks: WebhookConfig;
  readonly changeLog: ChangeLogConfig;
  readonly monitoring: MonitoringConfig;
}

/** Prometheus metrics and the queue dashboard (README: "Operations: metrics and queues"). */
export interface MonitoringConfig {
  readonly metrics: {
    /** METRICS: the API's `/metrics` and the worker's metrics server. */
    readonly enabled: boolean;
    /** METRICS_TOKEN: the bearer token a scrape must send; null: none needed. */
    readonly token: string | null;
    /** METRICS_OPERATIONS: GraphQL operation names with a latency series of their own. */
    readonly operations: readonly string[];
    /** WORKER_METRICS_PORT: the worker's metrics server (on HOST); 0: none. */
    readonly workerPort: number;
  };
  /** QUEUE_DASHBOARD: bull-board at /admin/queues, with actions or read-only, or none. */
  readonly queueDashboard: 'on' | 'read-only' | 'off';
}

/** One hub's crawl settings. */
export interface HubSettings {
  readonly spec: HubSpec;
  /** The hub's origin, without a trailing slash. */
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly pageSize: number;
  /**
   * How requests are paced: by the hub's own `RateLimit` headers, leaving `reserve` requests of
   * each window unused; or at most `requestsPerMinute`, shared by every process.
   */
  readonly budget:
    | { readonly kind: 'headers'; readonly reserve: number }
    | { readonly kind: 'fixed'; readonly requestsPerMinute: number };
  readonly schedule: { readonly incrementalEveryMs: number; readonly fullCron: string };
  /** Enrichment of this hub's models (on only while ENRICH is on too), and who qualifies. */
  readonly enrich: { readonly enabled: boolean; readonly minDownloads: number; readonly minLikes: number };
}

/** Webhook dispatch and delivery (src/webhooks, jobs/webhook.jobs.ts). */
export interface WebhookConfig {
  /** Only `https:` webhook URLs: in production. */
  readonly httpsOnly: boolean;
  /** Networks webhooks may reach besides public addresses (keywords, CIDRs; src/webhooks/ssrf.ts). */
  readonly allowNetworks: readonly string[];
  /** Deadline of one HTTP attempt (connect, headers and body). */
  readonly timeoutMs: number;
  /** HTTP attempts per delivery before it fails for good. */
  readonly attempts: number;
  /** First retry delay; each later one doubles it. */
  readonly backoffMs: number;
  /** Deliveries failed for good in a row that disable a webhook. */
  readonly disableAfter: number;
  /** Deliveries in flight per worker process. */
  readonly concurrency: number;
  /** The dispatcher reads the change log at least this often (pub/sub wakes it sooner). */
  readonly dispatchEveryMs: number;
}

/** The change log's monthly partitions and retention (src/events/change-retention.ts, docs/changes.md). */
export interface ChangeLogConfig {
  /** Months of changes kept (at least); 0 keeps every change. Months a webhook still needs are kept longer. */
  readonly retentionMonths: number;
  /** Monthly partitions created ahead of the current month. */
  readonly partitionsAhead: number;
}

/** The GraphQL endpoint's limits and exposure (src/api/limits, src/api/server.ts). */
export interface ApiConfig {
  /** Requests per fixed window per client (API key, else IP); null when rate limiting is off. */
  readonly rateLimit: { readonly quota: number; readonly windowMs: number } | null;
  /** Proxy hops in front of the API whose `X-Forwarded-For` is trusted for the client IP. */
  readonly trustProxyHops: number;
  readonly maxDepth: number;
  readonly maxCost: number;
  /** `max-age` (s) of the public cache hint on catalog reads; 0 sends `no-store`. */
  readonly cacheMaxAgeSeconds: number;
  /** Bound of the automatic-persisted-query cache, in bytes of query text; 0 turns APQ off. */
  readonly persistedQueryCacheBytes: number;
  readonly introspection: boolean;
  readonly landingPage: boolean;
  /** Origins allowed by CORS; `*` for any; empty for none (same-origin only). */
  readonly corsOrigins: readonly string[] | '*';
  /** Who may show the embeddable charts in a frame (CSP `frame-ancestors`): `*`, or these origins (and this one). */
  readonly embedFrameAncestors: readonly string[] | '*';
  /** The built dashboard's folder (DASHBOARD_DIR, default dist/dashboard), or null with DASHBOARD=off. */
  readonly dashboardDir: string | null;
  /**
   * PUBLIC_URL without a trailing slash: the base of the absolute URLs the API writes. Null when
   * not set; those URLs then follow the request's Host and are never cached publicly.
   */
  readonly publicUrl: string | null;
  /**
   * How often each instance reads the change log without being told to: the safety net while
   * Redis pub/sub works, and the delivery path while it does not.
   */
  readonly changeStream: { readonly idlePollMs: number; readonly degradedPollMs: number };
  /**
   * `models` pages whose filter matches at most this many models (counted exactly by the facet
   * cube) read all matches and sort; larger ones walk the order's index (see models.sql.ts).
   */
  readonly filterFirstMaxRows: number;
  /**
   * A document runs this many times on graphql-js before it is compiled and runs compiled
   * (api/execution/compiled-executor.ts); null: never compiled (GRAPHQL_COMPILE_AFTER_RUNS=off).
   */
  readonly compileAfterRuns: number | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Exit code for configuration errors, so scripts can tell them from crashes (1). */
export const CONFIG_ERROR_EXIT_CODE = 2;

export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const hubs = HUB_IDS.map((id) => ({ spec: HUBS[id], parsed: hubSchema(HUBS[id]).safeParse(env) }));
  const issues = [...(parsed.error?.issues ?? []), ...hubs.flatMap((hub) => hub.parsed.error?.issues ?? [])];
  if (!parsed.success || issues.length > 0) {
    const problems = issues.map((issue) => {
      const name = issue.path.join('.');
      const given = env[name];
      return `${name}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const hubSettings = (spec: HubSpec, values: Record<string, unknown>): HubSettings => {
    const value = <T>(suffix: string) => values[`${spec.envPrefix}_${suffix}`] as T;
    const requestsPerMinute = value<number | undefined>('REQUESTS_PER_MINUTE');
    const fixed = requestsPerMinute ?? (spec.requestsPerMinute === 'headers' ? undefined : spec.requestsPerMinute);
    return {
      spec,
      endpoint: value<string>('ENDPOINT'),
      token: value<string | undefined>('TOKEN'),
      pageSize: value<number>('PAGE_SIZE'),
      budget:
        fixed === undefined
          ? { kind: 'headers', reserve: value<number>('RATE_LIMIT_RESERVE') }
          : { kind: 'fixed', requestsPerMinute: fixed },
      schedule: {
        incrementalEveryMs: value<number | undefined>('CRAWL_EVERY_MS') ?? e.CRAWL_INCREMENTAL_EVERY_MS,
        fullCron: value<string | undefined>('CRAWL_FULL_CRON') ?? e.CRAWL_FULL_CRON,
      },
      enrich: {
        enabled: e.ENRICH === 'on' && value<string>('ENRICH') === 'on',
        minDownloads: value<number | undefined>('ENRICH_MIN_DOWNLOADS') ?? e.ENRICH_MIN_DOWNLOADS,
        minLikes: value<number | undefined>('ENRICH_MIN_LIKES') ?? e.ENRICH_MIN_LIKES,
      },
    };
  };
  return {
    env: e.NODE_ENV,
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      ...(e.DATABASE_READ_URL
        ? { read: { url: e.DATABASE_READ_URL, poolSize: e.DATABASE_READ_POOL_SIZE ?? e.DATABASE_POOL_SIZE } }
        : {}),
    },
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    http: { host: e.HOST, port: e.PORT },
    hubs: Object.fromEntries(
      hubs.map((hub) => [hub.spec.id, hubSettings(hub.spec, hub.parsed.data as Record<string, unknown>)]),
    ) as Record<HubId, HubSettings>,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    worker: { concurrency: e.WORKER_CONCURRENCY, lockMs: e.JOB_LOCK_MS, stalledCheckMs: e.JOB_STALLED_CHECK_MS },
    crawl: {
      timeoutMs: e.HF_TIMEOUT_MS,
      maxRetries: e.HF_MAX_RETRIES,
      retryBaseMs: e.HF_RETRY_BASE_MS,
      schedule: e.CRAWL_SCHEDULE === 'on',
      enrich: { enabled: e.ENRICH === 'on', minDownloads: e.ENRICH_MIN_DOWNLOADS, minLikes: e.ENRICH_MIN_LIKES },
    },
    api: {
      rateLimit: e.API_RATE_LIMIT === 0 ? null : { quota: e.API_RATE_LIMIT, windowMs: e.API_RATE_LIMIT_WINDOW_MS },
      trustProxyHops: e.TRUST_PROXY,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      cacheMaxAgeSeconds: e.GRAPHQL_CACHE_MAX_AGE,
      persistedQueryCacheBytes: e.GRAPHQL_APQ_CACHE_MB * 1024 * 1024,
      // On everywhere: the schema is public and documented, and cost limits apply to introspection too.
      introspection: (e.GRAPHQL_INTROSPECTION ?? 'on') === 'on',
      landingPage: (e.GRAPHQL_LANDING_PAGE ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
      corsOrigins: e.CORS_ORIGINS[0] === '*' ? '*' : e.CORS_ORIGINS,
      embedFrameAncestors: e.EMBED_FRAME_ANCESTORS[0] === '*' ? '*' : e.EMBED_FRAME_ANCESTORS,
      dashboardDir: e.DASHBOARD === 'off' ? null : resolve(e.DASHBOARD_DIR ?? join(PROJECT_ROOT, 'dist', 'dashboard')),
      publicUrl: e.PUBLIC_URL ?? null,
      filterFirstMaxRows: e.MODELS_FILTER_FIRST_MAX_ROWS,
      compileAfterRuns: e.GRAPHQL_COMPILE_AFTER_RUNS === 'off' ? null : e.GRAPHQL_COMPILE_AFTER_RUNS,
      changeStream: { idlePollMs: e.CHANGE_STREAM_POLL_MS, degradedPollMs: e.CHANGE_STREAM_DEGRADED_POLL_MS },
    },
    webhooks: {
      httpsOnly: e.NODE_ENV === 'production',
      allowNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      attempts: e.WEBHOOK_ATTEMPTS,
      backoffMs: e.WEBHOOK_BACKOFF_MS,
      disableAfter: e.WEBHOOK_DISABLE_AFTER,
      concurrency: e.WEBHOOK_CONCURRENCY,
      dispatchEveryMs: e.WEBHOOK_DISPATCH_EVERY_MS,
    },
    changeLog: { retentionMonths: e.CHANGE_RETENTION_MONTHS, partitionsAhead: e.CHANGE_PARTITIONS_AHEAD },
    monitoring: {
      metrics: {
        enabled: e.METRICS === 'on',
        token: e.METRICS_TOKEN ?? null,
        operations: e.METRICS_OPERATIONS,
        workerPort: e.WORKER_METRICS_PORT,
      },
      queueDashboard: e.QUEUE_DASHBOARD,
    },
  };
}

/**
 * For entry points: load the configuration or print every problem and exit with code 2 before
 * anything has started.
 */
export function loadConfigOrExit(env: Env = process.env): Config {
  // A `.env` in the working directory fills in variables the environment does not set.
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(CONFIG_ERROR_EXIT_CODE);
    }
    throw error;
  }
}
