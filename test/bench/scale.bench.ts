/**
 * `catalog bench scale [--models N]`: the catalog at scale (default 3,000,000 models), as one report.
 *
 * - Ingest: the scratch catalog `catalog_bench_scale_<N>` filled through the crawler's own ingest
 *   path from every hub's generated records (bench-records.ts), two pages in flight: models per
 *   second (of what this run ingested; `--reuse` of a kept catalog ingests nothing, and a kept
 *   smaller one renamed to this name grows in place).
 * - Size: the database's bytes per model, and the largest tables with their indexes.
 * - The API (`dist/src/main.js`, production mode, rate limiting on): p50/p99 and throughput at
 *   `--connections` (32) for `--seconds` per query after a warm-up, every request with fresh random
 *   arguments: filtered and search and stats as `bench api` sends them (api.queries.ts), and deep
 *   pagination, a page of 50 after a cursor at a random depth of the downloads or creation order.
 *   Its resident set, peak over the whole load.
 * - The worker (`dist/jobs/worker.js`): a full Hugging Face crawl queued to it against the fake hub
 *   (test/fake-hub) serving N generated records, for `--worker-seconds`, into the same catalog
 *   (most records are already there, the rest are new): its peak resident set and models per
 *   second.
 *
 * The last line is machine-readable: `bench scale: models=… ingest_per_s=… bytes_per_model=…
 * p99_ms_filtered=… p99_ms_search=… p99_ms_stats=… p99_ms_deep=… api_rss_mb=… worker_rss_mb=…`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Command } from 'commander';
import { loadConfigOrExit, type Config } from '../../src/config/config.js';
import { createProgress } from '../../src/lib/progress.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { CRAWL_JOBS } from '../../src/queue/contracts.js';
import { QueueProducer } from '../../src/queue/producer.js';
import { encodeCursor } from '../../src/read-model/cursor.js';
import { FakeHub, GeneratedModelStore } from '../fake-hub/fake-hub.js';
import { BENCH_QUERIES, randomVariables, type BenchQuery, type Vocabulary } from './api.queries.js';
import { load, newTally, type Tally } from './api.bench.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { integerAtLeast } from './options.js';
import { readProcMemory } from './process-memory.js';
import { apiChildEnv, catalogVocabulary, openScratchCatalog, SEED_PAGE, startApiChild } from './scratch-catalog.js';
import type { ScratchDatabase } from './scratch-database.js';

export type ScaleQuery = BenchQuery | 'deep';
export const SCALE_QUERIES: readonly ScaleQuery[] = ['filtered', 'search', 'stats', 'deep'];

export const DEEP_QUERY = `query Deep($after: String!, $field: ModelOrderField!) {
  models(first: 50, after: $after, orderBy: { field: $field, direction: DESC }) {
    nodes { id license { id category } openness { level score } }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** Cursors at random depths of the two orders deep pagination walks, from a sample of the catalog. */
interface DeepCursors {
  readonly downloads: readonly string[];
  readonly createdAt: readonly string[];
}

async function deepCursors(scratch: ScratchDatabase): Promise<DeepCursors> {
  const { rows } = await scratch.db.pool.query<{ id: string; downloads: number; created_at: Date | null }>(
    'SELECT id, downloads, created_at FROM models TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 2000',
  );
  return {
    downloads: rows.map((row) => encodeCursor({ order: 'DOWNLOADS:DESC', key: String(row.downloads), id: row.id })),
    createdAt: rows
      .filter((row) => row.created_at !== null)
      .map((row) => encodeCursor({ order: 'CREATED_AT:DESC', key: row.created_at!.toISOString(), id: row.id })),
  };
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function requestBody(query: ScaleQuery, words: Vocabulary, cursors: DeepCursors): string {
  if (query !== 'deep')
    return JSON.stringify({ query: BENCH_QUERIES[query], variables: randomVariables(query, words) });
  const byDownloads = Math.random() < 0.5;
  return JSON.stringify({
    query: DEEP_QUERY,
    variables: {
      after: pick(byDownloads ? cursors.downloads : cursors.createdAt),
      field: byDownloads ? 'DOWNLOADS' : 'CREATED_AT',
    },
  });
}

export interface QueryResult {
  readonly query: ScaleQuery;
  readonly p50: number;
  readonly p99: number;
  readonly requestsPerSecond: number;
  readonly failed: number;
}

const summary = (query: ScaleQuery, tally: Tally): QueryResult => ({
  query,
  p50: tally.latencies.getValueAtPercentile(50),
  p99: tally.latencies.getValueAtPercentile(99),
  requestsPerSecond: tally.seconds > 0 ? tally.requests / tally.seconds : 0,
  failed: tally.failed,
});

export interface ScaleReport {
  readonly models: number;
  /** What this run ingested (none when the catalog was reused as it was). */
  readonly ingest: { readonly models: number; readonly perSecond: number } | null;
  readonly databaseBytes: number;
  /** Models in the catalog when its size was read (before the worker's crawl added some). */
  readonly sizedModels: number;
  readonly tables: readonly { readonly name: string; readonly bytes: number }[];
  readonly queries: readonly QueryResult[];
  readonly apiPeakRssMb: number;
  readonly worker: { readonly peakRssMb: number; readonly models: number; readonly seconds: number };
}

export interface ScaleBenchOptions {
  readonly models: number;
  readonly seconds: number;
  readonly connections: number;
  readonly pool: number;
  readonly workerSeconds: number;
  readonly keep: boolean;
  readonly reuse: boolean;
}

/** The peak resident set of a child process, read when asked (VmHWM: the kernel keeps the peak). */
async function peakRssMb(child: ChildServer): Promise<number> {
  const memory = child.child.pid === undefined ? null : await readProcMemory(child.child.pid);
  return memory === null ? 0 : Math.round(memory.peakRssMb);
}

async function databaseSize(
  scratch: ScratchDatabase,
): Promise<Pick<ScaleReport, 'databaseBytes' | 'sizedModels' | 'tables'>> {
  const size = await scratch.db.pool.query<{ bytes: string; models: number }>(
    'SELECT pg_database_size(current_database()) AS bytes, (SELECT count(*)::int FROM models) AS models',
  );
  // Partitioned tables (the change log) count their partitions: pg_partition_tree sums them.
  const tables = await scratch.db.pool.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name,
            COALESCE((SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(c.oid) p),
                     pg_total_relation_size(c.oid)) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 2 DESC LIMIT 6`,
  );
  return {
    databaseBytes: Number(size.rows[0]?.bytes ?? 0),
    sizedModels: size.rows[0]?.models ?? 0,
    tables: tables.rows.map((row) => ({ name: row.name, bytes: Number(row.bytes) })),
  };
}

/** The worker crawling the fake hub into the catalog for `seconds`: its peak resident set and pace. */
async function measureWorker(
  config: Config,
  scratch: ScratchDatabase,
  options: ScaleBenchOptions,
): Promise<ScaleReport['worker']> {
  const hub = await FakeHub.start({ store: new GeneratedModelStore(options.models) });
  const queuePrefix = `bench-scale-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  let worker: ChildServer | null = null;
  try {
    worker = await startChildServer({
      name: 'worker',
      script: join(PROJECT_ROOT, 'dist', 'jobs', 'worker.js'),
      env: { ...apiChildEnv(config, scratch.url, options.pool, queuePrefix), HF_ENDPOINT: hub.url },
      healthPath: '/metrics',
      portVariable: 'WORKER_METRICS_PORT',
    });
    // A FULL start resumes a run still RUNNING (an earlier bench's, stopped mid-crawl, on a kept
    // catalog: crawl.service.ts startRun), so the pace is what every run's counter gained.
    const seen = async () => {
      const { rows } = await scratch.db.pool.query<{ seen: string | null }>(
        'SELECT sum(models_seen) AS seen FROM crawl_runs',
      );
      return Number(rows[0]?.seen ?? 0);
    };
    const before = await seen();
    const producer = new QueueProducer(redis, queuePrefix);
    await producer.enqueue(CRAWL_JOBS.huggingface.start, { hubId: 'huggingface', mode: 'FULL', trigger: 'CLI' });
    const progress = createProgress({ label: 'bench scale: worker crawl', total: options.workerSeconds, unit: 's' });
    for (let second = 0; second < options.workerSeconds; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      progress.increment(1);
    }
    progress.stop();
    const peak = await peakRssMb(worker);
    // The run's counter moves at every page it ingests.
    return { peakRssMb: peak, models: (await seen()) - before, seconds: options.workerSeconds };
  } finally {
    await worker?.stop();
    await redis.quit();
    await hub.stop();
  }
}

export async function runScaleBench(options: ScaleBenchOptions): Promise<ScaleReport> {
  const config = loadConfigOrExit();
  const scratch = await openScratchCatalog(config, {
    bench: 'scale',
    models: options.models,
    reuse: options.reuse,
    label: 'bench scale',
    orMore: true,
  });
  let api: ChildServer | null = null;
  try {
    const size = await databaseSize(scratch);
    const words = await catalogVocabulary(scratch);
    const cursors = await deepCursors(scratch);
    api = await startApiChild(config, scratch, { pool: options.pool, queuePrefix: `bench-scale-${process.pid}` });
    const url = `${api.url}/graphql`;
    const queries: QueryResult[] = [];
    const progress = createProgress({ label: 'bench scale: API load', total: SCALE_QUERIES.length * 2, unit: 'runs' });
    for (const query of SCALE_QUERIES) {
      const body = () => requestBody(query, words, cursors);
      await load(url, body, Math.min(3, options.seconds), options.connections, null);
      progress.increment(1);
      const tally = newTally();
      await load(url, body, options.seconds, options.connections, tally);
      progress.increment(1);
      queries.push(summary(query, tally));
    }
    progress.stop();
    const apiPeakRssMb = await peakRssMb(api);
    await api.stop();
    api = null;
    const worker = await measureWorker(config, scratch, options);
    const models = await scratch.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM models');
    return {
      models: models.rows[0]?.n ?? 0,
      ingest: scratch.seeded
        ? { models: scratch.seeded.models, perSecond: scratch.seeded.models / scratch.seeded.seconds }
        : null,
      ...size,
      queries,
      apiPeakRssMb,
      worker,
    };
  } finally {
    await api?.stop();
    if (options.keep) await scratch.db.close();
    else await scratch.drop();
  }
}

const MB = 1024 * 1024;

export function formatScaleBench(report: ScaleReport, options: Pick<ScaleBenchOptions, 'connections' | 'seconds'>) {
  const bytesPerModel = report.databaseBytes / Math.max(1, report.sizedModels);
  const p99 = (query: ScaleQuery) => report.queries.find((r) => r.query === query)?.p99.toFixed(0) ?? 'n/a';
  const maxRate = Math.max(...report.queries.map((r) => r.requestsPerSecond));
  const bar = (value: number) => '█'.repeat(maxRate > 0 ? Math.round((value / maxRate) * 30) : 0).padEnd(30, '·');
  const lines = [
    `bench scale over ${report.models.toLocaleString('en-US')} models (every hub's records)`,
    report.ingest
      ? `ingest: ${report.ingest.models.toLocaleString('en-US')} models at ${report.ingest.perSecond.toFixed(0)} models/s (crawler ingest path, 2 pages of ${SEED_PAGE} in flight)`
      : 'ingest: none (a kept catalog, --reuse)',
    `database: ${(report.databaseBytes / MB).toFixed(0)} MB, ${bytesPerModel.toFixed(0)} bytes per model; largest: ${report.tables
      .map((table) => `${table.name} ${(table.bytes / MB).toFixed(0)} MB`)
      .join(', ')}`,
    `API, ${options.connections} connections, ${options.seconds} s per query:`,
    `${'query'.padEnd(10)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'req/s'.padStart(9)}${'failed'.padStart(8)}  throughput`,
    ...report.queries.map(
      (r) =>
        `${r.query.padEnd(10)}${r.p50.toFixed(0).padStart(8)}${r.p99.toFixed(0).padStart(8)}${r.requestsPerSecond.toFixed(0).padStart(9)}${String(r.failed).padStart(8)}  ${bar(r.requestsPerSecond)}`,
    ),
    `API peak RSS ${report.apiPeakRssMb} MB; worker peak RSS ${report.worker.peakRssMb} MB over ${report.worker.seconds} s of a full crawl (${report.worker.models.toLocaleString('en-US')} models ingested, ${(report.worker.models / report.worker.seconds).toFixed(0)}/s)`,
    `bench scale: models=${report.models} ingest_per_s=${report.ingest ? report.ingest.perSecond.toFixed(0) : 'n/a'} bytes_per_model=${bytesPerModel.toFixed(0)} p99_ms_filtered=${p99('filtered')} p99_ms_search=${p99('search')} p99_ms_stats=${p99('stats')} p99_ms_deep=${p99('deep')} api_rss_mb=${report.apiPeakRssMb} worker_rss_mb=${report.worker.peakRssMb}`,
  ];
  return lines.join('\n');
}

export function registerScaleBench(bench: Command): void {
  bench
    .command('scale')
    .description(
      'The catalog at scale: ingest rate, database size per model, API p50/p99 (filtered, search, stats, deep pagination) and API and worker memory',
    )
    .option('--models <count>', 'models in the catalog', integerAtLeast(SEED_PAGE), 3_000_000)
    .option('--seconds <s>', 'load duration per query', integerAtLeast(1), 20)
    .option('--connections <c>', 'concurrent connections', integerAtLeast(1), 32)
    .option('--pool <size>', 'Postgres pool size of the API and the worker', integerAtLeast(1), 10)
    .option('--worker-seconds <s>', 'how long the worker crawls the fake hub', integerAtLeast(1), 60)
    .option('--keep', 'keep the scratch catalog database for a later --reuse')
    .option('--reuse', 'start from the kept catalog database (grown in place when it holds fewer models)')
    .action(
      async (options: {
        models: number;
        seconds: number;
        connections: number;
        pool: number;
        workerSeconds: number;
        keep?: boolean;
        reuse?: boolean;
      }) => {
        const settings = { ...options, keep: options.keep ?? false, reuse: options.reuse ?? false };
        const report = await runScaleBench(settings);
        process.stdout.write(`${formatScaleBench(report, settings)}\n`);
      },
    );
}
