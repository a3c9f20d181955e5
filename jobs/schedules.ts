/**
 * Recurring crawls, registered idempotently at every worker start with `upsertJobScheduler`
 * (the same scheduler id every time, so N workers starting give one schedule, and a changed
 * interval replaces the old one). CRAWL_SCHEDULE=off removes them.
 */
import type { Config } from '../src/config/config.js';
import { HUB_IDS } from '../src/config/hubs.js';
import type { Logger } from '../src/lib/logger.js';
import { CRAWL_JOBS, crawlSchedulerId } from '../src/queue/contracts.js';
import type { QueueProducer } from '../src/queue/producer.js';

/** Each hub's two schedules (incremental and full sweep), on its own queue, from its settings. */
export async function registerCrawlSchedules(
  producer: QueueProducer,
  config: Pick<Config, 'crawl' | 'hubs'>,
  logger: Logger,
): Promise<void> {
  for (const hubId of HUB_IDS) {
    const start = CRAWL_JOBS[hubId].start;
    const queue = producer.queue(start.queue);
    const incremental = crawlSchedulerId(hubId, 'INCREMENTAL');
    const full = crawlSchedulerId(hubId, 'FULL');
    if (!config.crawl.schedule) {
      await queue.removeJobScheduler(incremental);
      await queue.removeJobScheduler(full);
      continue;
    }
    const { schedule } = config.hubs[hubId];
    const template = (mode: 'FULL' | 'INCREMENTAL') => ({
      name: start.name,
      data: start.payload.parse({ hubId, mode, trigger: 'SCHEDULE' }),
      opts: start.options ?? {},
    });
    await queue.upsertJobScheduler(incremental, { every: schedule.incrementalEveryMs }, template('INCREMENTAL'));
    await queue.upsertJobScheduler(full, { pattern: schedule.fullCron, tz: 'UTC' }, template('FULL'));
    logger.info({ hub: hubId, ...schedule }, 'crawl schedules registered');
  }
  if (!config.crawl.schedule) logger.info('crawl schedules off');
}
