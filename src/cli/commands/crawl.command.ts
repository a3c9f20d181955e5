import { InvalidArgumentError, type Command } from 'commander';
import { HubRepository, knownHubs } from '../../catalog/hub.repository.js';
import { createCrawlRuntime } from '../../crawl/crawl.runtime.js';
import type { CrawlService, EnrichTarget } from '../../crawl/crawl.service.js';
import type { HubPage } from '../../crawl/hub-adapter.js';
import { createDatabase } from '../../db/database.js';
import { createProgress } from '../../lib/progress.js';
import { HUB_IDS, isHubId } from '../../config/hubs.js';
import { CRAWL_JOBS } from '../../queue/contracts.js';
import { QueueProducer } from '../../queue/producer.js';
import { closeRedis, createRedis, pingRedis } from '../../queue/redis.js';
import { cliContext } from '../context.js';

interface CrawlOptions {
  hub: string;
  once?: boolean;
  full?: boolean;
  limit?: number;
  enrich: boolean;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

export function registerCrawl(program: Command): void {
  program
    .command('crawl')
    .description(
      'Crawl a hub. With --once, run one crawl in the foreground (the same code as the worker, resuming an interrupted run); without it, queue one for the workers',
    )
    .requiredOption('--hub <hub>', `hub id (${HUB_IDS.join(', ')})`, 'huggingface')
    .option('--once', 'run one crawl now, in the foreground, and exit')
    .option('--full', 'full sweep (sort=createdAt; marks unseen models removed when complete) instead of incremental')
    .option('--limit <n>', 'stop after this many models (a limited sweep never marks anything removed)', positiveInt)
    .option('--no-enrich', 'skip per-model enrichment (model info, card and LICENSE)')
    .action(async (options: CrawlOptions) => {
      const { config, logger } = cliContext();
      const hubId = options.hub;
      if (!isHubId(hubId)) {
        process.stderr.write(`crawl: unknown hub ${JSON.stringify(hubId)} (known: ${HUB_IDS.join(', ')})\n`);
        process.exit(2);
      }
      const mode = options.full ? 'FULL' : 'INCREMENTAL';
      const db = createDatabase(config, logger);
      const redis = createRedis(config.redis.url, 'client', logger);
      try {
        await pingRedis(redis);
        if (!options.once) {
          const producer = new QueueProducer(redis, config.redis.queuePrefix);
          const job = await producer.enqueue(CRAWL_JOBS[hubId].start, { hubId, mode, trigger: 'CLI' });
          await producer.close();
          process.stdout.write(`Queued a ${mode.toLowerCase()} crawl of ${hubId} for the workers (job ${job.id}).\n`);
          return;
        }
        await new HubRepository(db.prisma).upsertAll(knownHubs(config));
        const { crawl } = createCrawlRuntime({ config, db, redis, logger, enrich: options.enrich });
        const summary = await crawlOnce(crawl, { hubId, mode, limit: options.limit ?? null });
        process.stdout.write(`${summary}\n`);
      } finally {
        await closeRedis(redis);
        await db.close();
      }
    });
}

/** Run (or resume) one crawl to completion in this process; SIGINT stops after the current page. */
export async function crawlOnce(
  crawl: CrawlService,
  options: { hubId: string; mode: 'FULL' | 'INCREMENTAL'; limit: number | null; enrichConcurrency?: number },
): Promise<string> {
  const { run: started, resumed } = await crawl.startRun({
    hubId: options.hubId,
    mode: options.mode,
    trigger: 'CLI',
    maxModels: options.limit,
  });
  const runId = started.id.toString();
  const total = started.maxModels ?? undefined;
  const progress = createProgress({
    label: `crawl ${options.hubId} (${options.mode.toLowerCase()}, run ${runId})`,
    unit: 'models',
    ...(total ? { total } : {}),
  });
  progress.update(started.modelsSeen);
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let page = started.pages;
    // The next page is fetched while this one is written (one request in flight at most).
    let prefetched: { cursor: string; page: Promise<HubPage> } | undefined;
    const adapter = crawl.adapter(options.hubId);
    const onNextCursor = (cursor: string) => {
      const fetching = adapter.fetchPage(cursor, stop.signal);
      fetching.catch(() => undefined); // a failed prefetch is fetched again by processPage
      prefetched = { cursor, page: fetching };
    };
    for (;;) {
      if (stop.signal.aborted) break;
      const outcome = await crawl.processPage(runId, page, stop.signal, {
        ...(prefetched ? { prefetched } : {}),
        onNextCursor,
      });
      if (outcome.kind === 'finished') break;
      if (outcome.kind === 'stale') {
        const run = await crawl.runState(runId);
        if (!run || run.status !== 'RUNNING') break;
        if (run.cursor === null) {
          await crawl.finishRun(runId);
          break;
        }
        page = run.pages;
        continue;
      }
      progress.increment(outcome.seen);
      await enrichAll(crawl, outcome.enrich, options.enrichConcurrency ?? 4, stop.signal);
      if (outcome.nextCursor === null) {
        await crawl.finishRun(runId);
        break;
      }
      page++;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const run = await crawl.runState(runId);
  progress.stop(run?.status === 'COMPLETED' ? 'completed' : 'interrupted: run it again to resume');
  if (!run) return `Run ${runId} is gone.`;
  const seconds = ((run.finishedAt ?? new Date()).getTime() - run.startedAt.getTime()) / 1000;
  return [
    `Crawl run ${runId} (${run.hubId}, ${run.mode.toLowerCase()}${resumed ? ', resumed' : ''}): ${run.status}`,
    `  pages ${run.pages}, models seen ${run.modelsSeen}: created ${run.modelsCreated}, updated ${run.modelsUpdated}, unchanged ${run.modelsUnchanged}, removed ${run.modelsRemoved}, quarantined ${run.modelsQuarantined}`,
    `  enriched ${run.modelsEnriched}, enrichment failed ${run.enrichFailed} (kept as listed); requests ${run.requests}, throttled (429) ${run.throttled}, waited on rate limits ${(Number(run.rateLimitWaitMs) / 1000).toFixed(1)}s, errors ${run.errors}${run.cursorGaps > 0 ? `, cursor gaps ${run.cursorGaps} (recovered)` : ''}; ${seconds.toFixed(1)}s`,
  ].join('\n');
}

/**
 * Enrich a page's targets, `concurrency` at a time. A model whose enrichment fails is counted on
 * the run and the others go on (CrawlService.enrichModel); an interruption stops taking new ones.
 */
async function enrichAll(
  crawl: CrawlService,
  targets: readonly EnrichTarget[],
  concurrency: number,
  signal: AbortSignal,
): Promise<void> {
  const queue = [...targets];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let target = queue.shift(); target && !signal.aborted; target = queue.shift()) {
        try {
          await crawl.enrichModel(target, signal);
        } catch (error) {
          if (signal.aborted) return;
          throw error;
        }
      }
    }),
  );
}
