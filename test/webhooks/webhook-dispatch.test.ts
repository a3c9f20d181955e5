/**
 * Dispatch is crash-safe and single: a crash before the commit creates no delivery and moves no
 * cursor; a restart reads the same rows again and creates each delivery once; deliveries whose
 * jobs were never queued are queued at start, once; two dispatchers (two worker processes) racing
 * over the same log create every (webhook, change) pair exactly once. No BullMQ worker runs here,
 * so the queued jobs can be counted.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ApiKeyPrincipal } from '../../src/auth/authenticator.js';
import { webhookDeliveryJob } from '../../src/queue/contracts.js';
import { QueueProducer } from '../../src/queue/producer.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { WebhookService } from '../../src/webhooks/webhook.service.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { silentLogger, useTestDatabase } from '../helpers/database.js';
import { ChangeWriter, seedOwner, webhookConfig } from './harness.js';

const db = useTestDatabase();
const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
afterAll(() => redis.quit());

let prefix: string;
let producer: QueueProducer;
let queue: Queue;
let writer: ChangeWriter;
let owner: ApiKeyPrincipal;
const config = webhookConfig();

beforeEach(async () => {
  prefix = `test-${randomBytes(4).toString('hex')}`;
  producer = new QueueProducer(redis, prefix);
  queue = new Queue(webhookDeliveryJob.queue, { connection: redis, prefix });
  writer = new ChangeWriter(db, redis, prefix);
  owner = (await seedOwner(db)).principal;
});
afterEach(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await producer.close();
});

const webhookQueue = () => new WebhookQueue(producer, config);
const dispatcher = (options: { batchSize?: number; beforeCommit?: () => Promise<void>; queue?: WebhookQueue } = {}) =>
  new WebhookDispatcher({
    pool: db.pool,
    queue: options.queue ?? webhookQueue(),
    logger: silentLogger,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}),
  });
const service = () =>
  new WebhookService({ prisma: db.prisma, pool: db.pool, config, queue: webhookQueue(), logger: silentLogger });

async function createWebhook(filter: unknown = {}) {
  const result = await service().create(owner, { url: 'http://127.0.0.1:9/hook', filter });
  expect(result.errors).toEqual([]);
  return result.webhook!;
}

const cursor = async () =>
  (await db.pool.query<{ last: string }>('SELECT last_change_id::text AS last FROM webhook_dispatch_cursor')).rows[0]
    ?.last;
const deliveries = () =>
  db.prisma.webhookDelivery.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, webhookId: true, changeIds: true },
  });
const jobIds = async () =>
  (await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized'])).map((job) => job.id).sort();

describe('webhook dispatch', () => {
  it('creates nothing and keeps its cursor when it crashes before the commit; the restart creates each delivery once', async () => {
    const hook = await createWebhook();
    const committed = await writer.write([buildCatalogModel('org/a'), buildCatalogModel('org/b')]);
    const before = await cursor();

    const crashing = dispatcher({
      beforeCommit: () => Promise.reject(new Error('killed just before COMMIT')),
    });
    await expect(crashing.dispatchBatch()).rejects.toThrow('killed just before COMMIT');
    expect(await deliveries()).toEqual([]);
    expect(await cursor()).toBe(before);
    expect(await jobIds()).toEqual([]);

    const restarted = dispatcher();
    await restarted.wake();
    await restarted.wake();
    await dispatcher().wake();
    const rows = await deliveries();
    // (The rolled-back attempt used up a sequence value: ids are unique, not gapless.)
    expect(rows).toEqual([
      { id: expect.any(BigInt) as unknown, webhookId: hook.id, changeIds: committed.map((c) => BigInt(c.id)) },
    ]);
    expect(await cursor()).toBe(committed.at(-1)!.id);
    expect(await jobIds()).toEqual([`delivery__${rows[0]!.id}`]);
  });

  it('queues at start the deliveries whose jobs were lost after the commit, each once', async () => {
    await createWebhook();
    const redisDown = new WebhookQueue(producer, config);
    redisDown.enqueue = () => Promise.reject(new Error('Redis is down'));
    await writer.write([buildCatalogModel('org/a')]);
    await dispatcher({ queue: redisDown }).wake();
    await writer.write([buildCatalogModel('org/b')]);
    await dispatcher({ queue: redisDown }).wake();
    expect((await deliveries()).map((d) => d.id)).toEqual([1n, 2n]);
    expect(await jobIds()).toEqual([]);

    // The worker restarts: pending deliveries are queued; a second start (another worker) adds nothing.
    expect(await dispatcher().requeuePending()).toBe(2);
    expect(await dispatcher().requeuePending()).toBe(2);
    expect(await jobIds()).toEqual(['delivery__1', 'delivery__2']);
    await dispatcher().wake();
    expect(await deliveries()).toHaveLength(2);
  });

  it('never delivers a change to a webhook twice, or skips one, with two dispatchers racing over concurrent writes', async () => {
    const hooks = await Promise.all([
      createWebhook(),
      createWebhook({ authors: ['even'] }),
      createWebhook({ kinds: ['UPDATED', 'LICENSE_CHANGED'] }),
    ]);
    const first = dispatcher({ batchSize: 7 });
    const second = dispatcher({ batchSize: 7 });
    let writing = true;
    const wakers = [first, second].map(async (d) => {
      while (writing) {
        await d.wake();
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      }
    });
    const written = (
      await Promise.all(
        Array.from({ length: 12 }, async (_, page) => {
          const author = page % 2 === 0 ? 'even' : 'odd';
          const created = await writer.write(
            Array.from({ length: 5 }, (_, i) => buildCatalogModel(`${author}/m-${page}-${i}`)),
          );
          const updated = await writer.write([
            buildCatalogModel(`${author}/m-${page}-0`, { downloads: 999, likes: 7, tags: ['new'] }),
          ]);
          return [...created, ...updated].map((change) => ({ ...change, author }));
        }),
      )
    ).flat();
    writing = false;
    await Promise.all(wakers);
    await first.wake();
    await second.wake();

    const expected = [
      written.map((c) => c.id),
      written.filter((c) => c.author === 'even').map((c) => c.id),
      written.filter((c) => c.kind === 'UPDATED' || c.kind === 'LICENSE_CHANGED').map((c) => c.id),
    ].map((ids) => ids.map(BigInt).sort((a, b) => (a < b ? -1 : 1)));
    expect(expected[2]!.length).toBeGreaterThan(0);
    const rows = await deliveries();
    const delivered = hooks.map((hook) =>
      rows
        .filter((row) => row.webhookId === hook.id)
        .flatMap((row) => row.changeIds)
        .sort((a, b) => (a < b ? -1 : 1)),
    );
    expect(delivered).toEqual(expected);
    expect(await jobIds()).toHaveLength(rows.length);
  });

  it('starts a new webhook at the log head: changes committed before it was created are not delivered', async () => {
    await writer.write([buildCatalogModel('org/old')]);
    await dispatcher().wake();
    await writer.write([buildCatalogModel('org/older-but-undispatched')]);
    const hook = await createWebhook();
    const [fresh] = await writer.write([buildCatalogModel('org/new')]);
    await dispatcher().wake();
    expect(await deliveries()).toEqual([{ id: 1n, webhookId: hook.id, changeIds: [BigInt(fresh!.id)] }]);
  });

  it('ignores the webhooks of a revoked API key', async () => {
    await createWebhook();
    await db.prisma.apiKey.update({ where: { id: BigInt(owner.id) }, data: { revokedAt: new Date() } });
    await writer.write([buildCatalogModel('org/a')]);
    await dispatcher().wake();
    expect(await deliveries()).toEqual([]);
  });

  it('records deliveries of a disabled webhook without queueing them', async () => {
    const hook = await createWebhook();
    await db.prisma.webhook.update({ where: { id: hook.id }, data: { enabled: false } });
    await writer.write([buildCatalogModel('org/a')]);
    await dispatcher().wake();
    expect(await deliveries()).toHaveLength(1);
    expect(await jobIds()).toEqual([]);
    expect(await dispatcher().requeuePending()).toBe(0);
  });
});
