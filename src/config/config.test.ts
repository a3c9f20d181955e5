import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { HUB_IDS, HUBS } from './hubs.js';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('has a working default for every variable', () => {
    expect(loadConfig({})).toEqual({
      env: 'development',
      database: { url: 'postgresql://postgres@127.0.0.1:5432/catalog', poolSize: 10 },
      redis: { url: 'redis://127.0.0.1:6379', queuePrefix: 'catalog' },
      http: { host: '0.0.0.0', port: 4000 },
      hubs: expect.objectContaining({
        huggingface: {
          spec: HUBS.huggingface,
          endpoint: 'https://huggingface.co',
          token: undefined,
          pageSize: 1000,
          budget: { kind: 'headers', reserve: 0 },
          schedule: { incrementalEveryMs: 300_000, fullCron: '0 3 * * *' },
          enrich: { enabled: true, minDownloads: 1000, minLikes: 25 },
        },
      }) as unknown,
      logLevel: 'info',
      shutdownTimeoutMs: 8000,
      worker: { concurrency: 4, lockMs: 30_000, stalledCheckMs: 15_000 },
      crawl: {
        timeoutMs: 30_000,
        maxRetries: 5,
        retryBaseMs: 1000,
        schedule: true,
        enrich: { enabled: true, minDownloads: 1000, minLikes: 25 },
      },
      api: {
        rateLimit: { quota: 600, windowMs: 60_000 },
        trustProxyHops: 0,
        maxDepth: 12,
        maxCost: 10_000,
        cacheMaxAgeSeconds: 60,
        persistedQueryCacheBytes: 32 * 1024 * 1024,
        introspection: true,
        landingPage: true,
        corsOrigins: [],
        embedFrameAncestors: '*',
        dashboardDir: expect.stringMatching(/\/dist\/dashboard$/) as unknown,
        publicUrl: null,
        filterFirstMaxRows: 5000,
        compileAfterRuns: 1,
        changeStream: { idlePollMs: 5000, degradedPollMs: 500 },
      },
      webhooks: {
        httpsOnly: false,
        allowNetworks: [],
        timeoutMs: 10_000,
        attempts: 10,
        backoffMs: 15_000,
        disableAfter: 5,
        concurrency: 16,
        dispatchEveryMs: 5_000,
      },
      changeLog: { retentionMonths: 12, partitionsAhead: 2 },
      monitoring: {
        metrics: { enabled: true, token: null, operations: [], workerPort: 0 },
        queueDashboard: 'on',
      },
    });
  });

  it('reads the metrics and queue dashboard settings', () => {
    expect(
      loadConfig({
        METRICS: 'off',
        METRICS_TOKEN: 'a-long-scrape-token',
        METRICS_OPERATIONS: 'ModelsByLicense, GrafanaPanel',
        WORKER_METRICS_PORT: '9464',
        QUEUE_DASHBOARD: 'read-only',
      }).monitoring,
    ).toEqual({
      metrics: {
        enabled: false,
        token: 'a-long-scrape-token',
        operations: ['ModelsByLicense', 'GrafanaPanel'],
        workerPort: 9464,
      },
      queueDashboard: 'read-only',
    });
    const problems = problemsOf({ METRICS_TOKEN: 'short', METRICS_OPERATIONS: 'ok,not-a-name', QUEUE_DASHBOARD: 'x' });
    expect(problems).toEqual([
      expect.stringMatching(/^METRICS_TOKEN: must be 16 to 256 characters/),
      expect.stringMatching(/^METRICS_OPERATIONS: must be a comma list/),
      expect.stringMatching(/^QUEUE_DASHBOARD: must be "on", "read-only" or "off"/),
    ]);
  });

  it('reads the hub retry settings', () => {
    expect(loadConfig({ HF_MAX_RETRIES: '0', HF_RETRY_BASE_MS: '50' }).crawl).toMatchObject({
      maxRetries: 0,
      retryBaseMs: 50,
    });
  });

  it('gives every hub its public endpoint, default page size and budget, and the global schedule', () => {
    const { hubs } = loadConfig({});
    expect(Object.keys(hubs).sort()).toEqual([...HUB_IDS].sort());
    for (const id of HUB_IDS) {
      const spec = HUBS[id];
      expect(hubs[id]).toEqual({
        spec,
        endpoint: spec.defaultEndpoint,
        token: undefined,
        pageSize: spec.pageSize.default,
        budget:
          spec.requestsPerMinute === 'headers'
            ? { kind: 'headers', reserve: 0 }
            : { kind: 'fixed', requestsPerMinute: spec.requestsPerMinute },
        schedule: { incrementalEveryMs: 300_000, fullCron: '0 3 * * *' },
        enrich: { enabled: spec.enrich, minDownloads: 1000, minLikes: 25 },
      });
    }
    // A hub's own switch and thresholds; ENRICH=off turns every hub's off.
    const own = loadConfig({ CIVITAI_ENRICH: 'on', MODELSCOPE_ENRICH_MIN_DOWNLOADS: '50000' }).hubs;
    expect(own.civitai.enrich.enabled).toBe(true);
    expect(own.modelscope.enrich).toEqual({ enabled: true, minDownloads: 50_000, minLikes: 25 });
    expect(loadConfig({ ENRICH: 'off', HF_ENRICH: 'on' }).hubs.huggingface.enrich.enabled).toBe(false);
  });

  it('reads the settings of each hub: page size, a configured budget instead of the headers, its own schedule', () => {
    const hub = loadConfig({
      HF_PAGE_SIZE: '200',
      HF_REQUESTS_PER_MINUTE: '90',
      HF_CRAWL_EVERY_MS: '60000',
      CRAWL_FULL_CRON: '0 4 * * *',
    }).hubs.huggingface;
    expect(hub).toMatchObject({
      pageSize: 200,
      budget: { kind: 'fixed', requestsPerMinute: 90 },
      schedule: { incrementalEveryMs: 60_000, fullCron: '0 4 * * *' },
    });
    expect(loadConfig({ HF_RATE_LIMIT_RESERVE: '50' }).hubs.huggingface.budget).toEqual({
      kind: 'headers',
      reserve: 50,
    });
    expect(problemsOf({ HF_PAGE_SIZE: '1001', HF_CRAWL_FULL_CRON: 'daily' })).toEqual([
      expect.stringMatching(/^HF_PAGE_SIZE: must be an integer between 1 and 1000/),
      expect.stringMatching(/^HF_CRAWL_FULL_CRON: must be a cron pattern/),
    ]);
  });

  it('reads the webhook settings; https-only follows production', () => {
    const config = loadConfig({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback, 10.1.0.0/16,fd00::/8 ,192.0.2.7',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '100',
      WEBHOOK_DISABLE_AFTER: '2',
      WEBHOOK_CONCURRENCY: '8',
      WEBHOOK_DISPATCH_EVERY_MS: '250',
    });
    expect(config.webhooks).toEqual({
      httpsOnly: false,
      allowNetworks: ['loopback', '10.1.0.0/16', 'fd00::/8', '192.0.2.7'],
      timeoutMs: 2500,
      attempts: 3,
      backoffMs: 100,
      disableAfter: 2,
      concurrency: 8,
      dispatchEveryMs: 250,
    });
    expect(loadConfig({ NODE_ENV: 'production' }).webhooks.httpsOnly).toBe(true);
    expect(problemsOf({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback,intranet', WEBHOOK_ATTEMPTS: '0' })).toEqual([
      expect.stringMatching(/^WEBHOOK_ALLOW_PRIVATE_NETWORKS: must be a comma list of loopback, private/),
      expect.stringMatching(/^WEBHOOK_ATTEMPTS: must be an integer between 1 and 30/),
    ]);
    expect(problemsOf({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: '10.0.0.0/33' })).toHaveLength(1);
  });

  it('needs nothing more in production mode, where introspection is on and the landing page off', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    expect(config.env).toBe('production');
    expect(config.api).toMatchObject({ introspection: true, landingPage: false });
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'off' }).api.introspection).toBe(false);
  });

  it('reads the API limits, CORS origins and exposure switches', () => {
    const config = loadConfig({
      API_RATE_LIMIT: '5',
      API_RATE_LIMIT_WINDOW_MS: '2000',
      TRUST_PROXY: '1',
      GRAPHQL_MAX_DEPTH: '4',
      GRAPHQL_MAX_COST: '50',
      GRAPHQL_CACHE_MAX_AGE: '0',
      GRAPHQL_APQ_CACHE_MB: '0',
      GRAPHQL_INTROSPECTION: 'off',
      GRAPHQL_LANDING_PAGE: 'off',
      CORS_ORIGINS: 'https://dash.example.com, http://localhost:3000',
      EMBED_FRAME_ANCESTORS: 'https://grafana.example.com',
      DASHBOARD: 'off',
      MODELS_FILTER_FIRST_MAX_ROWS: '0',
      GRAPHQL_COMPILE_AFTER_RUNS: '0',
      CHANGE_STREAM_POLL_MS: '1000',
      CHANGE_STREAM_DEGRADED_POLL_MS: '100',
      PUBLIC_URL: 'https://catalog.example.com/api/',
    });
    expect(config.api).toEqual({
      rateLimit: { quota: 5, windowMs: 2000 },
      trustProxyHops: 1,
      maxDepth: 4,
      maxCost: 50,
      cacheMaxAgeSeconds: 0,
      persistedQueryCacheBytes: 0,
      introspection: false,
      landingPage: false,
      corsOrigins: ['https://dash.example.com', 'http://localhost:3000'],
      embedFrameAncestors: ['https://grafana.example.com'],
      dashboardDir: null,
      publicUrl: 'https://catalog.example.com/api',
      filterFirstMaxRows: 0,
      compileAfterRuns: 0,
      changeStream: { idlePollMs: 1000, degradedPollMs: 100 },
    });
    expect(loadConfig({ API_RATE_LIMIT: '0' }).api.rateLimit).toBeNull();
    expect(loadConfig({ GRAPHQL_COMPILE_AFTER_RUNS: 'off' }).api.compileAfterRuns).toBeNull();
    expect(() => loadConfig({ GRAPHQL_COMPILE_AFTER_RUNS: 'sometimes' })).toThrow(/GRAPHQL_COMPILE_AFTER_RUNS/);
    expect(loadConfig({ CORS_ORIGINS: '*' }).api.corsOrigins).toBe('*');
  });

  it.each([
    ['CORS_ORIGINS', 'https://dash.example.com/path'],
    ['CORS_ORIGINS', 'dash.example.com'],
    ['CORS_ORIGINS', '*,https://a.example'],
    ['GRAPHQL_INTROSPECTION', 'yes'],
    ['API_RATE_LIMIT_WINDOW_MS', '10'],
    ['PUBLIC_URL', 'catalog.example.com'],
    ['PUBLIC_URL', '/catalog'],
    ['PUBLIC_URL', 'ftp://catalog.example.com'],
    ['PUBLIC_URL', 'https://catalog.example.com/?x=1'],
    ['PUBLIC_URL', 'https://catalog.example.com/#top'],
    ['PUBLIC_URL', 'https://user:secret@catalog.example.com'],
    ['CHANGE_RETENTION_MONTHS', '-1'],
    ['CHANGE_RETENTION_MONTHS', 'a year'],
    ['CHANGE_PARTITIONS_AHEAD', '0'],
  ])('rejects %s=%s', (name, value) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });

  it.each([
    ['https://catalog.example.com', 'https://catalog.example.com'],
    ['https://Catalog.Example.com/', 'https://catalog.example.com'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000'],
    ['https://example.com/catalog/', 'https://example.com/catalog'],
  ])('reads PUBLIC_URL=%s as %s (no trailing slash)', (value, publicUrl) => {
    expect(loadConfig({ PUBLIC_URL: value }).api.publicUrl).toBe(publicUrl);
  });

  it('treats empty strings as unset, as containers pass them', () => {
    expect(loadConfig({ PORT: '', HF_TOKEN: '  ', DATABASE_URL: '' })).toMatchObject({
      http: { port: 4000 },
      hubs: { huggingface: { token: undefined } },
      database: { url: 'postgresql://postgres@127.0.0.1:5432/catalog' },
    });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      DATABASE_POOL_SIZE: '3',
      REDIS_URL: 'rediss://cache:6380',
      QUEUE_PREFIX: 'ci-1',
      HOST: '127.0.0.1',
      PORT: '8080',
      HF_ENDPOINT: 'http://127.0.0.1:9999/',
      HF_TOKEN: 'hf_abc',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '5000',
      WORKER_CONCURRENCY: '2',
      CHANGE_RETENTION_MONTHS: '0',
      CHANGE_PARTITIONS_AHEAD: '3',
    });
    expect(config).toEqual({
      env: 'test',
      database: { url: 'postgres://u:p@db:5432/x', poolSize: 3 },
      redis: { url: 'rediss://cache:6380', queuePrefix: 'ci-1' },
      http: { host: '127.0.0.1', port: 8080 },
      hubs: expect.objectContaining({
        huggingface: expect.objectContaining({ endpoint: 'http://127.0.0.1:9999', token: 'hf_abc' }) as unknown,
      }) as unknown,
      logLevel: 'debug',
      shutdownTimeoutMs: 5000,
      worker: { concurrency: 2, lockMs: 30_000, stalledCheckMs: 15_000 },
      crawl: expect.objectContaining({ timeoutMs: 30_000 }) as unknown,
      api: expect.objectContaining({ maxDepth: 12 }) as unknown,
      webhooks: expect.objectContaining({ attempts: 10 }) as unknown,
      changeLog: { retentionMonths: 0, partitionsAhead: 3 },
      monitoring: expect.objectContaining({ queueDashboard: 'on' }) as unknown,
    });
  });

  it('reports every problem at once, naming the variable and the value given', () => {
    const problems = problemsOf({
      PORT: '70000',
      DATABASE_URL: 'mysql://localhost/x',
      REDIS_URL: 'not a url',
      LOG_LEVEL: 'loud',
      HF_ENDPOINT: 'ftp://hub',
      NODE_ENV: 'staging',
      DATABASE_POOL_SIZE: '1.5',
      QUEUE_PREFIX: 'a:b',
    });
    expect(problems).toHaveLength(8);
    expect(problems.join('\n')).toMatch(/^PORT: must be an integer between 0 and 65535 \(got "70000"\)$/m);
    for (const name of [
      'DATABASE_URL',
      'REDIS_URL',
      'LOG_LEVEL',
      'HF_ENDPOINT',
      'NODE_ENV',
      'DATABASE_POOL_SIZE',
      'QUEUE_PREFIX',
    ]) {
      expect(problems.some((problem) => problem.startsWith(`${name}: `))).toBe(true);
    }
  });

  it('formats one message listing the problems', () => {
    const error = new ConfigError(['A: bad', 'B: worse']);
    expect(error.message).toBe('Invalid configuration (2 problems):\n  - A: bad\n  - B: worse');
  });
});
