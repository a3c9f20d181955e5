/**
 * `catalog bench crawl`: a full crawl against the fake hub (test/fake-hub; benches run
 * from the sources) under a scaled-down fixed-window policy (default 50 requests per 2 s) over at
 * least 3 windows, into a scratch database, with the real Redis budget. It must trigger zero 429s
 * and take no more than 1.1x the policy floor (⌈R/q⌉ − 1) · w for R requests.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { FakeHub, GeneratedModelStore } from '../fake-hub/fake-hub.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { crawlOnce } from '../../src/cli/commands/crawl.command.js';
import { loadConfigOrExit } from '../../src/config/config.js';
import { CrawlRunRepository } from '../../src/crawl/crawl-run.repository.js';
import { CrawlService } from '../../src/crawl/crawl.service.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { RedisRequestBudget } from '../../src/outbound/request-budget.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import { silentPublisher } from '../../src/catalog/change-publisher.js';
import { createScratchDatabase } from './scratch-database.js';
import { integerAtLeast } from './options.js';

export interface CrawlBenchResult {
  readonly requests: number;
  readonly throttled: number;
  readonly seconds: number;
  readonly policyFloorSeconds: number;
  readonly ratio: number;
  readonly models: number;
  readonly windows: number;
}

export async function runCrawlBench(options: {
  quota: number;
  windowMs: number;
  requests: number;
  pageSize: number;
}): Promise<CrawlBenchResult> {
  const config = loadConfigOrExit();
  const logger = pino({ level: 'silent' });
  const hub = await FakeHub.start({
    store: new GeneratedModelStore(options.requests * options.pageSize),
    rateLimit: { quota: options.quota, windowMs: options.windowMs },
  });
  const scratch = await createScratchDatabase(
    { ...config, hubs: { ...config.hubs, huggingface: { ...config.hubs.huggingface, endpoint: hub.url } } },
    `catalog_bench_crawl_${process.pid}`,
    logger,
  );
  const redis = new Redis(config.redis.url);
  try {
    const limiter = new RedisRequestBudget(redis, {
      prefix: `bench-${randomBytes(4).toString('hex')}`,
      hubId: 'huggingface',
    });
    const adapter = new HuggingFaceAdapter({
      endpoint: hub.url,
      pageSize: options.pageSize,
      createClient: () => new HubClient({ limiter, logger }),
    });
    const crawl = new CrawlService({
      prisma: scratch.db.prisma,
      pool: scratch.db.pool,
      ingest: new IngestRepository(scratch.db.pool),
      runs: new CrawlRunRepository(scratch.db.prisma),
      adapters: new Map([['huggingface', adapter]]),
      publisher: silentPublisher,
      enrichment: { enabled: false, minDownloads: 0, minLikes: 0 },
      logger,
    });
    const started = performance.now();
    await crawlOnce(crawl, { hubId: 'huggingface', mode: 'FULL', limit: null });
    const seconds = (performance.now() - started) / 1000;
    const requests = hub.counters().byRoute['list'] ?? 0;
    const run = await scratch.db.prisma.crawlRun.findFirstOrThrow({ orderBy: { id: 'desc' } });
    const windows = Math.ceil(requests / options.quota);
    const policyFloorSeconds = ((windows - 1) * options.windowMs) / 1000;
    return {
      requests,
      throttled: hub.counters().throttled,
      seconds,
      policyFloorSeconds,
      ratio: seconds / policyFloorSeconds,
      models: run.modelsSeen,
      windows,
    };
  } finally {
    await redis.quit();
    await scratch.drop();
    await hub.stop();
  }
}

export function registerCrawlBench(bench: Command): void {
  bench
    .command('crawl')
    .description(
      'A full crawl against the fake hub under a scaled-down fixed-window rate-limit policy: 429s and time vs the policy floor',
    )
    .option('--quota <requests>', 'requests per window', integerAtLeast(1), 50)
    .option('--window-ms <ms>', 'window length', integerAtLeast(100), 2_000)
    .option('--requests <n>', 'listing pages to crawl (at least 3 windows)', integerAtLeast(1), 400)
    .option('--page-size <n>', 'models per page', integerAtLeast(1), 10)
    .action(async (options: { quota: number; windowMs: number; requests: number; pageSize: number }) => {
      if (options.requests <= 2 * options.quota)
        throw new InvalidArgumentError('--requests must span at least 3 windows (> 2 × quota)');
      const r = await runCrawlBench(options);
      process.stdout.write(
        [
          `bench crawl: ${r.models} models in ${r.requests} listing requests under ${options.quota} requests / ${options.windowMs} ms (${r.windows} windows)`,
          `  took ${r.seconds.toFixed(2)} s; policy floor (⌈R/q⌉ − 1) · w = ${r.policyFloorSeconds.toFixed(2)} s; 429s served: ${r.throttled}`,
          `bench crawl: requests=${r.requests} throttled=${r.throttled} seconds=${r.seconds.toFixed(2)} policy_floor_s=${r.policyFloorSeconds.toFixed(2)} ratio=${r.ratio.toFixed(3)}`,
        ].join('\n') + '\n',
      );
    });
}
