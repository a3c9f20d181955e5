/**
 * The webhook pipeline in-process, as the worker runs it: the real dispatcher (woken by Redis
 * pub/sub), the real delivery job on a real BullMQ worker with its own queue prefix, the real API
 * service to create webhooks; changes come in through `IngestRepository.ingestPage` and
 * `RedisChangePublisher`, as the crawler writes them.
 */
import { randomBytes } from 'node:crypto';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { webhookJobs } from '../../jobs/webhook.jobs.js';
import { startWorkers } from '../../jobs/registry.js';
import { ApiKeyRepository } from '../../src/auth/api-key.repository.js';
import type { ApiKeyPrincipal } from '../../src/auth/authenticator.js';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { IngestRepository, type CommittedChange } from '../../src/catalog/ingest.repository.js';
import { loadConfig, type WebhookConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { RedisChangePublisher } from '../../src/events/redis-change-publisher.js';
import { webhookDeliveryJob } from '../../src/queue/contracts.js';
import { QueueProducer } from '../../src/queue/producer.js';
import type { AddressGuard } from '../../src/webhooks/ssrf.js';
import { WebhookDeliveryService } from '../../src/webhooks/webhook-delivery.service.js';
import { WebhookDispatcher, type WebhookDispatcherDeps } from '../../src/webhooks/webhook-dispatcher.js';
import { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { WebhookService } from '../../src/webhooks/webhook.service.js';
import { silentLogger } from '../helpers/database.js';

/** Webhook settings as the environment gives them (loopback allowed: receivers run on 127.0.0.1). */
export function webhookConfig(env: Record<string, string> = {}): WebhookConfig {
  return loadConfig({
    NODE_ENV: 'test',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'loopback',
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_ATTEMPTS: '4',
    WEBHOOK_BACKOFF_MS: '40',
    WEBHOOK_CONCURRENCY: '8',
    ...env,
  }).webhooks;
}

/** Hubs (models reference them) and an API key with the webhooks scope. */
export async function seedOwner(db: Database, name = 'hooks'): Promise<{ principal: ApiKeyPrincipal; key: string }> {
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({})));
  const { record, key } = await new ApiKeyRepository(db.prisma).create({ name, scopes: ['webhooks'] });
  return {
    key,
    principal: { id: record.id.toString(), name: record.name, prefix: record.prefix, scopes: ['webhooks'] },
  };
}

/** Commit a page as the crawler does, then announce its changes. */
export class ChangeWriter {
  private readonly ingest: IngestRepository;
  private readonly publisher: RedisChangePublisher;

  constructor(db: Database, redis: Redis, prefix: string) {
    this.ingest = new IngestRepository(db.pool);
    this.publisher = new RedisChangePublisher(redis, prefix, silentLogger);
  }

  async write(models: readonly CatalogModel[]): Promise<CommittedChange[]> {
    const result = await this.ingest.ingestPage(models);
    await this.publisher.publish(result!.changes);
    return [...result!.changes];
  }
}

export interface Pipeline {
  readonly prefix: string;
  readonly config: WebhookConfig;
  readonly service: WebhookService;
  readonly dispatcher: WebhookDispatcher;
  readonly deliveries: WebhookDeliveryService;
  readonly writer: ChangeWriter;
  readonly queue: Queue;
  stop(): Promise<void>;
}

export async function startPipeline(
  db: Database,
  options: {
    env?: Record<string, string>;
    dispatcher?: Partial<Pick<WebhookDispatcherDeps, 'batchSize'>>;
    guard?: AddressGuard;
    /** Start the BullMQ worker (default true). */
    worker?: boolean;
  } = {},
): Promise<Pipeline> {
  const redisUrl = inject('redisUrl');
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const config = webhookConfig(options.env);
  const producerRedis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const workerRedis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const producer = new QueueProducer(producerRedis, prefix);
  const webhookQueue = new WebhookQueue(producer, config);
  const service = new WebhookService({
    prisma: db.prisma,
    pool: db.pool,
    config,
    queue: webhookQueue,
    logger: silentLogger,
    ...(options.guard ? { guard: options.guard } : {}),
  });
  const deliveries = new WebhookDeliveryService({
    pool: db.pool,
    config,
    logger: silentLogger,
    ...(options.guard ? { guard: options.guard } : {}),
  });
  const dispatcher = new WebhookDispatcher({
    pool: db.pool,
    queue: webhookQueue,
    logger: silentLogger,
    ...options.dispatcher,
  });
  let workers: Worker[] = [];
  if (options.worker ?? true) {
    workers = startWorkers({
      bound: webhookJobs({ webhookDeliveries: deliveries, logger: silentLogger }),
      connection: workerRedis,
      prefix,
      concurrency: config.concurrency,
      logger: silentLogger,
    });
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  }
  await dispatcher.start({ subscriber, prefix, everyMs: 200 });
  const queue = new Queue(webhookDeliveryJob.queue, { connection: producerRedis, prefix });
  return {
    prefix,
    config,
    service,
    dispatcher,
    deliveries,
    writer: new ChangeWriter(db, producerRedis, prefix),
    queue,
    async stop() {
      await dispatcher.stop();
      await Promise.all(workers.map((worker) => worker.close(true)));
      await queue.obliterate({ force: true });
      await queue.close();
      await producer.close();
      for (const redis of [producerRedis, workerRedis, subscriber]) redis.disconnect();
    },
  };
}

/** Delivery rows of a webhook with their attempts, oldest first. */
export async function deliveriesOf(db: Database, webhookId: bigint) {
  return db.prisma.webhookDelivery.findMany({
    where: { webhookId },
    orderBy: { id: 'asc' },
    include: { attemptRecords: { orderBy: { id: 'asc' } } },
  });
}
