/**
 * The worker process: BullMQ workers for every queue, recurring jobs registered idempotently.
 * Workers use the blocking worker connection; schedulers and enqueues use the producer connection.
 */
import { loadConfigOrExit } from '../src/config/config.js';
import { createDatabase, pingDatabase } from '../src/db/database.js';
import { waitForDependencies } from '../src/lib/dependencies.js';
import { Lifecycle } from '../src/lib/lifecycle.js';
import { createLogger } from '../src/lib/logger.js';
import {
  HEARTBEAT_EVERY_MS,
  HEARTBEAT_SCHEDULER_ID,
  heartbeatJob,
  JOB_CONTRACTS,
  webhookDeliveryJob,
} from '../src/queue/contracts.js';
import { QueueProducer } from '../src/queue/producer.js';
import { closeRedis, createRedis, pingRedis } from '../src/queue/redis.js';
import { createCrawlRuntime } from '../src/crawl/crawl.runtime.js';
import { WebhookDeliveryService } from '../src/webhooks/webhook-delivery.service.js';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher.js';
import { WebhookQueue } from '../src/webhooks/webhook-queue.js';
import { workerJobs } from './all.jobs.js';
import { resumeRunningCrawls } from './crawl.jobs.js';
import { startReclassificationIfNeeded } from './reclassify.jobs.js';
import { registerCrawlSchedules } from './schedules.js';
import { checkRegistry, startWorkers } from './registry.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
const lifecycle = new Lifecycle(logger, config.shutdownTimeoutMs);
lifecycle.installSignalHandlers();

const db = createDatabase(config, logger);
lifecycle.onShutdown('postgres', () => db.close());
const workerRedis = createRedis(config.redis.url, 'worker', logger);
// Webhook dispatch listens to change announcements on a connection of its own (subscribing takes it over).
const subscriberRedis = createRedis(config.redis.url, 'worker', logger);
lifecycle.onShutdown('redis (workers)', () => Promise.all([closeRedis(workerRedis), closeRedis(subscriberRedis)]));
const producerRedis = createRedis(config.redis.url, 'producer', logger);
lifecycle.onShutdown('redis (producers)', () => closeRedis(producerRedis));

await lifecycle.run(async () => {
  const producer = new QueueProducer(producerRedis, config.redis.queuePrefix);
  lifecycle.onShutdown('queues', () => producer.close());
  const { crawl, reclassify } = createCrawlRuntime({ config, db, redis: producerRedis, logger });
  const webhookDeliveries = new WebhookDeliveryService({ pool: db.pool, config: config.webhooks, logger });
  const bound = workerJobs({
    redis: producerRedis,
    prefix: config.redis.queuePrefix,
    crawl,
    reclassify,
    producer,
    logger,
    webhookDeliveries,
  });
  checkRegistry(JOB_CONTRACTS, bound);

  await waitForDependencies({
    probe: async () => {
      const down: Record<string, string> = {};
      await Promise.all([
        pingDatabase(db.pool).catch((error: Error) => (down['postgres'] = error.message)),
        pingRedis(producerRedis).catch((error: Error) => (down['redis'] = error.message)),
      ]);
      return down;
    },
    logger,
    signal: lifecycle.signal,
  });

  // Idempotent: every worker start upserts the same scheduler id, so there is one schedule.
  await producer
    .queue(heartbeatJob.queue)
    .upsertJobScheduler(
      HEARTBEAT_SCHEDULER_ID,
      { every: HEARTBEAT_EVERY_MS },
      { name: heartbeatJob.name, data: {}, opts: heartbeatJob.options ?? {} },
    );

  await registerCrawlSchedules(producer, config.crawl, logger);
  await resumeRunningCrawls(crawl, producer, logger);
  await startReclassificationIfNeeded(reclassify, producer, logger);

  const workerOptions = {
    connection: workerRedis,
    prefix: config.redis.queuePrefix,
    lockMs: config.worker.lockMs,
    stalledCheckMs: config.worker.stalledCheckMs,
    logger,
  };
  const isWebhook = (entry: (typeof bound)[number]) => entry.contract.queue === webhookDeliveryJob.queue;
  const workers = [
    ...startWorkers({
      ...workerOptions,
      bound: bound.filter((entry) => !isWebhook(entry)),
      concurrency: config.worker.concurrency,
    }),
    // Deliveries wait on other people's servers: a concurrency of their own.
    ...startWorkers({ ...workerOptions, bound: bound.filter(isWebhook), concurrency: config.webhooks.concurrency }),
  ];
  const dispatcher = new WebhookDispatcher({
    pool: db.pool,
    queue: new WebhookQueue(producer, config.webhooks),
    logger,
  });
  lifecycle.onShutdown('workers', () => {
    // Webhook attempts in flight end now (recorded, retried later) instead of holding the shutdown.
    webhookDeliveries.stop();
    return Promise.all([dispatcher.stop(), ...workers.map((worker) => worker.close())]);
  });
  await dispatcher.start({
    subscriber: subscriberRedis,
    prefix: config.redis.queuePrefix,
    everyMs: config.webhooks.dispatchEveryMs,
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  logger.info({ queues: workers.map((worker) => worker.name), concurrency: config.worker.concurrency }, 'worker ready');
});
