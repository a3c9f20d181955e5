/**
 * Change-log maintenance (src/events/change-retention.ts): monthly partitions created ahead, and
 * whole months dropped past CHANGE_RETENTION_MONTHS unless a webhook still needs them. Hourly (a
 * run with nothing to do reads the catalog tables and a few index ends), and once at worker start.
 */
import type pg from 'pg';
import type { ChangeLogConfig } from '../src/config/config.js';
import { ChangePartitionRepository } from '../src/events/change-partitions.repository.js';
import { ChangeLogMaintenance } from '../src/events/change-retention.js';
import type { Logger } from '../src/lib/logger.js';
import { changeLogMaintenanceJob } from '../src/queue/contracts.js';
import type { QueueProducer } from '../src/queue/producer.js';
import { WebhookRepository } from '../src/webhooks/webhook.repository.js';
import { bindJob } from './registry.js';

export const CHANGE_LOG_MAINTENANCE_SCHEDULER_ID = 'change-log-maintenance';
/** Minute 7 of every hour, UTC: a month's partition exists hours (and, ahead, months) before it starts. */
export const CHANGE_LOG_MAINTENANCE_CRON = '7 * * * *';

/**
 * How long a partition's creation or drop waits for its locks before it gives up until the next run:
 * while it waits, readers of the change log queue behind it.
 */
export const CHANGE_LOG_LOCK_TIMEOUT_MS = 2_000;

/** The maintenance, with webhooks as the consumers whose changes retention keeps. */
export function createChangeLogMaintenance(
  pool: pg.Pool,
  config: ChangeLogConfig,
  logger: Logger,
): ChangeLogMaintenance {
  const webhooks = new WebhookRepository(pool);
  return new ChangeLogMaintenance({
    partitions: new ChangePartitionRepository(pool, CHANGE_LOG_LOCK_TIMEOUT_MS),
    retentionMonths: config.retentionMonths,
    monthsAhead: config.partitionsAhead,
    neededFrom: () => webhooks.oldestNeededChangeId(),
    logger,
  });
}

export function changeLogJobs(deps: { changeLogMaintenance: ChangeLogMaintenance }) {
  return [bindJob(changeLogMaintenanceJob, () => deps.changeLogMaintenance.run())];
}

/** The hourly schedule (idempotent), and one run now so a new deployment has its partitions at once. */
export async function registerChangeLogMaintenance(producer: QueueProducer, logger: Logger): Promise<void> {
  const { queue, name, options } = changeLogMaintenanceJob;
  await producer
    .queue(queue)
    .upsertJobScheduler(
      CHANGE_LOG_MAINTENANCE_SCHEDULER_ID,
      { pattern: CHANGE_LOG_MAINTENANCE_CRON, tz: 'UTC' },
      { name, data: {}, opts: options ?? {} },
    );
  await producer.enqueue(changeLogMaintenanceJob, {});
  logger.info({ cron: CHANGE_LOG_MAINTENANCE_CRON }, 'change-log maintenance scheduled');
}
