/**
 * The API's Prometheus metrics over real HTTP, against the real Postgres and Redis: GraphQL
 * operations timed by name and errors counted by code, routes timed by pattern, queue depth for
 * every queue, the Postgres pool and the process; METRICS_TOKEN and METRICS=off; scrapes never
 * rate-limited; and label values that stay in their closed sets whatever clients send.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLIENT_OPERATIONS } from '../../src/api/metrics/labels.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { WorkerMetrics } from '../../src/lib/metrics-worker.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { QUEUE_NAMES } from '../../src/queue/contracts.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';
import { obliterateQueues } from '../helpers/queues.js';
import { parseExposition, valueOf, type Sample } from '../helpers/prometheus.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'));
let prefix: string;
const apis: RunningApi[] = [];

async function start(env: Record<string, string> = {}): Promise<RunningApi> {
  const api = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix, env });
  apis.push(api);
  return api;
}

beforeEach(async () => {
  prefix = `test-${randomBytes(4).toString('hex')}`;
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: 'http://127.0.0.1:9' })));
});
afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.stop()));
  await obliterateQueues(redis, prefix);
});
afterAll(() => redis.quit());

async function scrape(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/metrics`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

async function samplesOf(url: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const { status, headers: responseHeaders, text } = await scrape(url, headers);
  expect(status).toBe(200);
  expect(responseHeaders.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(text);
}

/** The value of the one sample named `name` whose labels include `labels`, or undefined. */

/** The metric names an exposition declares (its `# TYPE` lines). */
const declaredNames = (text: string) => [...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!);

describe('GET /metrics', () => {
  it('times operations by name, counts errors by code, times routes, and reports queues, pool and process', async () => {
    const api = await start();
    const before = await samplesOf(api.url);
    const errorsBefore = valueOf(before, 'catalog_graphql_errors_total', { code: 'BAD_USER_INPUT' }) ?? 0;

    const valid = await graphql(api.url, 'query Dashboard { hubs { id name } }');
    expect(valid.status).toBe(200);
    expect(valid.body.errors).toBeUndefined();
    // Over the page-size limit: BAD_USER_INPUT (PAGE_SIZE_EXCEEDED).
    const refused = await graphql(api.url, 'query TooLarge { models(first: 100000) { totalCount } }');
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect((await fetch(`${api.url}/api/stats?facetLimit=3`)).status).toBe(200);
    expect((await fetch(`${api.url}/export/models.csv`)).status).toBe(200);
    expect((await fetch(`${api.url}/badge/huggingface/nobody/nothing.svg`)).status).toBe(404);
    expect((await fetch(`${api.url}/no/such/path`)).status).toBe(404);
    // One job of each waiting kind, to see the counts move.
    const system = new Queue('system', { connection: redis, prefix });
    await system.add('heartbeat', {});
    await system.add('heartbeat', {}, { delay: 60_000 });
    await system.close();

    const after = await samplesOf(api.url);
    expect(valueOf(after, 'catalog_graphql_operation_duration_seconds_count', { operation: 'Dashboard' })).toBe(1);
    expect(valueOf(after, 'catalog_graphql_operation_duration_seconds_count', { operation: 'other' })).toBe(1);
    expect(
      valueOf(after, 'catalog_graphql_operation_duration_seconds_bucket', { operation: 'Dashboard', le: '+Inf' }),
    ).toBe(1);
    expect(valueOf(after, 'catalog_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(errorsBefore + 1);

    const routeCount = (route: string, status: string) =>
      valueOf(after, 'catalog_http_request_duration_seconds_count', { route, status });
    expect(routeCount('/graphql', '200')).toBeGreaterThanOrEqual(1);
    expect(routeCount('/api/stats', '200')).toBe(1);
    expect(routeCount('/export/models.csv', '200')).toBe(1);
    expect(routeCount('/badge/:hub/*repo', '404')).toBe(1);
    expect(routeCount('unmatched', '404')).toBe(1);
    expect(routeCount('/metrics', '200')).toBe(1);

    for (const queue of QUEUE_NAMES) {
      expect(valueOf(after, 'catalog_queue_counts_ok', { queue }), queue).toBe(1);
      for (const state of ['wait', 'prioritized', 'delayed', 'active', 'failed', 'completed']) {
        expect(valueOf(after, 'catalog_queue_jobs', { queue, state }), `${queue} ${state}`).toBeTypeOf('number');
      }
    }
    expect(valueOf(after, 'catalog_queue_jobs', { queue: 'system', state: 'wait' })).toBe(1);
    expect(valueOf(after, 'catalog_queue_jobs', { queue: 'system', state: 'delayed' })).toBe(1);

    expect(valueOf(after, 'catalog_db_pool_max_connections', { pool: 'primary' })).toBe(5);
    expect(valueOf(after, 'catalog_db_pool_connections', { pool: 'primary' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'catalog_db_pool_idle_connections', { pool: 'primary' })).toBeTypeOf('number');
    expect(valueOf(after, 'catalog_db_pool_waiting_requests', { pool: 'primary' })).toBe(0);

    expect(valueOf(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('keeps every label in its closed set: 50 random operation names, paths and codes add no series', async () => {
    const api = await start();
    const names = Array.from({ length: 50 }, () => `Op_${randomBytes(6).toString('hex')}`);
    for (const name of names) {
      expect((await graphql(api.url, `query ${name} { hubs { id } }`)).status).toBe(200);
    }
    await graphql(api.url, '{ hubs { id } }');
    await graphql(api.url, `query Broken_${randomBytes(4).toString('hex')} { hubs { id `);
    // A persisted query this instance never saw, by hash alone.
    const unknownHash = randomBytes(32).toString('hex');
    await fetch(
      `${api.url}/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: unknownHash } }))}`,
    );
    const paths = Array.from({ length: 20 }, () => `/p-${randomBytes(6).toString('hex')}`);
    for (const path of paths) await fetch(`${api.url}${path}?token=${randomBytes(4).toString('hex')}`);

    const { text } = await scrape(api.url);
    for (const value of [...names, ...paths, unknownHash]) expect(text).not.toContain(value);
    const samples = parseExposition(text);
    const operations = new Set(
      samples
        .filter((sample) => sample.name === 'catalog_graphql_operation_duration_seconds_count')
        .map((sample) => sample.labels['operation']),
    );
    expect([...operations].sort()).toEqual(['anonymous', 'invalid', 'other']);
    expect(valueOf(samples, 'catalog_graphql_operation_duration_seconds_count', { operation: 'other' })).toBe(50);
    const routes = new Set(
      samples
        .filter((sample) => sample.name === 'catalog_http_request_duration_seconds_count')
        .map((sample) => sample.labels['route']),
    );
    expect([...routes].sort()).toEqual(['/graphql', 'unmatched']);
    const codes = samples
      .filter((sample) => sample.name === 'catalog_graphql_errors_total')
      .map((s) => s.labels['code']);
    expect(codes.sort()).toEqual(['GRAPHQL_PARSE_FAILED', 'PERSISTED_QUERY_NOT_FOUND']);
    // No label value anywhere longer than a route pattern or a state: nothing a client wrote.
    for (const sample of samples) {
      for (const value of Object.values(sample.labels))
        expect(value.length, `${sample.name} ${value}`).toBeLessThan(60);
    }
  });

  it("gives a series to every operation of the project's dashboard, and to the names METRICS_OPERATIONS adds", async () => {
    // The dashboard's documents (web/dashboard/src/documents.ts) name its operations: each is known.
    const documents = readFileSync(join(PROJECT_ROOT, 'web/dashboard/src/documents.ts'), 'utf8');
    const dashboardOperations = [...documents.matchAll(/\b(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/g)].map(
      (match) => match[1],
    );
    expect(dashboardOperations.length).toBeGreaterThan(0);
    expect([...CLIENT_OPERATIONS].sort()).toEqual([...new Set(dashboardOperations)].sort());

    const api = await start({ METRICS_OPERATIONS: 'ModelsByLicense, GrafanaPanel' });
    await graphql(api.url, 'query ModelsByLicense { hubs { id } }');
    await graphql(api.url, 'query DashboardChoices { hubs { id } }');
    const samples = await samplesOf(api.url);
    for (const operation of ['ModelsByLicense', 'DashboardChoices']) {
      expect(valueOf(samples, 'catalog_graphql_operation_duration_seconds_count', { operation }), operation).toBe(1);
    }
  });

  it('with METRICS_TOKEN, answers only a scrape that sends it', async () => {
    const token = `tok-${randomBytes(16).toString('hex')}`;
    const api = await start({ METRICS_TOKEN: token });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: token },
    ];
    for (const headers of attempts) {
      const refused = await scrape(api.url, headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(JSON.parse(refused.text)).toEqual({
        errors: [{ message: expect.any(String) as unknown, extensions: { code: 'UNAUTHENTICATED' } }],
      });
      expect(refused.text).not.toContain('catalog_');
    }
    const samples = await samplesOf(api.url, { authorization: `Bearer ${token}` });
    expect(valueOf(samples, 'catalog_db_pool_max_connections', { pool: 'primary' })).toBe(5);
  });

  it('names in the README and the Grafana dashboard only metrics that the API or the worker declares', async () => {
    const api = await start();
    const worker = new WorkerMetrics([{ name: 'primary', stats: db.pool }]);
    const declared = new Set([
      ...declaredNames((await scrape(api.url)).text),
      ...(await Promise.all(worker.registries.map((registry) => registry.metrics()))).flatMap(declaredNames),
    ]);
    const base = (name: string) => name.replace(/_(bucket|count|sum)$/, '');

    const dashboard = JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs/grafana/catalog-dashboard.json'), 'utf8')) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const charts = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(charts.length).toBeGreaterThanOrEqual(12);
    const used = new Set<string>();
    for (const panel of charts) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? []) {
        for (const match of expr.matchAll(/\b((?:catalog|process|nodejs)_[a-z0-9_]+)/g)) used.add(base(match[1]!));
      }
    }
    for (const name of used) expect(declared, name).toContain(name);
    // Every catalog metric has a place on the dashboard.
    for (const name of declared) if (name.startsWith('catalog_')) expect(used, name).toContain(name);

    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = /\n## Operations: metrics and queues\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const documented = new Set([...section.matchAll(/`(catalog_[a-z_]+)`/g)].map((match) => match[1]!));
    expect([...documented].sort()).toEqual([...declared].filter((name) => name.startsWith('catalog_')).sort());
  });

  it('is never refused by the client rate limit, and METRICS=off removes it', async () => {
    const api = await start({ API_RATE_LIMIT: '2', API_RATE_LIMIT_WINDOW_MS: '60000' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await graphql(api.url, '{ hubs { id } }')).status);
    expect(statuses).toContain(429);
    for (let i = 0; i < 5; i++) expect((await scrape(api.url)).status).toBe(200);

    const off = await start({ METRICS: 'off' });
    const answer = await scrape(off.url);
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('catalog_');
  });

  it("compose's monitoring profile scrapes the API's port and the worker's WORKER_METRICS_PORT, and Grafana loads the dashboard", () => {
    const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
    interface Service {
      profiles?: string[];
      environment?: Record<string, string>;
      volumes?: string[];
    }
    const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
    const prometheus = parseYaml(read('docker/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((config) => config.targets.map((target) => `${target}${job.metrics_path}`)),
    );
    const { api, worker, prometheus: scraper, grafana } = compose.services;
    expect(targets).toEqual([
      `api:${api?.environment?.['PORT']}/metrics`,
      `worker:${worker?.environment?.['WORKER_METRICS_PORT']}/metrics`,
    ]);
    expect(scraper?.profiles).toEqual(['monitoring']);
    expect(grafana?.profiles).toEqual(['monitoring']);
    expect(grafana?.volumes).toContain('./docs/grafana:/var/lib/grafana/dashboards:ro');
  });
});
