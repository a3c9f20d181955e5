/**
 * An export streams with flat memory. The API, in a process of its own, serves a whole catalog of
 * 100,000 models as CSV (about 36 MB) to a client that reads slowly for its first seconds, then at
 * full speed. Read from outside the process, during the export:
 *
 * - its live memory (V8 heap used + external buffers, after a full collection, over the inspector)
 *   while the client lags behind, when half the rows have arrived, and after the export: it must
 *   stay within an eighth of the export of where it was (about 1 MB above it, measured);
 * - its resident set (VmRSS sampled, and VmHWM, from /proc/<pid>/status): its peak must stay
 *   within half the export of where it was (5–10 MB above it, measured). It is the coarser measure:
 *   it also holds the garbage V8 lets accumulate between collections, whatever the export's size.
 *
 * A handler that collected the rows before writing, or wrote without waiting for the socket, holds
 * the export in memory: while the client lags, it reads the rest of the rows anyway (+60–100 MB of
 * live memory, +90 MB of RSS, measured).
 *
 * The API runs with the production start's heap limit (`--max-old-space-size=512`) and 1 MB
 * semi-spaces: the default young generation grows to 16 MB semi-spaces under any sustained
 * allocation, and that constant of V8's (10–25 MB of RSS, export or not) would blur the RSS bound.
 * A warm-up export of about a tenth of the catalog brings the heap to its working size first.
 *
 * The same catalog shows that the export's cursor is planned for its first rows (export.repository.ts):
 * a walk of the models' primary key, not a scan and a sort of the whole catalog.
 *
 * The catalog is a database of its own (created, migrated and dropped here): 2,000 generated
 * models through the real ingest, copied 49 times over in SQL, so that seeding takes seconds.
 */
import { get, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { huggingFaceRecords } from '../../src/catalog/huggingface/huggingface.records.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { generateHfRecords } from '../../src/catalog/seed/demo/record-generator.js';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../src/lib/project-root.js';
import { declareExportCursor, EXPORT_TRANSACTION } from '../../src/read-model/export.repository.js';
import { modelsExportSql } from '../../src/read-model/export.sql.js';
import { parseModelsArgs } from '../../src/read-model/models.filter.js';
import { freePort } from '../bench/child-server.js';
import { rowCounter } from '../bench/export.bench.js';
import { attachInspector, readProcMemory, type ProcStatusMemory } from '../bench/process-memory.js';
import { dropDatabase, scratchDatabaseUrl, silentLogger } from '../helpers/database.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';

const MB = 1024 * 1024;
/** Models ingested, then copied COPIES times over: BASE_MODELS × (COPIES + 1) in all. */
const BASE_MODELS = 2_000;
const COPIES = 49;
/** The export must be this large for the bounds below to mean anything. */
const MIN_EXPORT_MB = 30;
/** The most the API's live memory may grow while it serves the export, as a share of the export. */
const MAX_LIVE_SHARE = 1 / 8;
/** The most its resident set may grow, as a share of the export. */
const MAX_RSS_SHARE = 1 / 2;
/** The client's pace at first (bytes a second) and for how long, before it reads at full speed. */
const SLOW_BYTES_PER_SECOND = 256 * 1024;
const SLOW_MS = 4_000;
const SAMPLE_MS = 50;

const url = scratchDatabaseUrl('export_memory');
let db: Database | undefined;
let api: RunningProcess | undefined;
let apiUrl = '';
let inspectorPort = 0;
let listed = 0;

/** Generated models through the real ingest, then copies of them under other ids, in one statement. */
async function seed(database: Database): Promise<void> {
  await new HubRepository(database.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: 'https://huggingface.co' })));
  const ingest = new IngestRepository(database.pool);
  let page: CatalogModel[] = [];
  for (const record of generateHfRecords(BASE_MODELS, { seed: 7 })) {
    const built = huggingFaceRecords.buildModel(record);
    if (!built.ok) throw new Error(built.reason);
    page.push(built.model);
    if (page.length === 1_000) {
      await ingest.ingestPage(page);
      page = [];
    }
  }
  if (page.length > 0) await ingest.ingestPage(page);
  // The copies have every exported column; no snapshot, lineage or change rows.
  await database.pool.query(
    `INSERT INTO models (id, hub_id, repo_id, author, name, task, library, tags, gating, license_id,
       license_hub_value, parameter_count, downloads, downloads_all_time, likes, openness_level, openness_score,
       mof_class, weights_availability, content_hash, created_at, last_modified, removed_at, snapshot, formats)
     SELECT m.id || '-' || g, m.hub_id, m.repo_id || '-' || g, m.author, m.name || ' ' || g, m.task, m.library, m.tags,
       m.gating, m.license_id, m.license_hub_value, m.parameter_count, m.downloads + g, m.downloads_all_time, m.likes,
       m.openness_level, m.openness_score, m.mof_class, m.weights_availability, m.content_hash, m.created_at,
       m.last_modified, m.removed_at, '{}'::jsonb, m.formats
     FROM models m CROSS JOIN generate_series(1, $1::int) g`,
    [COPIES],
  );
  // What autovacuum would have done by the time a catalog this size is exported.
  await database.pool.query('VACUUM ANALYZE');
}

beforeAll(async () => {
  await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS_DIR, logger: silentLogger });
  db = createDatabase({ database: { url, poolSize: 2 } }, silentLogger);
  await seed(db);
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM models WHERE removed_at IS NULL');
  listed = rows[0]?.n ?? 0;

  inspectorPort = await freePort();
  api = startProcess('src/main.ts', {
    NODE_ENV: 'production',
    NODE_OPTIONS: `--max-old-space-size=512 --max-semi-space-size=1 --inspect=127.0.0.1:${inspectorPort}`,
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: `test-export-memory-${process.pid}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    API_RATE_LIMIT: '100000000',
    CRAWL_SCHEDULE: 'off',
    HF_ENDPOINT: 'http://127.0.0.1:9',
  });
  const listening = await api.waitForLog((line) => line.msg === 'API listening', 60_000);
  apiUrl = `http://127.0.0.1:${(listening['address'] as { port: number }).port}`;
}, 180_000);

afterAll(async () => {
  await api?.stop('SIGTERM');
  await db?.close();
  await dropDatabase(url);
}, 60_000);

/** One GET as a stream, refused unless 200. */
async function open(path: string): Promise<IncomingMessage> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    get(`${apiUrl}${path}`, { agent: false }, resolve).once('error', reject);
  });
  if (response.statusCode !== 200) {
    let text = '';
    for await (const chunk of response) text += String(chunk);
    throw new Error(`GET ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  }
  return response;
}

/**
 * Read a CSV response at SLOW_BYTES_PER_SECOND for SLOW_MS, then as fast as it comes; `onRows`
 * hears the rows received so far after each chunk. Resolves with its bytes and rows.
 */
function readSlowlyAtFirst(
  response: IncomingMessage,
  onRows: (rows: number) => void,
): Promise<{ bytes: number; rows: number }> {
  const counter = rowCounter('csv');
  let bytes = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let resume: NodeJS.Timeout | undefined;
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      counter.push(chunk);
      onRows(counter.rows);
      const elapsed = performance.now() - started;
      if (elapsed >= SLOW_MS) return;
      // Ahead of the pace: pause until it catches up (the socket fills, and the server must wait).
      const aheadMs = Math.min((bytes / SLOW_BYTES_PER_SECOND) * 1_000, SLOW_MS) - elapsed;
      if (aheadMs > 0) {
        response.pause();
        resume = setTimeout(() => response.resume(), aheadMs);
      }
    });
    response.once('end', () => resolve({ bytes, rows: counter.rows }));
    response.once('error', (error) => {
      clearTimeout(resume);
      reject(error);
    });
  });
}

async function memoryOf(pid: number): Promise<ProcStatusMemory> {
  const memory = await readProcMemory(pid);
  if (!memory) throw new Error(`cannot read /proc/${pid}/status (the API exited, or not Linux)`);
  return memory;
}

interface Checkpoint {
  readonly at: string;
  /** The API's live memory, minus before the export. */
  readonly growthMb: number;
}

const signed = (mb: number) => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB`;

describe('a large export', () => {
  it.each([
    ['every listed model', {}],
    ['a common filter', { licenseCategories: ['PERMISSIVE', 'COPYLEFT'], minOpennessLevel: 'OPEN_WEIGHTS' }],
  ])('of %s walks the primary key, with no sort before its first row', async (_name, filter) => {
    const client = await (db as Database).pool.connect();
    try {
      await client.query(EXPORT_TRANSACTION);
      const cursor = declareExportCursor(modelsExportSql(parseModelsArgs({ filter }).filter));
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${cursor.text}`, [...cursor.values]);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('Index Scan using models_pkey on models m');
      expect(plan).not.toMatch(/\bSort\b|Seq Scan on models/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it(
    'streams with flat memory: the API holds a small fraction of the export, a slow client included',
    { timeout: 120_000 },
    async () => {
      const pid = api?.child.pid;
      if (pid === undefined) throw new Error('the API has no pid');
      expect(listed).toBe(BASE_MODELS * (COPIES + 1));
      const inspector = await attachInspector(inspectorPort);
      try {
        /** What the API holds: its heap and buffers after a full collection, without garbage. */
        const live = async () => {
          await inspector.collectGarbage();
          const usage = await inspector.memoryUsage();
          return usage.heapUsedMb + usage.externalMb;
        };

        // Warm-up: the route, the formatter and the cursor's code paths, and the heap at its working
        // size, over the task with about a tenth of the models.
        const { rows: tasks } = await (db as Database).pool.query<{ task: string }>(
          'SELECT task FROM models WHERE task IS NOT NULL GROUP BY task ORDER BY abs(count(*) - $1::int) LIMIT 1',
          [Math.round(listed / 10)],
        );
        for (let i = 0; i < 2; i++) {
          const warmUp = await open(`/export/models.csv?tasks=${encodeURIComponent(tasks[0]?.task ?? '')}`);
          for await (const _chunk of warmUp);
        }
        await sleep(500);

        // The resident set before the collection, which may give memory back to the system.
        const before = await memoryOf(pid);
        const liveBefore = await live();
        let sampledPeakMb = before.rssMb;
        const sampler = setInterval(() => {
          void readProcMemory(pid).then((memory) => {
            if (memory) sampledPeakMb = Math.max(sampledPeakMb, memory.rssMb);
          });
        }, SAMPLE_MS);
        const checkpoints: Promise<Checkpoint>[] = [];
        const checkpoint = (at: string) => checkpoints.push(live().then((mb) => ({ at, growthMb: mb - liveBefore })));
        // While the client lags behind: a server that does not wait for it has read ahead by now.
        const lagging = setTimeout(() => checkpoint('while the client lags'), SLOW_MS - 500);
        let halfway = false;
        let read;
        try {
          read = await readSlowlyAtFirst(await open('/export/models.csv'), (rows) => {
            if (halfway || rows < listed / 2) return;
            halfway = true;
            checkpoint('at half the rows');
          });
        } finally {
          clearInterval(sampler);
          clearTimeout(lagging);
        }
        const after = await memoryOf(pid);
        checkpoint('after the export');
        const held = await Promise.all(checkpoints);
        // VmHWM is exact when it rose during the export; otherwise the peak was below an earlier one.
        const peakMb = after.peakRssMb > before.peakRssMb ? after.peakRssMb : Math.max(sampledPeakMb, after.rssMb);
        const rssGrowthMb = peakMb - before.rssMb;
        const exportMb = read.bytes / MB;
        process.stdout.write(
          `export memory: ${read.rows} rows, ${exportMb.toFixed(1)} MB of CSV; API live memory ${liveBefore.toFixed(1)} MB, ` +
            `${held.map(({ at, growthMb }) => `${signed(growthMb)} ${at}`).join(', ')}; ` +
            `API RSS ${before.rssMb.toFixed(1)} MB, peak ${signed(rssGrowthMb)}, ${signed(after.rssMb - before.rssMb)} after\n`,
        );

        expect(read.rows).toBe(listed);
        expect(exportMb).toBeGreaterThanOrEqual(MIN_EXPORT_MB);
        expect(held.map(({ at }) => at)).toEqual(['while the client lags', 'at half the rows', 'after the export']);
        for (const { growthMb } of held) expect(growthMb).toBeLessThan(exportMb * MAX_LIVE_SHARE);
        expect(rssGrowthMb).toBeLessThan(exportMb * MAX_RSS_SHARE);
      } finally {
        inspector.close();
      }
    },
  );
});
