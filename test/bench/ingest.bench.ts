/**
 * `catalog bench ingest [--n N]`: the crawl's write path at catalog scale.
 *
 * In a scratch database it measures, over N generated Hugging Face records (default 200,000):
 * - raw: the limit — the same already-normalized rows (models, assessments, change rows) written
 *   with plain set-based SQL, no normalization, classification or diffing;
 * - pass 1: records → validate → normalize → classify → ingest (diff, change rows, raw records);
 * - pass 2: the same N again with about 5% of them changed (new commits, licenses, gating);
 * - naive: a loop of Prisma calls making the same writes (license, model, assessment, raw record,
 *   change row) model by model, over a sample;
 * - peak RSS after N and after 4N records ingested, to show memory stays flat.
 * Generation of the records (the hub's side) is not timed. Pages are 1,000 records, written by
 * `--concurrency` pages in flight (default 2, like two workers); raw uses the same concurrency.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { contentHash, snapshotOf } from '../../src/catalog/catalog-model.js';
import { assessmentRow, IngestRepository, modelRow } from '../../src/catalog/ingest.repository.js';
import { loadConfigOrExit } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { unlimited } from '../../src/outbound/request-budget.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import { generateHfRecords, mutateHfRecord } from '../../src/catalog/seed/demo/record-generator.js';
import { createProgress } from '../../src/lib/progress.js';
import { createScratchDatabase, peakRssMb } from './scratch-database.js';
import { integerAtLeast } from './options.js';

const PAGE = 1_000;
const logger = pino({ level: 'silent' });
const adapter = new HuggingFaceAdapter({
  endpoint: 'http://127.0.0.1:9',
  createClient: () => new HubClient({ limiter: unlimited, logger }),
});

const positive = integerAtLeast(PAGE);

function build(records: readonly unknown[]): CatalogModel[] {
  const models: CatalogModel[] = [];
  for (const record of records) {
    const built = adapter.buildModel(record);
    if (built.ok) models.push(built.model);
  }
  return models;
}

/** Pages of records start..start+count, with `mutate(index)` deciding which ones change. */
function* pages(start: number, count: number, mutate?: (index: number) => 'commit' | 'license' | 'gating' | null) {
  let page: unknown[] = [];
  let index = start;
  for (const record of generateHfRecords(count, { start })) {
    const change = mutate?.(index);
    page.push(change ? mutateHfRecord(record, change, 1) : record);
    index++;
    if (page.length === PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

/** Run `work` over pages with `concurrency` in flight; returns the time spent in `work` (ms, wall). */
async function drive(
  source: Iterable<unknown[]>,
  concurrency: number,
  work: (page: unknown[]) => Promise<void>,
  onPage: (size: number) => void,
): Promise<number> {
  const iterator = source[Symbol.iterator]();
  let busyMs = 0;
  // Generation stays outside the timed region: pages are drawn before the clock starts for them.
  const lanes = Array.from({ length: concurrency }, async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const page = next.value;
      const started = performance.now();
      await work(page);
      busyMs += performance.now() - started;
      onPage(page.length);
    }
  });
  await Promise.all(lanes);
  return busyMs / concurrency;
}

/**
 * The limit: the same rows ingest writes (modelRow / assessmentRow), plain set-based INSERTs of
 * models, assessments and change rows, under raw ids so they never collide — no validation,
 * normalization, classification, diffing, licenses or raw records.
 */
async function rawWrite(db: Database, models: readonly CatalogModel[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const rows = models.map((m) => {
      const snapshot = snapshotOf(m);
      return {
        ...modelRow(m, snapshot, contentHash(snapshot)),
        id: m.id.replace('huggingface:', 'raw:'),
        repo_id: `raw/${m.repoId}`,
        license_id: null,
      };
    });
    await client.query(
      `INSERT INTO models (id, hub_id, repo_id, author, name, task, library, tags, base_models, sha, gating, license_id,
         license_hub_value, parameter_count, downloads, downloads_all_time, likes, openness_level, openness_score, mof_class,
         weights_availability, content_hash, snapshot, created_at, last_modified)
       SELECT r.id, r.hub_id, r.repo_id, r.author, r.name, r.task, r.library, ARRAY(SELECT jsonb_array_elements_text(r.tags)),
         ARRAY(SELECT jsonb_array_elements_text(r.base_models)), r.sha, r.gating::"Gating", r.license_id, r.license_hub_value,
         r.parameter_count, r.downloads, r.downloads_all_time, r.likes, r.openness_level::"OpennessLevel", r.openness_score,
         r.mof_class::"MofClass", r.weights_availability::"WeightsAvailability", r.content_hash, r.snapshot, r.created_at, r.last_modified
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, hub_id text, repo_id text, author text, name text, task text, library text,
         tags jsonb, base_models jsonb, sha text, gating text, license_id text, license_hub_value text, parameter_count bigint,
         downloads integer, downloads_all_time bigint, likes integer, openness_level text, openness_score double precision,
         mof_class text, weights_availability text, content_hash text, snapshot jsonb, created_at timestamptz, last_modified timestamptz)`,
      [JSON.stringify(rows)],
    );
    await client.query(
      `INSERT INTO openness_assessments (model_id, rules_version, level, score, mof_class, missing_components, weights_availability,
         weights_formats, code_inference, code_training, data_training, doc_model_card, doc_paper, doc_evaluation, evidence)
       SELECT r.model_id, r.rules_version, r.level::"OpennessLevel", r.score, r.mof_class::"MofClass",
         ARRAY(SELECT jsonb_array_elements_text(r.missing_components)), r.weights_availability::"WeightsAvailability",
         ARRAY(SELECT jsonb_array_elements_text(r.weights_formats)), r.code_inference::"ComponentStatus",
         r.code_training::"ComponentStatus", r.data_training::"ComponentStatus", r.doc_model_card::"ComponentStatus",
         r.doc_paper::"ComponentStatus", r.doc_evaluation::"ComponentStatus", r.evidence
       FROM jsonb_to_recordset($1::jsonb) AS r(model_id text, rules_version text, level text, score double precision,
         mof_class text, missing_components jsonb, weights_availability text, weights_formats jsonb, code_inference text,
         code_training text, data_training text, doc_model_card text, doc_paper text, doc_evaluation text, evidence jsonb)`,
      [JSON.stringify(models.map((m) => ({ ...assessmentRow(m), model_id: m.id.replace('huggingface:', 'raw:') })))],
    );
    await client.query(
      `INSERT INTO model_changes (model_id, kind, changed_fields, after)
       SELECT r.id, 'CREATED', ARRAY(SELECT jsonb_object_keys(r.snapshot)), r.snapshot
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, snapshot jsonb)`,
      [JSON.stringify(rows.map((r) => ({ id: r.id, snapshot: r.snapshot })))],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The naive path: the same writes ingest makes for a new model — license, model, assessment, raw
 * record, change row — as one Prisma call each, model after model.
 */
async function naiveWrite(db: Database, models: readonly CatalogModel[]): Promise<void> {
  for (const m of models) {
    const id = m.id.replace('huggingface:', 'naive:');
    const snapshot = snapshotOf(m);
    const data = {
      hubId: m.hubId,
      repoId: `naive/${m.repoId}`,
      author: m.author,
      name: m.name,
      task: m.task,
      library: m.library,
      tags: [...m.tags],
      baseModels: [...m.baseModels],
      sha: m.sha,
      gating: m.gating,
      licenseHubValue: m.license.hubValue,
      parameterCount: m.parameterCount === null ? null : BigInt(m.parameterCount),
      downloads: m.downloads,
      downloadsAllTime: m.downloadsAllTime === null ? null : BigInt(m.downloadsAllTime),
      likes: m.likes,
      opennessLevel: m.openness.level,
      opennessScore: m.openness.score,
      mofClass: m.openness.mofClass,
      weightsAvailability: m.openness.weights.availability,
      contentHash: contentHash(snapshot),
      snapshot,
      createdAt: m.createdAt,
      lastModified: m.lastModified,
    };
    const license = {
      name: m.license.name,
      url: m.license.url,
      category: m.license.category,
      commercialUse: m.license.commercialUse,
      osiApproved: m.license.osiApproved,
    };
    await db.prisma.license.upsert({
      where: { id: m.license.id },
      create: { id: m.license.id, ...license },
      update: license,
    });
    await db.prisma.model.upsert({
      where: { id },
      create: { id, ...data, licenseId: m.license.id },
      update: { ...data, licenseId: m.license.id },
    });
    const o = m.openness;
    const assessment = {
      rulesVersion: o.rulesVersion,
      level: o.level,
      score: o.score,
      mofClass: o.mofClass,
      missingComponents: [...o.missingComponents],
      weightsAvailability: o.weights.availability,
      weightsFormats: [...o.weights.formats],
      codeInference: o.code.inference,
      codeTraining: o.code.training,
      dataTraining: o.data.training,
      docModelCard: o.documentation.modelCard,
      docPaper: o.documentation.paper,
      docEvaluation: o.documentation.evaluation,
      evidence: o.evidence as never,
    };
    await db.prisma.opennessAssessment.upsert({
      where: { modelId: id },
      create: { modelId: id, ...assessment },
      update: assessment,
    });
    await db.prisma.rawRecord.upsert({
      where: { modelId: id },
      create: { modelId: id, payload: m.raw as never },
      update: { payload: m.raw as never },
    });
    await db.prisma.modelChange.create({
      data: { modelId: id, kind: 'CREATED', changedFields: Object.keys(snapshot), after: snapshot },
    });
  }
}

export interface IngestBenchResult {
  readonly n: number;
  readonly rawPerSecond: number;
  readonly pass1PerSecond: number;
  readonly pass2PerSecond: number;
  readonly pass2Changed: number;
  readonly naivePerSecond: number;
  readonly naiveSample: number;
  readonly peakRssAtN: number;
  readonly peakRssAt4N: number | null;
}

export async function runIngestBench(options: {
  n: number;
  concurrency: number;
  naiveSample: number;
  skip4n: boolean;
}): Promise<IngestBenchResult> {
  const config = loadConfigOrExit();
  const scratch = await createScratchDatabase(
    config,
    `catalog_bench_ingest_${process.pid}`,
    logger,
    options.concurrency + 2,
  );
  const { db } = scratch;
  const ingest = new IngestRepository(db.pool);
  const { n, concurrency } = options;
  try {
    // Warm-up (JIT, caches, connections), then clean tables.
    for (const page of pages(10_000_000, 2 * PAGE)) await ingest.ingestPage(build(page));
    await db.pool.query('TRUNCATE models, openness_assessments, raw_records, model_changes, licenses CASCADE');

    const rate = (count: number, ms: number) => (count * 1000) / ms;
    let progress = createProgress({ label: 'ingest: raw limit', total: n, unit: 'models' });
    // Normalization for the raw path happens before its clock starts: it writes finished rows.
    const rawMs = await drive(
      (function* () {
        for (const page of pages(0, n)) yield build(page);
      })(),
      concurrency,
      (models) => rawWrite(db, models as CatalogModel[]),
      (size) => progress.increment(size),
    );
    progress.stop();
    await db.pool.query('TRUNCATE models, openness_assessments, raw_records, model_changes CASCADE');

    progress = createProgress({ label: 'ingest: pass 1 (new)', total: n, unit: 'models' });
    const pass1Ms = await drive(
      pages(0, n),
      concurrency,
      async (page) => void (await ingest.ingestPage(build(page))),
      (size) => progress.increment(size),
    );
    progress.stop();
    const peakRssAtN = peakRssMb();

    const mutate = (index: number) =>
      index % 20 === 0 ? ((['commit', 'license', 'gating'] as const)[(index / 20) % 3] ?? null) : null;
    let changed = 0;
    progress = createProgress({ label: 'ingest: pass 2 (5% changed)', total: n, unit: 'models' });
    const pass2Ms = await drive(
      pages(0, n, mutate),
      concurrency,
      async (page) => {
        const result = await ingest.ingestPage(build(page));
        changed += result?.changes.length ?? 0;
      },
      (size) => progress.increment(size),
    );
    progress.stop();

    let peakRssAt4N: number | null = null;
    if (!options.skip4n) {
      progress = createProgress({ label: 'ingest: up to 4N (memory)', total: 3 * n, unit: 'models' });
      await drive(
        pages(n, 3 * n),
        concurrency,
        async (page) => void (await ingest.ingestPage(build(page))),
        (size) => progress.increment(size),
      );
      progress.stop();
      peakRssAt4N = peakRssMb();
    }

    const sample: CatalogModel[] = [];
    for (const page of pages(20_000_000, options.naiveSample)) sample.push(...build(page));
    progress = createProgress({ label: 'ingest: naive Prisma upserts', total: sample.length, unit: 'models' });
    const naiveStarted = performance.now();
    for (let i = 0; i < sample.length; i += 100) {
      await naiveWrite(db, sample.slice(i, i + 100));
      progress.increment(Math.min(100, sample.length - i));
    }
    const naiveMs = performance.now() - naiveStarted;
    progress.stop();

    return {
      n,
      rawPerSecond: rate(n, rawMs),
      pass1PerSecond: rate(n, pass1Ms),
      pass2PerSecond: rate(n, pass2Ms),
      pass2Changed: changed,
      naivePerSecond: rate(sample.length, naiveMs),
      naiveSample: sample.length,
      peakRssAtN,
      peakRssAt4N,
    };
  } finally {
    await scratch.drop();
  }
}

export function formatIngestBench(r: IngestBenchResult): string {
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const worst = Math.min(r.pass1PerSecond, r.pass2PerSecond);
  const row = (name: string, rate: number, note = '') =>
    `${name.padEnd(34)}${Math.round(rate).toString().padStart(10)} models/s  ${note}`;
  return [
    `bench ingest over ${r.n} generated Hugging Face records (pages of ${PAGE})`,
    row('raw set-based SQL (limit)', r.rawPerSecond),
    row(
      'pass 1: new models',
      r.pass1PerSecond,
      `${ratio(r.pass1PerSecond, r.rawPerSecond)}x raw, ${ratio(r.pass1PerSecond, r.naivePerSecond)}x naive`,
    ),
    row(
      'pass 2: 5% changed',
      r.pass2PerSecond,
      `${ratio(r.pass2PerSecond, r.rawPerSecond)}x raw, ${ratio(r.pass2PerSecond, r.naivePerSecond)}x naive; ${r.pass2Changed} change rows`,
    ),
    row(`naive Prisma upserts (${r.naiveSample})`, r.naivePerSecond),
    `peak RSS: ${r.peakRssAtN} MB after N, ${r.peakRssAt4N === null ? 'skipped' : `${r.peakRssAt4N} MB after 4N`}`,
    `bench ingest: models_per_s=${Math.round(r.pass1PerSecond)} ratio_vs_raw=${ratio(worst, r.rawPerSecond)} ratio_vs_naive=${ratio(worst, r.naivePerSecond)} peak_rss_mb=${r.peakRssAt4N ?? r.peakRssAtN}`,
  ].join('\n');
}

export function registerIngestBench(bench: Command): void {
  bench
    .command('ingest')
    .description(
      'Normalize + classify + ingest throughput vs the raw set-based limit and a naive Prisma loop, in a scratch database',
    )
    .option('--n <count>', 'records per pass', positive, 200_000)
    .option('--concurrency <pages>', 'pages in flight', (v) => Math.max(1, Math.trunc(Number(v)) || 1), 2)
    .option('--naive-sample <count>', 'models written by the naive loop', positive, 2_000)
    .option('--skip-4n', 'skip the 4N memory pass')
    .action(async (options: { n: number; concurrency: number; naiveSample: number; skip4n?: boolean }) => {
      const result = await runIngestBench({ ...options, skip4n: options.skip4n ?? false });
      process.stdout.write(`${formatIngestBench(result)}\n`);
    });
}
