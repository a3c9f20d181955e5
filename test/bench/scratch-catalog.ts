/**
 * A scratch catalog of N generated models for the benchmarks that drive the real API (`bench api`,
 * `bench soak`, `bench scale`): a scratch database filled through the crawler's own ingest path from
 * every hub's generated records (bench-records.ts), so the maintained facet tables are built the way
 * production builds them, kept between runs with `--keep` and picked up again with `--reuse`; and
 * the API process (`dist/src/main.js`) started over it.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import type { Config } from '../../src/config/config.js';
import { createProgress } from '../../src/lib/progress.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import type { Vocabulary } from './api.queries.js';
import { buildBenchRecord } from './bench-records.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

/** Models per ingest page while seeding (the smallest catalog a bench accepts). */
export const SEED_PAGE = 1_000;
const logger = pino({ level: 'silent' });

/** What seeding measured: models written and the seconds they took (ingest only, not the vacuum). */
export interface SeedResult {
  readonly models: number;
  readonly seconds: number;
}

/**
 * Ingest records `from` … `to - 1` (bench-records.ts) into the scratch database, two pages in
 * flight, with a progress bar; then VACUUM ANALYZE, as autovacuum would have by the time a real
 * catalog of this size is queried.
 */
async function seed(scratch: ScratchDatabase, from: number, to: number, label: string): Promise<SeedResult> {
  const ingest = new IngestRepository(scratch.db.pool);
  let next = from;
  const nextPage = (): CatalogModel[] | null => {
    const models: CatalogModel[] = [];
    while (next < to && models.length < SEED_PAGE) {
      const built = buildBenchRecord(next++);
      if (built.ok) models.push(built.model);
    }
    return models.length > 0 ? models : null;
  };
  const progress = createProgress({ label: `${label}: seeding the catalog`, total: to - from, unit: 'models' });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      for (let page = nextPage(); page !== null; page = nextPage()) {
        await ingest.ingestPage(page);
        progress.increment(page.length);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  progress.stop();
  await scratch.db.pool.query('VACUUM ANALYZE');
  return { models: to - from, seconds };
}

async function countModels(scratch: ScratchDatabase): Promise<number> {
  const { rows } = await scratch.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM models');
  return rows[0]?.n ?? 0;
}

/**
 * The scratch catalog `catalog_bench_<bench>_<models>`, holding exactly `models` generated models:
 * kept from an earlier `--keep` run when `reuse` and it already holds them; grown in place when it
 * holds fewer (records are pure in their index, so the first k of N are a catalog of k: a database
 * renamed from a smaller run grows into this one); else (re)seeded. `label` prefixes the progress
 * lines (`bench api`). `seeded` is what this call ingested (none when reused).
 */
export async function openScratchCatalog(
  config: Config,
  options: {
    readonly bench: string;
    readonly models: number;
    readonly reuse: boolean;
    readonly label: string;
    /** Reuse a kept catalog that holds more (`bench scale`: its worker's crawl adds models). */
    readonly orMore?: boolean;
  },
): Promise<ScratchDatabase & { readonly seeded: SeedResult | null }> {
  const name = `catalog_bench_${options.bench}_${options.models}`;
  const scratch = await createScratchDatabase(config, name, logger, 4, { reuse: options.reuse });
  try {
    let existing = await countModels(scratch);
    if (existing === options.models || (options.orMore && existing > options.models)) {
      process.stderr.write(`${options.label}: reusing ${name} (${existing} models)\n`);
      return { ...scratch, seeded: null };
    }
    if (existing > options.models) {
      await scratch.db.pool.query('TRUNCATE models, licenses, model_changes CASCADE');
      existing = 0;
    } else if (existing > 0) {
      process.stderr.write(`${options.label}: growing ${name} from ${existing} models\n`);
    }
    const seeded = await seed(scratch, existing, options.models, options.label);
    return { ...scratch, seeded };
  } catch (error) {
    await scratch.db.close();
    throw error;
  }
}

/** Words of the catalog's own model names, for search arguments a user could plausibly type. */
export async function catalogVocabulary(scratch: ScratchDatabase): Promise<Vocabulary> {
  const { rows } = await scratch.db.pool.query<{ name: string }>(
    'SELECT name FROM models TABLESAMPLE SYSTEM (1) REPEATABLE (42) LIMIT 5000',
  );
  const words = new Set<string>();
  for (const { name } of rows) {
    for (const word of name.toLowerCase().split(/[^a-z0-9]+/)) if (/^[a-z][a-z0-9]{2,}$/.test(word)) words.add(word);
  }
  return { words: [...words].sort() };
}

/**
 * The node options the API is started with in production: the Dockerfile's CMD, docker-compose.yml
 * and `npm start` (test/bench/production-start.test.ts keeps them equal; README.md, `bench soak`).
 * - `--max-old-space-size=512`: below a 2 GB heap limit V8 grows the heap to about 1.3–1.4 times
 *   the live data after each full collection; at Node's default limit (a quarter of the machine's
 *   memory, at most 4 GB: 2 GB or more from 8 GB up) up to 4 times, and it keeps that heap when the
 *   load stops.
 * - `--max-semi-space-size=64`: a request's objects live as long as the request, tens of
 *   milliseconds; with 16 MB semi-spaces a scavenge comes every ~80 ms under load, so those of the
 *   requests in flight survive two and are promoted, and the old space fills with them (a
 *   mark-compact twice a second). With 64 MB few survive one: the API's CPU per filtered request
 *   is a quarter lower, for about 90 MB more resident (docs/api-performance.md, "Garbage").
 */
export const PRODUCTION_NODE_ARGS = '--max-old-space-size=512 --max-semi-space-size=64';

/**
 * The real API (`dist/src/main.js`) over the scratch catalog, in production mode, with rate
 * limiting on and a quota the load never reaches (every request pays for the check as in
 * production), started with production's node options unless `nodeArgs` replaces them (V8 flags
 * for an investigation: `--expose-gc`, `--heapsnapshot-signal=SIGUSR2`, `--max-semi-space-size=…`).
 */
export function startApiChild(
  config: Config,
  scratch: ScratchDatabase,
  options: {
    readonly pool: number;
    readonly queuePrefix: string;
    readonly nodeArgs?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
  },
): Promise<ChildServer> {
  return startChildServer({
    name: 'API',
    script: join(PROJECT_ROOT, 'dist', 'src', 'main.js'),
    env: { ...apiChildEnv(config, scratch.url, options.pool, options.queuePrefix), ...options.env },
    healthPath: '/readyz',
    nodeArgs: options.nodeArgs ?? PRODUCTION_NODE_ARGS.split(' '),
  });
}

/** The environment of the API (and of `bench api`'s bare handler) over a scratch catalog. */
export function apiChildEnv(config: Config, url: string, pool: number, queuePrefix: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: String(pool),
    REDIS_URL: config.redis.url,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'warn',
    API_RATE_LIMIT: '100000000',
    CRAWL_SCHEDULE: 'off',
  };
}
