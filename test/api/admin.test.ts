/**
 * Mutations over real HTTP (API-key scopes and bad keys: test/abuse/api-access): requestCrawl
 * queuing a real crawl-start job and returning its run, reclassify queuing its job, and the
 * bookkeeping of key use. Each test gets its own BullMQ prefix, inspected and obliterated.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import type { ApiKeyScope } from '../../src/auth/api-key.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { RULES_VERSION } from '../../src/openness/rules-version.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'));
const keys = new ApiKeyRepository(db.prisma);
let prefix: string;
let api: RunningApi;
let queues: Queue[];

beforeEach(async () => {
  prefix = `test-${randomBytes(4).toString('hex')}`;
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: 'http://127.0.0.1:9' })));
  api = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix });
  queues = [
    new Queue('crawl-huggingface', { connection: redis, prefix }),
    new Queue('system', { connection: redis, prefix }),
  ];
});
afterEach(async () => {
  await api.stop();
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
afterAll(() => redis.quit());

interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post<T = Record<string, unknown>>(
  query: string,
  options: { key?: string; authorization?: string; variables?: Record<string, unknown> } = {},
): Promise<GraphQLResponse<T>> {
  const authorization = options.authorization ?? (options.key ? `Bearer ${options.key}` : undefined);
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

async function newKey(scopes: ApiKeyScope[], name = 'test') {
  return (await keys.create({ name, scopes })).key;
}

const REQUEST_CRAWL = `mutation($input: RequestCrawlInput!) {
  requestCrawl(input: $input) {
    run { id hub mode status trigger pages startedAt finishedAt }
    joined
    job { id queue name state }
    errors { code field message }
  }
}`;

const RECLASSIFY = `mutation { reclassify { rulesVersion pendingModels job { id queue name state } errors { code } } }`;

interface RequestCrawlData {
  requestCrawl: {
    run: { id: string; hub: string; mode: string; status: string; trigger: string; startedAt: string } | null;
    joined: boolean;
    job: { id: string; queue: string; name: string; state: string } | null;
    errors: { code: string; field: string[] | null; message: string }[];
  };
}

const jobsOf = async (queue: Queue) => queue.getJobs(['waiting', 'prioritized', 'active', 'delayed', 'completed']);

describe('API key bookkeeping', () => {
  it('records when a key was last used, at most once a minute', async () => {
    const { record, key } = await keys.create({ name: 'reader', scopes: [] });
    expect(record.lastUsedAt).toBeNull();
    expect((await post('{ hubs { id } }', { key })).status).toBe(200);
    const first = (await keys.list())[0]?.lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    expect((await post('{ hubs { id } }', { key })).status).toBe(200);
    expect((await keys.list())[0]?.lastUsedAt).toEqual(first);
  });
});

describe('requestCrawl', () => {
  it('queues a crawl-start job and returns the new run; a second request joins it', async () => {
    const key = await newKey(['crawl']);
    const response = await post<RequestCrawlData>(REQUEST_CRAWL, { key, variables: { input: { hub: 'huggingface' } } });
    expect(response.body.errors).toBeUndefined();
    expect(response.headers.get('cache-control')).toBe('no-store');
    const payload = response.body.data!.requestCrawl;
    expect(payload).toMatchObject({
      run: { hub: 'huggingface', mode: 'INCREMENTAL', status: 'RUNNING', trigger: 'API', pages: 0, finishedAt: null },
      joined: false,
      job: { queue: 'crawl-huggingface', name: 'crawl-start', state: 'PRIORITIZED' },
      errors: [],
    });
    const run = await db.prisma.crawlRun.findUniqueOrThrow({ where: { id: BigInt(payload.run!.id) } });
    expect(run).toMatchObject({ hubId: 'huggingface', mode: 'INCREMENTAL', trigger: 'API', status: 'RUNNING' });
    expect(new Date(payload.run!.startedAt)).toEqual(run.startedAt);

    const jobs = await jobsOf(queues[0]!);
    expect(jobs.map((job) => ({ id: job.id, name: job.name, data: job.data as unknown }))).toEqual([
      { id: payload.job!.id, name: 'crawl-start', data: { hubId: 'huggingface', mode: 'INCREMENTAL', trigger: 'API' } },
    ]);

    const again = (await post<RequestCrawlData>(REQUEST_CRAWL, { key, variables: { input: { hub: 'huggingface' } } }))
      .body.data!.requestCrawl;
    expect(again).toMatchObject({ run: { id: payload.run!.id }, joined: true });
    expect(await db.prisma.crawlRun.count()).toBe(1);
  });

  it('starts a full sweep as its own run', async () => {
    const key = await newKey(['crawl']);
    await post(REQUEST_CRAWL, { key, variables: { input: { hub: 'huggingface' } } });
    const full = (
      await post<RequestCrawlData>(REQUEST_CRAWL, { key, variables: { input: { hub: 'huggingface', full: true } } })
    ).body.data!.requestCrawl;
    expect(full).toMatchObject({ run: { mode: 'FULL' }, joined: false, errors: [] });
    const data = (await jobsOf(queues[0]!)).map((job) => job.data as { mode: string });
    expect(data.map((d) => d.mode).sort()).toEqual(['FULL', 'INCREMENTAL']);
  });

  it('concurrent requests share one run', async () => {
    const key = await newKey(['crawl']);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        post<RequestCrawlData>(REQUEST_CRAWL, { key, variables: { input: { hub: 'huggingface' } } }),
      ),
    );
    const runIds = new Set(answers.map((answer) => answer.body.data?.requestCrawl.run?.id));
    expect(runIds.size).toBe(1);
    expect(answers.filter((answer) => answer.body.data?.requestCrawl.joined === false)).toHaveLength(1);
    expect(await db.prisma.crawlRun.count()).toBe(1);
  });

  it('returns a typed error for a hub the catalog does not know, and queues nothing', async () => {
    const key = await newKey(['crawl']);
    const payload = (await post<RequestCrawlData>(REQUEST_CRAWL, { key, variables: { input: { hub: 'kaggle' } } })).body
      .data!.requestCrawl;
    expect(payload).toEqual({
      run: null,
      joined: false,
      job: null,
      errors: [
        { code: 'UNKNOWN_HUB', field: ['input', 'hub'], message: expect.stringContaining('huggingface') as unknown },
      ],
    });
    expect(await jobsOf(queues[0]!)).toHaveLength(0);
    expect(await db.prisma.crawlRun.count()).toBe(0);
  });

  it('returns a typed error for a hub the catalog knows but does not crawl', async () => {
    await db.prisma.hub.create({
      data: { id: 'mot', name: 'Model Openness Tool', kind: 'REFERENCE', baseUrl: 'https://mot.isitopen.ai' },
    });
    const key = await newKey(['crawl']);
    const payload = (await post<RequestCrawlData>(REQUEST_CRAWL, { key, variables: { input: { hub: 'mot' } } })).body
      .data!.requestCrawl;
    expect(payload.errors).toEqual([
      { code: 'HUB_NOT_CRAWLABLE', field: ['input', 'hub'], message: 'The catalog does not crawl hub "mot".' },
    ]);
    expect(payload.run).toBeNull();
    expect(await jobsOf(queues[0]!)).toHaveLength(0);
  });
});

describe('reclassify', () => {
  it('queues the reclassification under the current rules version, and a second request joins it', async () => {
    await new IngestRepository(db.pool).ingestPage([buildCatalogModel('org/old-rules')]);
    const key = await newKey(['reclassify']);
    const response = await post<{ reclassify: Record<string, unknown> }>(RECLASSIFY, { key });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.reclassify).toEqual({
      rulesVersion: RULES_VERSION,
      pendingModels: 1,
      job: { id: `reclassify__${RULES_VERSION}__start`, queue: 'system', name: 'reclassify', state: 'WAITING' },
      errors: [],
    });
    const jobs = await jobsOf(queues[1]!);
    expect(jobs.map((job) => ({ name: job.name, data: job.data as unknown }))).toEqual([
      { name: 'reclassify', data: { rulesVersion: RULES_VERSION, after: '' } },
    ]);
    await post(RECLASSIFY, { key });
    expect(await jobsOf(queues[1]!)).toHaveLength(1);
  });
});
