/**
 * Recurring crawls, registered idempotently at every worker start with `upsertJobScheduler`
 * (the same scheduler id every time, so N workers starting give one schedule, and a changed
 * interval replaces the old one). CRAWL_SCHEDULE=off removes them.
 */
import type { Config } from '../src/config/config.js';
import type { Logger } from '../src/lib/logger.js';
import { crawlSchedulerId, crawlStartJob } from '../src/queue/contracts.js';
import type { QueueProducer } from '../src/queue/producer.js';

export async function registerCrawlSchedules(
  producer: QueueProducer,
  crawl: Config['crawl'],
  logger: Logger,
): Promise<void> {
  const queue = producer.queue(crawlStartJob.queue);
  const incremental = crawlSchedulerId('huggingface', 'INCREMENTAL');
  const full = crawlSchedulerId('huggingface', 'FULL');
  if (!crawl.schedule) {
    await queue.removeJobScheduler(incremental);
    await queue.removeJobScheduler(full);
    logger.info('crawl schedules off');
    return;
  }
  const template = (mode: 'FULL' | 'INCREMENTAL') => ({
    name: crawlStartJob.name,
    data: crawlStartJob.payload.parse({ hubId: 'huggingface', mode, trigger: 'SCHEDULE' }),
    opts: crawlStartJob.options ?? {},
  });
  await queue.upsertJobScheduler(incremental, { every: crawl.incrementalEveryMs }, template('INCREMENTAL'));
  await queue.upsertJobScheduler(full, { pattern: crawl.fullCron, tz: 'UTC' }, template('FULL'));
  logger.info({ incrementalEveryMs: crawl.incrementalEveryMs, fullCron: crawl.fullCron }, 'crawl schedules registered');
}
