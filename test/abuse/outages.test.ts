/**
 * Faults: Postgres or Redis stops under the running API and worker (the real entry points, on
 * private servers this file stops and restarts; the machine's shared ones are never touched).
 * Promised: clients get a stable code and the request id, never a host, port, SQL, stack or
 * driver text; every line the processes write is JSON; once the dependency is back, changes reach
 * subscribers and webhooks within seconds, each exactly once.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import { freePort } from '../bench/child-server.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { HUB_IDS } from '../../src/config/hubs.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { RULES_VERSION } from '../../src/openness/rules-version.js';
import { webhookDeliveryJob } from '../../src/queue/contracts.js';
import { QueueProducer } from '../../src/queue/producer.js';
import { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { WebhookService } from '../../src/webhooks/webhook.service.js';
import { buildCatalogModel, buildOpenness } from '../helpers/catalog-models.js';
import { silentLogger, useTestDatabase } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { PrivatePostgres } from '../helpers/postgres-server.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';
import { PrivateRedis } from '../helpers/redis-server.js';
import { subscribe, type TestSubscriber } from '../helpers/subscriptions.js';
import { ChangeWriter, seedOwner, webhookConfig } from '../webhooks/harness.js';
import { Receiver } from '../webhooks/receiver.js';

/** `{ hubs { id } }` once seeded: every hub of this build, by id. */
const ALL_HUBS = [...HUB_IDS].sort().map((id) => ({ id }));

const db = useTestDatabase();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
});

/** After the dependency returns, changes must arrive within this (measured from its return). */
const RESUME_BOUND_MS = 10_000;
/** No request waits for a dependency to return: each is answered (or refused) within this. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Waits for things that must happen are generous (a loaded 2-core machine); the bound above is asserted. */
const WAIT_MS = 60_000;

const model = (repoId: string) =>
  buildCatalogModel(repoId, { openness: buildOpenness({ rulesVersion: RULES_VERSION }) });

function started(process: RunningProcess): RunningProcess {
  cleanup.push(() => process.stop('SIGKILL'));
  return process;
}

async function startApiProcess(env: Record<string, string>): Promise<{ api: RunningProcess; url: string }> {
  const port = await freePort();
  const api = started(startProcess('src/main.ts', { ...env, NODE_ENV: 'production', PORT: String(port) }));
  await api.waitForLog((line) => line.msg === 'API listening', WAIT_MS);
  const url = `http://127.0.0.1:${port}`;
  await expectEventually(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), WAIT_MS, 200);
  return { api, url };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
    // An outage must not hold a request: it fails fast (or succeeds), well within this.
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Answer['body'] };
}

/**
 * Nothing of the driver reaches the client: no host, port, error code, driver or library name,
 * SQL, or stack frame. (The request id is random hex: it is taken out before looking for the port.)
 */
function expectNoInternals(text: string, port: number): void {
  const scrubbed = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
  for (const leak of [
    '127.0.0.1',
    'localhost',
    String(port),
    'ECONNREFUSED',
    'ECONNRESET',
    'connect ',
    'prisma',
    'ioredis',
    "Stream isn't writeable",
    'enableOfflineQueue',
    'max retries',
    'Connection is closed',
    'terminating connection',
    'SELECT',
    'stacktrace',
    'node_modules',
    '.ts:',
    '.js:',
  ]) {
    expect(scrubbed.toLowerCase(), `leaks ${JSON.stringify(leak)}: ${text}`).not.toContain(leak.toLowerCase());
  }
}

/** A client-visible unexpected error: the stable code, a short message, the request id of the response. */
function expectUnavailable(answer: Answer, port: number): string {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  const requestId = answer.headers.get('x-request-id');
  expect(requestId).toBeTruthy();
  expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId });
  expect(answer.body.errors?.[0]?.message.length).toBeLessThan(200);
  expectNoInternals(answer.text, port);
  return requestId!;
}

/** Every line the process wrote, on stdout and on stderr, is a JSON object. */
function expectOnlyJsonLines(process: RunningProcess, name: string): void {
  expect(process.notJson, `${name} stdout lines that are not JSON`).toEqual([]);
  const stderrLines = process.stderr.split('\n').filter((line) => line.trim() !== '');
  const notJson = stderrLines.filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });
  expect(notJson, `${name} stderr lines that are not JSON`).toEqual([]);
}

/** Resolves with the time at which `condition` first held (polled every 25 ms). */
async function whenTrue(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  await expectEventually(
    () => {
      if (!condition()) throw new Error(`not yet: ${what}`);
    },
    timeoutMs,
    25,
  );
  return Date.now();
}

/** A private, migrated Postgres with the hubs, removed after the test; `db` is closed with it. */
async function privatePostgres(): Promise<{ postgres: PrivatePostgres; databaseUrl: string; db: Database }> {
  const postgres = await PrivatePostgres.start();
  cleanup.push(() => postgres.destroy());
  const databaseUrl = postgres.url('catalog');
  await migrate({ databaseUrl, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
  const privateDb = createDatabase({ database: { url: databaseUrl, poolSize: 2 } }, silentLogger);
  cleanup.push(() => privateDb.close());
  await new HubRepository(privateDb.prisma).upsertAll(knownHubs(loadConfig({})));
  return { postgres, databaseUrl, db: privateDb };
}

/** A connection of the test's own (on the shared Redis unless told), closed after the test. */
function testConnection(url: string = inject('redisUrl')): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  cleanup.push(() => Promise.resolve(redis.disconnect()));
  return redis;
}

describe('Postgres stopped', () => {
  it(
    'under the API: a GraphQL query, an API-key lookup, /readyz, the Atom feed and a subscription get a stable ' +
      'code and no host, port, ECONNREFUSED, SQL or stack; the log has the details under the same request id, ' +
      'every line is JSON, and queries are answered again once Postgres is back',
    async () => {
      const { postgres, databaseUrl, db: privateDb } = await privatePostgres();
      const { key } = await new ApiKeyRepository(privateDb.prisma).create({ name: 'outage', scopes: ['crawl'] });
      // Changes already in the log: a subscription from the start of it must read Postgres.
      await new ChangeWriter(privateDb, testConnection(), 'test-outage-unheard').write([model('org/logged')]);

      const { api, url } = await startApiProcess({
        DATABASE_URL: databaseUrl,
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: `test-outage-${randomBytes(4).toString('hex')}`,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      });
      expect((await post(url, '{ hubs { id } }')).body).toEqual({ data: { hubs: ALL_HUBS } });

      await postgres.stop();

      // Raw SQL (the catalog read repository) and Prisma (hubs): the same answer.
      const models = await post(url, '{ models(first: 2) { nodes { id } } }');
      const modelsRequest = expectUnavailable(models, postgres.port);
      expectUnavailable(await post(url, '{ hubs { id } }'), postgres.port);
      // The API-key lookup in front of /graphql.
      expectUnavailable(await post(url, '{ hubs { id } }', { authorization: `Bearer ${key}` }), postgres.port);

      const readyz = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const readyzText = await readyz.text();
      expect(readyz.status).toBe(503);
      expect(JSON.parse(readyzText)).toMatchObject({ checks: { postgres: { ok: false, error: 'unreachable' } } });
      expectNoInternals(readyzText, postgres.port);

      const feed = await fetch(`${url}/feeds/changes.atom`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      expectUnavailable(
        {
          status: feed.status,
          headers: feed.headers,
          text: await feed.clone().text(),
          body: (await feed.json()) as never,
        },
        postgres.port,
      );

      // A subscription that must read the log to catch up.
      const subscriber = subscribe(url, { after: '0' });
      cleanup.push(() => subscriber.close());
      const failure = await subscriber.waitForError(WAIT_MS);
      expectNoInternals(
        JSON.stringify(failure) + JSON.stringify((failure as { reason?: unknown }).reason ?? ''),
        postgres.port,
      );

      // The details are in the log, on a line with the request id the client was given.
      const detail = await api.waitForLog(
        (line) => line['requestId'] === modelsRequest && JSON.stringify(line['err'] ?? '').includes('ECONNREFUSED'),
        WAIT_MS,
      );
      expect(detail.level).toBeGreaterThanOrEqual(40);

      await postgres.start();
      const back = Date.now();
      await expectEventually(
        async () => expect((await post(url, '{ hubs { id } }')).body).toEqual({ data: { hubs: ALL_HUBS } }),
        WAIT_MS,
        100,
      );
      expect(Date.now() - back).toBeLessThan(RESUME_BOUND_MS);

      expect((await api.stop('SIGTERM')).code).toBe(0);
      expectOnlyJsonLines(api, 'API');
    },
    180_000,
  );
  it(
    'under the worker: a webhook retry that falls in the outage uses up no attempt, and the delivery arrives ' +
      `within ${RESUME_BOUND_MS / 1000} s of Postgres returning, once; every line of the worker is JSON`,
    async () => {
      const { postgres, databaseUrl, db: privateDb } = await privatePostgres();
      const redis = testConnection();
      const prefix = `test-outage-${randomBytes(4).toString('hex')}`;
      const { record } = await new ApiKeyRepository(privateDb.prisma).create({ name: 'hooks', scopes: ['webhooks'] });
      const owner = {
        id: record.id.toString(),
        name: record.name,
        prefix: record.prefix,
        scopes: ['webhooks' as const],
      };
      // The first attempt fails (500): its retry, 5 s later, comes while Postgres is down.
      const receiver = await Receiver.start((_request, index) => ({ status: index === 0 ? 500 : 200 }));
      cleanup.push(() => receiver.stop());
      const config = webhookConfig({ WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '5000' });
      const webhooks = new WebhookService({
        prisma: privateDb.prisma,
        pool: privateDb.pool,
        config,
        queue: new WebhookQueue(new QueueProducer(redis, prefix), config),
        logger: silentLogger,
      });
      expect((await webhooks.create(owner, { url: receiver.url(), filter: {} })).errors).toEqual([]);

      const worker = started(
        startProcess('jobs/worker.ts', {
          DATABASE_URL: databaseUrl,
          REDIS_URL: inject('redisUrl'),
          QUEUE_PREFIX: prefix,
          NODE_ENV: 'test',
          LOG_LEVEL: 'info',
          CRAWL_SCHEDULE: 'off',
          HF_ENDPOINT: 'http://127.0.0.1:9',
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback',
          WEBHOOK_ATTEMPTS: '3',
          WEBHOOK_BACKOFF_MS: '5000',
        }),
      );
      cleanup.push(async () => {
        const queue = new Queue(webhookDeliveryJob.queue, { connection: redis, prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      });
      await worker.waitForLog((line) => line.msg === 'worker ready', WAIT_MS);

      const [change] = await new ChangeWriter(privateDb, redis, prefix).write([model('org/hooked')]);
      // The failed attempt is on record: then Postgres goes.
      await expectEventually(
        async () => {
          const { rows } = await privateDb.pool.query<{ attempts: number }>('SELECT attempts FROM webhook_deliveries');
          expect(rows).toEqual([{ attempts: 1 }]);
        },
        WAIT_MS,
        25,
      );
      await postgres.stop();
      await worker.waitForLog(
        (line) => line.msg === 'webhook delivery postponed: a dependency is unavailable',
        WAIT_MS,
      );

      await postgres.start();
      const back = Date.now();
      const delivered = await whenTrue(() => receiver.requests.length >= 2, WAIT_MS, 'the second attempt');
      expect(delivered - back, 'delivery, ms after Postgres returned').toBeLessThan(RESUME_BOUND_MS);
      await expectEventually(
        async () => {
          const { rows } = await privateDb.pool.query<{ status: string; attempts: number }>(
            'SELECT status, attempts FROM webhook_deliveries',
          );
          expect(rows).toEqual([{ status: 'DELIVERED', attempts: 2 }]);
        },
        WAIT_MS,
        100,
      );

      // Nothing more comes: one failed attempt, one delivery, of the one change.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(receiver.requests.map((request) => changeIds(request.rawBody))).toEqual([[change!.id], [change!.id]]);
      expect(new Set(receiver.requests.map((request) => request.headers['x-catalog-delivery'])).size).toBe(1);
      expect((await worker.stop('SIGTERM')).code).toBe(0);
      expectOnlyJsonLines(worker, 'worker');
    },
    180_000,
  );
});

describe('Redis stopped under the API and the worker, then restarted', () => {
  it(
    'clients see no ioredis text and reads still work; every line of the API and the worker is JSON; a change ' +
      `committed during the outage and one after it reach a subscriber and a webhook within ${RESUME_BOUND_MS / 1000} s ` +
      'of Redis returning, each exactly once, and the worker puts back the schedules a restarted Redis lost',
    async () => {
      const redis = await PrivateRedis.start();
      cleanup.push(() => redis.stop());
      const prefix = `test-outage-${randomBytes(4).toString('hex')}`;
      const { principal } = await seedOwner(db);
      const { key } = await new ApiKeyRepository(db.prisma).create({ name: 'admin', scopes: ['reclassify'] });

      // The test's own connection: fails fast while Redis is down (announcements are best effort).
      const testRedis = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      testRedis.on('error', () => undefined);
      cleanup.push(() => Promise.resolve(testRedis.disconnect()));

      const receiver = await Receiver.start();
      cleanup.push(() => receiver.stop());
      const config = webhookConfig();
      const webhooks = new WebhookService({
        prisma: db.prisma,
        pool: db.pool,
        config,
        queue: new WebhookQueue(new QueueProducer(testRedis, prefix), config),
        logger: silentLogger,
      });
      const created = await webhooks.create(principal, { url: receiver.url(), filter: {} });
      expect(created.errors).toEqual([]);

      const env = {
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        CRAWL_SCHEDULE: 'off',
        HF_ENDPOINT: 'http://127.0.0.1:9',
      };
      // Default dispatch interval, retry backoff and change-stream polls: what production runs.
      // The worker is not in production mode only because the receiver is plain http on loopback.
      const worker = started(
        startProcess('jobs/worker.ts', { ...env, NODE_ENV: 'test', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback' }),
      );
      const { api, url } = await startApiProcess(env);
      await worker.waitForLog((line) => line.msg === 'worker ready', WAIT_MS);

      const writer = new ChangeWriter(db, testRedis, prefix);
      const subscriber: TestSubscriber = subscribe(url, { after: '0' });
      cleanup.push(() => subscriber.close());
      const [before] = await writer.write([model('org/before')]);
      await subscriber.waitFor(1, WAIT_MS);
      await whenTrue(() => receiver.requests.length === 1, WAIT_MS, 'the first delivery');

      await redis.stop();

      // Reads need no Redis (the rate limit is skipped while it is down).
      await expectEventually(async () => {
        const hubs = await post(url, '{ hubs { id } }');
        expect(hubs.status).toBe(200);
        expect(hubs.body.data).toEqual({ hubs: ALL_HUBS });
      }, WAIT_MS);
      // A mutation that queues a job cannot: a stable code, no ioredis text.
      expectUnavailable(
        await post(url, 'mutation { reclassify { pendingModels } }', { authorization: `Bearer ${key}` }),
        redis.port,
      );
      const readyz = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const readyzText = await readyz.text();
      expect(readyz.status).toBe(503);
      expect(JSON.parse(readyzText)).toMatchObject({ checks: { redis: { ok: false } } });
      expectNoInternals(readyzText, redis.port);

      // Committed while Redis is down: its announcement is lost, its webhook job cannot be queued.
      const [during] = await writer.write([model('org/during')]);
      // The worker's dispatcher records its delivery, and fails to queue it, before Redis returns.
      await worker.waitForLog((line) => line.msg === 'could not queue webhook deliveries; they stay pending', WAIT_MS);
      const { rows: recorded } = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM webhook_deliveries',
      );
      expect(recorded[0]?.n).toBe(2);

      await redis.start();
      const back = Date.now();
      const [after] = await writer.write([model('org/after')]);
      const expected = [before!.id, during!.id, after!.id];

      const subscribed = await whenTrue(
        () => subscriber.events.length >= 3,
        WAIT_MS,
        'three changes to the subscriber',
      );
      const delivered = await whenTrue(
        () => new Set(receiver.requests.flatMap((request) => changeIds(request.rawBody))).size >= 3,
        WAIT_MS,
        'three changes to the webhook',
      );
      expect(subscribed - back, 'subscriber, ms after Redis returned').toBeLessThan(RESUME_BOUND_MS);
      expect(delivered - back, 'webhook, ms after Redis returned').toBeLessThan(RESUME_BOUND_MS);

      // Nothing more comes: each change exactly once, to both.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(subscriber.errors).toEqual([]);
      expect(subscriber.events.map((event) => event.id)).toEqual(expected);
      expect(receiver.requests.flatMap((request) => changeIds(request.rawBody)).sort()).toEqual([...expected].sort());
      const deliveryIds = receiver.requests.map((request) => request.headers['x-catalog-delivery']);
      expect(new Set(deliveryIds).size).toBe(deliveryIds.length);
      // The restarted Redis came back empty: the worker put its recurring heartbeat and change-log
      // maintenance back, once each.
      const system = new Queue('system', { connection: testConnection(redis.url), prefix });
      await expectEventually(async () => expect(await system.getJobSchedulersCount()).toBe(2), WAIT_MS);
      await system.close();

      await subscriber.close();
      expect((await api.stop('SIGTERM')).code).toBe(0);
      expect((await worker.stop('SIGTERM')).code).toBe(0);
      expectOnlyJsonLines(api, 'API');
      expectOnlyJsonLines(worker, 'worker');
      // The outage was seen, and logged as JSON, by both.
      expect(worker.lines.some((line) => line.msg === 'Redis connection restored')).toBe(true);
      expect(api.lines.some((line) => line.msg === 'Redis connection restored')).toBe(true);
    },
    240_000,
  );
});

function changeIds(rawBody: string): string[] {
  return (JSON.parse(rawBody) as { changes: { id: string }[] }).changes.map((change) => change.id);
}
