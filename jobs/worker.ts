/**
 * The worker process: BullMQ workers for every queue, recurring jobs registered idempotently.
 * Workers use the blocking worker connection; schedulers and enqueues use the producer connection.
 */
import type { Redis } from 'ioredis';
import { loadConfigOrExit } from '../src/config/config.js';
import { createDatabase, pingDatabase } from '../src/db/database.js';
import { waitForDependencies } from '../src/lib/dependencies.js';
import { Lifecycle } from '../src/lib/lifecycle.js';
import { captureProcessOutput, createLogger } from '../src/lib/logger.js';
import { startMetricsServer } from '../src/lib/metrics.js';
import { WorkerMetrics } from '../src/lib/metrics-worker.js';
import { retryWithBackoff } from '../src/lib/retry.js';
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
import { createChangeLogMaintenance, registerChangeLogMaintenance } from './change-log.jobs.js';
import { resumeRunningCrawls } from './crawl.jobs.js';
import { startReclassificationIfNeeded } from './reclassify.jobs.js';
import { registerCrawlSchedules } from './schedules.js';
import { checkRegistry, startWorkers } from './registry.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'worker');
// Every line on stdout and stderr is JSON from here on, whatever a library (BullMQ) prints.
captureProcessOutput(logger);
const lifecycle = new Lifecycle(logger, config.shutdownTimeoutMs);
lifecycle.installSignalHandlers();
lifecycle.installFaultHandlers();

const db = createDatabase(config, logger);
lifecycle.onShutdown('postgres', () => db.close());
const workerRedis = createRedis(config.redis.url, 'worker', logger);
// Webhook dispatch listens to change announcements on a connection of its own (subscribing takes it over).
const subscriberRedis = createRedis(config.redis.url, 'worker', logger);
lifecycle.onShutdown('redis (workers)', () => Promise.all([closeRedis(workerRedis), closeRedis(subscriberRedis)]));
const producerRedis = createRedis(config.redis.url, 'producer', logger);
lifecycle.onShutdown('redis (producers)', () => closeRedis(producerRedis));

/** Call `returned` each time `redis` is ready again after losing its connection. */
function onRedisReturn(redis: Redis, returned: () => void): void {
  let lost = false;
  redis.on('close', () => (lost = true));
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    returned();
  });
}
let restoring: Promise<void> | null = null;

await lifecycle.run(async () => {
  // This process's metrics on WORKER_METRICS_PORT (README: "Operations: metrics and queues"), from
  // the start, so a worker waiting for its dependencies can be scraped too; closed last.
  const { metrics: metricsConfig } = config.monitoring;
  const metrics =
    metricsConfig.enabled && metricsConfig.workerPort > 0
      ? new WorkerMetrics([{ name: 'primary', stats: db.pool }])
      : undefined;
  if (metrics) {
    const server = await startMetricsServer({
      registries: metrics.registries,
      settings: metricsConfig,
      host: config.http.host,
      port: metricsConfig.workerPort,
      logger,
    });
    lifecycle.onShutdown('metrics', () => server.close());
    logger.info({ port: server.port }, 'worker metrics listening');
  }
  const producer = new QueueProducer(producerRedis, config.redis.queuePrefix, logger);
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
    metrics,
    changeLogMaintenance: createChangeLogMaintenance(db.pool, config.changeLog, logger),
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

  /**
   * What this worker keeps in Redis: the recurring schedules and the next page of each running
   * crawl. At start, and again whenever Redis returns (a restarted Redis may have lost it all).
   * Idempotent: every worker upserts the same scheduler ids, and page jobs have natural-key ids.
   */
  const restoreQueues = async () => {
    await producer
      .queue(heartbeatJob.queue)
      .upsertJobScheduler(
        HEARTBEAT_SCHEDULER_ID,
        { every: HEARTBEAT_EVERY_MS },
        { name: heartbeatJob.name, data: {}, opts: heartbeatJob.options ?? {} },
      );
    await registerCrawlSchedules(producer, config, logger);
    await registerChangeLogMaintenance(producer, logger);
    await resumeRunningCrawls(crawl, producer, logger);
  };
  await restoreQueues();
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
  // Wait and run time of every job, by queue and job name (the contracts' names only).
  for (const worker of workers) {
    const names = bound.filter((entry) => entry.contract.queue === worker.name).map((entry) => entry.contract.name);
    metrics?.observe(worker, new Set(names));
  }
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
  onRedisReturn(producerRedis, () => {
    dispatcher.requeueAfterOutage();
    restoring ??= retryWithBackoff(restoreQueues, {
      what: 'restoring schedules after Redis returned',
      logger,
      initialDelayMs: 500,
      maxDelayMs: 5_000,
      signal: lifecycle.signal,
    })
      .then(() => logger.info('schedules and running crawls restored after Redis returned'))
      .catch((error: unknown) => {
        if (!lifecycle.signal.aborted) logger.error({ err: error }, 'could not restore schedules');
      })
      .finally(() => (restoring = null));
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  logger.info({ queues: workers.map((worker) => worker.name), concurrency: config.worker.concurrency }, 'worker ready');
});
