/**
 * Webhooks through the real worker process (jobs/worker.ts) and the real API: a webhook created
 * over GraphQL, changes committed and announced as the crawler does, a signed delivery retried
 * after a 500, the record read back over GraphQL; then the worker is killed (SIGKILL) and a new
 * one resumes from the dispatch cursor without sending anything twice.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { loadConfig } from '../../src/config/config.js';
import { webhookDeliveryJob } from '../../src/queue/contracts.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { RULES_VERSION } from '../../src/openness/rules-version.js';
import { buildCatalogModel, buildOpenness } from '../helpers/catalog-models.js';
import { useTestDatabase } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';
import { ChangeWriter } from './harness.js';
import { Receiver, type ReceivedRequest } from './receiver.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});
afterAll(() => redis.quit());

function startWorker(prefix: string): RunningProcess {
  const worker = startProcess('jobs/worker.ts', {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    CRAWL_SCHEDULE: 'off',
    HF_ENDPOINT: 'http://127.0.0.1:9',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback',
    WEBHOOK_BACKOFF_MS: '100',
    WEBHOOK_DISPATCH_EVERY_MS: '300',
  });
  // (A process killed by a signal has no exit code, only a signal code: stop() would wait for ever.)
  cleanup.push(async () => {
    if (worker.child.exitCode === null && worker.child.signalCode === null) await worker.stop('SIGKILL');
  });
  return worker;
}

async function graphql<T>(api: RunningApi, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

/** Classified under the current rules, so the worker has no reclassification (and its changes) to do. */
const model = (repoId: string) =>
  buildCatalogModel(repoId, { openness: buildOpenness({ rulesVersion: RULES_VERSION }) });

function verify(secret: string, request: ReceivedRequest): void {
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['x-catalog-signature'])) ?? [];
  expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${request.rawBody}`).digest('hex'));
}

describe('webhooks in the worker process', () => {
  it('delivers signed changes, retries a 500, and resumes after a kill -9 without sending twice', async () => {
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    cleanup.push(async () => {
      const queue = new Queue(webhookDeliveryJob.queue, { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    });
    await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({})));
    const api = await startApi({
      db,
      redisUrl: inject('redisUrl'),
      queuePrefix: prefix,
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback' },
    });
    cleanup.push(() => api.stop());
    const endpoint = await Receiver.start((_request, index) => ({ status: index === 0 ? 500 : 200 }));
    cleanup.push(() => endpoint.stop());
    const { key } = await new ApiKeyRepository(db.prisma).create({ name: 'hooks', scopes: ['webhooks'] });

    const created = await graphql<{ createWebhook: { webhook: { id: string }; secret: string } }>(
      api,
      key,
      `
        mutation ($url: String!) {
          createWebhook(input: { url: $url, filter: { authors: ["org"] } }) {
            webhook {
              id
            }
            secret
          }
        }
      `,
      { url: endpoint.url() },
    );
    const { secret } = created.createWebhook;
    const webhookId = created.createWebhook.webhook.id;

    const worker = startWorker(prefix);
    await worker.waitForLog((line) => line.msg === 'worker ready');
    const writer = new ChangeWriter(db, redis, prefix);
    const written = await writer.write([model('org/first'), model('elsewhere/skipped')]);
    const first = written.find((change) => change.modelId === 'huggingface:org/first');

    await expectEventually(() => expect(endpoint.requests).toHaveLength(2), 15_000);
    for (const request of endpoint.requests) verify(secret, request);
    expect(new Set(endpoint.requests.map((r) => r.headers['x-catalog-delivery'])).size).toBe(1);
    expect(
      (JSON.parse(endpoint.requests[1]!.rawBody) as { changes: { id: string }[] }).changes.map((c) => c.id),
    ).toEqual([first!.id]);

    type Deliveries = {
      webhookDeliveries: { nodes: { status: string; attemptCount: number; attempts: { statusCode: number }[] }[] };
    };
    const QUERY = `query($id: ID!) { webhookDeliveries(webhookId: $id) { nodes { status attemptCount attempts { statusCode } } } }`;
    await expectEventually(async () => {
      const page = await graphql<Deliveries>(api, key, QUERY, { id: webhookId });
      expect(page.webhookDeliveries.nodes).toEqual([
        { status: 'DELIVERED', attemptCount: 2, attempts: [{ statusCode: 500 }, { statusCode: 200 }] },
      ]);
    });

    // kill -9, a change committed while no worker runs, and a new worker.
    await worker.stop('SIGKILL');
    const [second] = await writer.write([model('org/second')]);
    const restarted = startWorker(prefix);
    await restarted.waitForLog((line) => line.msg === 'worker ready');
    await expectEventually(() => expect(endpoint.requests).toHaveLength(3), 15_000);
    const last = endpoint.requests[2]!;
    verify(secret, last);
    expect((JSON.parse(last.rawBody) as { changes: { id: string }[] }).changes.map((c) => c.id)).toEqual([second!.id]);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(endpoint.requests).toHaveLength(3);
    await expectEventually(async () => {
      const page = await graphql<Deliveries>(api, key, QUERY, { id: webhookId });
      expect(page.webhookDeliveries.nodes.map((n) => [n.status, n.attemptCount])).toEqual([
        ['DELIVERED', 1],
        ['DELIVERED', 2],
      ]);
    });

    const { code } = await restarted.stop('SIGTERM');
    expect(code).toBe(0);
    expect(restarted.lines.filter((line) => line.msg === 'closed').map((line) => line['step'])).toEqual([
      'workers',
      'queues',
      'redis (producers)',
      'redis (workers)',
      'postgres',
    ]);
  }, 120_000); // two worker start-ups through tsx: slow on a loaded machine
});
